import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readArtifact, sideFileDir, writeArtifact, type Artifact } from './artifacts';
import { writeFileAtomic } from './atomicWrite';
import type { LoadedBackend } from './backend';
import { sha256 } from './canonicalJson';
import type { AnyExperiment, Profile, RunContext } from './experiment';
import { relativeModule, type PlanEntry } from './plan';
import { createProgressFactory, type ProgressSink } from './progress';
import type { GitState } from './provenance';
import { Rng } from './rng';

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
  const limit = opts.timeLimitSeconds ?? def.timeLimitSeconds?.[opts.profile];
  const controller = new AbortController();
  const timer = limit ? setTimeout(() => controller.abort(new Error(`time limit of ${limit}s exceeded`)), limit * 1000) : undefined;
  const sideFiles: Record<string, string> = {};
  const upstreams = await loadUpstreams(def, opts);
  const prefix = `[${def.id}]`;
  const ctx: RunContext = {
    tf: opts.backend.tf,
    backend: opts.backend.name,
    profile: opts.profile,
    rng: (label) => new Rng(config.seed, label),
    progress: createProgressFactory(prefix, { sink: opts.sink, onTick: () => controller.signal.throwIfAborted() }),
    log: (m) => opts.log(`${prefix} ${m}`),
    signal: controller.signal,
    upstream: (id) => {
      const artifact = upstreams.get(id);
      if (!artifact) throw new Error(`experiment "${def.id}" read upstream "${id}" without declaring it in \`upstream\``);
      return {
        results: artifact.results,
        config: artifact.config,
        readSideFile: async (name) => new Uint8Array(await readFile(path.join(sideFileDir(opts.artifactsDir, id), name))),
      };
    },
    writeSideFile: async (name, data) => {
      if (!/^[\w.-]+$/.test(name)) throw new Error(`side file name "${name}" may use letters, digits, '.', '_' and '-' only`);
      await writeFileAtomic(path.join(sideFileDir(opts.artifactsDir, def.id), name), data);
      sideFiles[name] = sha256(data);
    },
  };
  try {
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    const results = await Promise.race([def.run(config, ctx), aborted]);
    const artifact: Artifact = {
      experiment: def.id,
      title: def.title,
      profile: opts.profile,
      config,
      provenance: {
        cacheKey: entry.key,
        keyInputs: entry.keyInputs,
        module: relativeModule(def, opts.root),
        backend: opts.backend.name,
        tfjsVersion: opts.backend.tfjsVersion,
        nodeVersion: process.version,
        platform: `${process.platform}-${process.arch}`,
        gitCommit: opts.git.commit,
        gitDirty: opts.git.dirty,
        seed: config.seed,
        startedAt: started.toISOString(),
        wallSeconds: round((performance.now() - t0) / 1000, 3),
        sideFiles,
      },
      results,
    };
    await writeArtifact(opts.artifactsDir, artifact, def.result);
    return artifact;
  } catch (err: any) {
    const message = err?.message ?? String(err);
    const wrapped = new Error(`experiment "${def.id}" failed: ${message}`);
    (wrapped as any).cause = err;
    throw wrapped;
  } finally {
    if (timer) clearTimeout(timer);
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
