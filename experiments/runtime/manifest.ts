import path from 'node:path';
import { readArtifact } from './artifacts';
import { writeFileAtomic } from './atomicWrite';
import type { AnyExperiment, Profile } from './experiment';
import type { PlanEntry } from './plan';
import { numericPaths } from './schemaPaths';
import type { BuildManifest } from './manifestSchema';

/** Where the build manifest of a profile lives (not committed: it describes one build). */
export function manifestPath(root: string, profile: Profile): string {
  return path.join(root, '.readoff', `manifest.${profile}.json`);
}

/**
 * Every experiment with its page, profile, key, backend, wall time, commit and whether its artifact is stale,
 * plus the numeric paths its result and config schemas allow. Pages read this (through `src/lib/manifest.ts`),
 * so the site never imports experiment code.
 */
export async function writeManifest(o: {
  root: string;
  profile: Profile;
  artifactsDir: string;
  registry: readonly AnyExperiment[];
  pageOf: ReadonlyMap<string, string>;
  plan: readonly PlanEntry[];
  ran: readonly string[];
}): Promise<BuildManifest> {
  const planned = new Map(o.plan.map((e) => [e.def.id, e]));
  const experiments: BuildManifest['experiments'] = [];
  for (const def of o.registry) {
    const entry = planned.get(def.id);
    const read = await readArtifact(o.artifactsDir, def.id, def.result);
    const artifact = read.status === 'ok' ? read.artifact : undefined;
    experiments.push({
      id: def.id,
      page: o.pageOf.get(def.id) ?? null,
      title: def.title,
      module: path.relative(o.root, def.module.startsWith('file:') ? new URL(def.module).pathname : def.module).split(path.sep).join('/'),
      profile: o.profile,
      key: artifact?.provenance.cacheKey ?? null,
      backend: artifact?.provenance.backend ?? null,
      wallSeconds: artifact?.provenance.wallSeconds ?? null,
      gitCommit: artifact?.provenance.gitCommit ?? null,
      stale: !artifact || !entry || artifact.provenance.cacheKey !== entry.key,
      ranThisBuild: o.ran.includes(def.id),
      resultPaths: numericPaths(def.result),
      configPaths: numericPaths(def.config).map((p) => `config.${p}`),
    });
  }
  const manifest: BuildManifest = { profile: o.profile, experiments };
  await writeFileAtomic(manifestPath(o.root, o.profile), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
