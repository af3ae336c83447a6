import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { sha256 } from './canonicalJson';
import { writeFileAtomic, type AtomicWriteHooks } from './atomicWrite';

/** Where an artifact lives and what it records about how it was made. */
export const provenanceSchema = z.object({
  cacheKey: z.string(),
  /** The inputs the cache key hashes, kept so `--explain` can say which one changed. */
  keyInputs: z.object({
    sources: z.record(z.string()),
    imports: z.record(z.array(z.string())).optional(),
    config: z.unknown(),
    profile: z.string(),
    tfjsVersion: z.string(),
    upstream: z.record(z.string()),
  }),
  /** Repo-relative path of the module that declares the experiment. */
  module: z.string(),
  backend: z.string(),
  tfjsVersion: z.string(),
  nodeVersion: z.string(),
  platform: z.string(),
  gitCommit: z.string().nullable(),
  gitDirty: z.boolean().nullable(),
  seed: z.number().int(),
  startedAt: z.string(),
  wallSeconds: z.number().nonnegative(),
  /** Side files (trained weights, …) beside the artifact: name → sha256. */
  sideFiles: z.record(z.string()),
  /** Experiments declared as units: how many, and the shards (`i/n`) that computed them when merged from shards. */
  units: z.object({ count: z.number().int(), shards: z.array(z.string()).optional() }).optional(),
});
export type Provenance = z.infer<typeof provenanceSchema>;

export const artifactEnvelopeSchema = z.object({
  experiment: z.string(),
  title: z.string(),
  profile: z.string(),
  config: z.unknown(),
  provenance: provenanceSchema,
  results: z.unknown(),
});
export type Artifact<R = unknown> = Omit<z.infer<typeof artifactEnvelopeSchema>, 'results'> & { results: R };

export function artifactPath(dir: string, id: string): string {
  return path.join(dir, `${id}.json`);
}

export function sideFileDir(dir: string, id: string): string {
  return path.join(dir, id);
}

export async function writeArtifact(
  dir: string,
  artifact: Artifact,
  resultSchema: z.ZodTypeAny,
  hooks?: AtomicWriteHooks,
): Promise<void> {
  // Validate what will be read back: JSON turns NaN and Infinity into null, which must fail here, not on the next build.
  const check = resultSchema.safeParse(JSON.parse(JSON.stringify(artifact.results ?? null)));
  if (!check.success) {
    throw new Error(`experiment "${artifact.experiment}" returned results that do not match its result schema:\n${formatZodIssues(check.error)}`);
  }
  artifactEnvelopeSchema.parse(artifact);
  await writeFileAtomic(artifactPath(dir, artifact.experiment), `${JSON.stringify(artifact, null, 1)}\n`, hooks);
}

export type ReadResult =
  | { status: 'ok'; artifact: Artifact }
  | { status: 'missing' }
  | { status: 'malformed'; reason: string; /** The envelope, when only the results or side files were bad. */ envelope?: Artifact };

/** Read and validate an artifact (envelope, results and side-file hashes). Never throws for bad content. */
export async function readArtifact(dir: string, id: string, resultSchema: z.ZodTypeAny): Promise<ReadResult> {
  let text: string;
  try {
    text = await readFile(artifactPath(dir, id), 'utf8');
  } catch (err: any) {
    if (err?.code === 'ENOENT') return { status: 'missing' };
    return { status: 'malformed', reason: String(err?.message ?? err) };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err: any) {
    return { status: 'malformed', reason: `not valid JSON (${err.message})` };
  }
  const env = artifactEnvelopeSchema.safeParse(json);
  if (!env.success) return { status: 'malformed', reason: formatZodIssues(env.error) };
  if (env.data.experiment !== id) return { status: 'malformed', reason: `file names experiment "${env.data.experiment}"` };
  const envelope = env.data as Artifact;
  const res = resultSchema.safeParse(env.data.results);
  if (!res.success) return { status: 'malformed', reason: `results: ${formatZodIssues(res.error)}`, envelope };
  for (const [name, hash] of Object.entries(env.data.provenance.sideFiles)) {
    try {
      const bytes = await readFile(path.join(sideFileDir(dir, id), name));
      if (sha256(bytes) !== hash) return { status: 'malformed', reason: `side file ${name} does not match its hash`, envelope };
    } catch {
      return { status: 'malformed', reason: `side file ${name} is missing`, envelope };
    }
  }
  return { status: 'ok', artifact: { ...env.data, results: res.data } as Artifact };
}

/** One line per issue: `field.path: message`. */
export function formatZodIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((i) => {
      const at = [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)';
      return `  ${at}: ${describeIssue(i)}`;
    })
    .join('\n');
}

function describeIssue(issue: z.ZodIssue): string {
  switch (issue.code) {
    case 'invalid_enum_value':
      return `got ${JSON.stringify(issue.received)}; allowed values: ${issue.options.map((o) => JSON.stringify(o)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown field(s) ${issue.keys.join(', ')}`;
    default:
      return issue.message;
  }
}
