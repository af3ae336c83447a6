import { z } from 'zod';

/** The build manifest's schema: shared by its writer (the experiments CLI) and its reader (`src/lib/manifest.ts`). */
export const buildManifestSchema = z.object({
  profile: z.string(),
  experiments: z.array(
    z.object({
      id: z.string(),
      /** Slug of the page whose index lists the experiment. */
      page: z.string().nullable(),
      title: z.string(),
      /** Repo-relative path of the module that declares it. */
      module: z.string(),
      profile: z.string(),
      key: z.string().nullable(),
      backend: z.string().nullable(),
      wallSeconds: z.number().nullable(),
      gitCommit: z.string().nullable(),
      /** The artifact is missing or was made by other inputs than today's code and config. */
      stale: z.boolean(),
      ranThisBuild: z.boolean(),
      /** Numeric paths the result schema allows (`#` an array index, `*` a record key). */
      resultPaths: z.array(z.string()),
      configPaths: z.array(z.string()),
    }),
  ),
});
export type BuildManifest = z.infer<typeof buildManifestSchema>;
export type ManifestEntry = BuildManifest['experiments'][number];
