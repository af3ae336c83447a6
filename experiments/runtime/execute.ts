import { readArtifact, sideFileDir, writeArtifact, type Artifact } from './artifacts';
import type { LoadedBackend } from './backend';
import { cacheKey, upstreamFingerprint } from './cacheKey';
import { createRunContext } from './context';
import type { AnyExperiment, Profile } from './experiment';
import { relativeModule, type PlanEntry } from './plan';
import type { ProgressSink } from './progress';
import { sourcesCommitted, type GitState } from './provenance';

export interface ExecuteOptions {
  root: string;
  profile: Profile;
  artifactsDir: string;
  backend: LoadedBackend;
  git: GitState;
  sink: ProgressSink;
  log: (line: string) => void;
  /** Overrides the experiment's own limit. */
  timeLimitSeconds?: number;
  registry: readonly AnyExperiment[];
}

/** Run one planned experiment and write its artifact. Throws with the experiment named on failure. */
export async function executeExperiment(entry: PlanEntry, opts: ExecuteOptions): Promise<Artifact> {
  const { def, config } = entry;
  const started = new Date();
  const t0 = performance.now();
  const upstreams = await loadUpstreams(def, opts);
  // The plan could not know the results of upstreams that ran in this build; key on what they produced.
  const keyInputs = { ...entry.keyInputs, upstream: Object.fromEntries([...upstreams].map(([id, a]) => [id, upstreamFingerprint(a)])) };
  const key = cacheKey(keyInputs);
  const built = createRunContext({
    def, seed: config.seed, profile: opts.profile, backend: opts.backend, sink: opts.sink, log: opts.log,
    sideDir: sideFileDir(opts.artifactsDir, def.id),
    upstreamSideDir: (id) => sideFileDir(opts.artifactsDir, id),
    upstreams,
    timeLimitSeconds: opts.timeLimitSeconds ?? def.timeLimitSeconds?.[opts.profile],
  });
  try {
    const results = await Promise.race([def.run(config, built.ctx), built.aborted]);
    const artifact: Artifact = {
      experiment: def.id,
      title: def.title,
      profile: opts.profile,
      config,
      provenance: {
        cacheKey: key,
        keyInputs,
        module: relativeModule(def, opts.root),
        backend: opts.backend.name,
        tfjsVersion: opts.backend.tfjsVersion,
        nodeVersion: process.version,
        platform: `${process.platform}-${process.arch}`,
        gitCommit: opts.git.commit,
        gitDirty: opts.git.dirty,
        sourcesCommitted: sourcesCommitted(opts.git, keyInputs.sources),
        seed: config.seed,
        startedAt: started.toISOString(),
        wallSeconds: round((performance.now() - t0) / 1000, 3),
        sideFiles: built.sideFiles,
      },
      results,
    };
    return (await writeArtifact(opts.artifactsDir, artifact, def.result)).artifact;
  } catch (err: any) {
    const message = err?.message ?? String(err);
    const wrapped = new Error(`experiment "${def.id}" failed: ${message}`);
    (wrapped as any).cause = err;
    throw wrapped;
  } finally {
    built.dispose();
  }
}

/** Upstreams finish before their consumers start, so their artifacts are on disk and valid. */
async function loadUpstreams(def: AnyExperiment, opts: ExecuteOptions): Promise<Map<string, Artifact>> {
  const out = new Map<string, Artifact>();
  for (const id of def.upstream ?? []) {
    const up = opts.registry.find((d) => d.id === id);
    if (!up) throw new Error(`experiment "${def.id}" lists unknown upstream "${id}"`);
    const r = await readArtifact(opts.artifactsDir, id, up.result);
    if (r.status !== 'ok') throw new Error(`experiment "${def.id}": upstream "${id}" has no valid artifact (${r.status === 'malformed' ? r.reason : 'missing'})`);
    out.set(id, r.artifact);
  }
  return out;
}

function round(x: number, digits: number) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
