import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sideFileDir, writeArtifact, type Artifact } from './artifacts';
import type { LoadedBackend } from './backend';
import { sha256 } from './canonicalJson';
import type { KeyInputs } from './cacheKey';
import { createRunContext } from './context';
import type { AnyExperiment, Profile, UnitContext, UnitDescriptor } from './experiment';
import { relativeModule } from './plan';
import { streamFor } from './rng';
import type { ProgressSink } from './progress';
import { sourcesCommitted, type GitState } from './provenance';
import { normalizePartial, WHOLE } from './units';
import type { UnitRecord } from './unitStore';

/** One unit to compute: what a worker process receives, and what an in-process run computes. */
export interface UnitTask {
  experiment: string;
  config: Record<string, unknown> & { seed: number };
  unit: UnitDescriptor;
  key: string;
  profile: Profile;
  /** Results and config of each upstream, and the folder holding its side files. */
  upstreams: Record<string, { results: unknown; config: unknown; sideDir: string }>;
  /** Seconds left of the experiment's time limit when the unit starts. */
  timeLimitSeconds?: number;
  /** The experiment's own limit, for the message. */
  limitSeconds?: number;
}

export type UnitOutcome =
  | { ok: true; partial: unknown; sideFiles: Record<string, string>; wallSeconds: number; cpuSeconds: number; backend: string }
  | { ok: false; message: string };

export function unitName(experiment: string, unit: UnitDescriptor): string {
  return unit === WHOLE || unit.label === WHOLE.label ? `experiment "${experiment}"` : `experiment "${experiment}" unit "${unit.label}"`;
}

/** Compute one unit in this process. Never throws: a failure is an outcome naming the experiment and unit. */
export async function computeUnit(
  def: AnyExperiment,
  task: UnitTask,
  env: { backend: LoadedBackend; sink: ProgressSink; log: (line: string) => void },
): Promise<UnitOutcome> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const upstreams = new Map(Object.entries(task.upstreams));
  const sideFiles: Record<string, string> = {};
  const built = createRunContext({
    def, seed: task.config.seed, profile: task.profile, backend: env.backend, sink: env.sink, log: env.log,
    sideDir: '', // side files are collected below, then written beside the artifact when it is merged
    upstreamSideDir: (id) => upstreams.get(id)!.sideDir,
    upstreams,
    timeLimitSeconds: task.timeLimitSeconds,
  });
  // Copied by descriptors, not spread: spreading would read `ctx.tf`, which throws without TensorFlow.js.
  const ctx = Object.defineProperties(Object.defineProperties({}, Object.getOwnPropertyDescriptors(built.ctx)), Object.getOwnPropertyDescriptors({
    unit: task.unit,
    writeSideFile: async (name: string, data: Uint8Array) => {
      if (!/^[\w.-]+$/.test(name)) throw new Error(`side file name "${name}" may use letters, digits, '.', '_' and '-' only`);
      sideFiles[name] = Buffer.from(data).toString('base64');
    },
  })) as UnitContext;
  try {
    const work = def.runUnit && task.unit.label !== WHOLE.label ? def.runUnit(task.config, task.unit, ctx) : def.run!(task.config, ctx);
    const partial = await Promise.race([work, built.aborted]);
    const cpu = process.cpuUsage(cpu0);
    return {
      ok: true, partial: normalizePartial(partial), sideFiles, wallSeconds: round((performance.now() - t0) / 1000, 3),
      cpuSeconds: round((cpu.user + cpu.system) / 1e6, 3), backend: env.backend.name,
    };
  } catch (err: any) {
    let message = err?.message ?? String(err);
    // The remaining budget is an implementation detail: report the experiment's own limit.
    if (task.limitSeconds !== undefined && /^time limit of [\d.e+-]+s exceeded$/.test(message)) message = `time limit of ${task.limitSeconds}s exceeded`;
    return { ok: false, message: `${unitName(task.experiment, task.unit)} failed: ${message}` };
  } finally {
    built.dispose();
  }
}

export interface WriteOptions {
  root: string;
  profile: Profile;
  artifactsDir: string;
  git: GitState;
  tfjsVersion: string;
  startedAt: Date;
}

/** Merge an experiment's unit records (in `units` order) into its artifact, and write it with its side files. */
export async function writeMergedArtifact(
  def: AnyExperiment,
  config: Record<string, unknown> & { seed: number },
  keyInputs: KeyInputs,
  key: string,
  records: UnitRecord[],
  opts: WriteOptions,
): Promise<Artifact> {
  let results: unknown;
  try {
    results = def.merge ? def.merge(config, records.map((r) => r.partial), (label) => streamFor(config.seed, label)) : records[0].partial;
  } catch (err: any) {
    throw new Error(`experiment "${def.id}" failed in merge: ${err?.message ?? err}`);
  }
  const sideBytes = new Map<string, Buffer>();
  for (const r of records) {
    for (const [name, b64] of Object.entries(r.sideFiles ?? {})) {
      if (sideBytes.has(name)) throw new Error(`experiment "${def.id}": two units wrote side file "${name}"`);
      sideBytes.set(name, Buffer.from(b64, 'base64'));
    }
  }
  const sideFiles = Object.fromEntries([...sideBytes].map(([n, b]) => [n, sha256(b)]));
  const backends = [...new Set(records.map((r) => r.backend))].sort();
  const shards = [...new Set(records.flatMap((r) => (r.shard ? [r.shard] : [])))].sort();
  const artifact: Artifact = {
    experiment: def.id,
    title: def.title,
    profile: opts.profile,
    config,
    provenance: {
      cacheKey: key,
      keyInputs,
      module: relativeModule(def, opts.root),
      backend: backends.join('+'),
      tfjsVersion: opts.tfjsVersion,
      nodeVersion: process.version,
      platform: `${process.platform}-${process.arch}`,
      gitCommit: opts.git.commit,
      gitDirty: opts.git.dirty,
      sourcesCommitted: sourcesCommitted(opts.git, keyInputs.sources),
      seed: config.seed,
      startedAt: opts.startedAt.toISOString(),
      // Seconds of computation, summed over units: what the experiment costs on one core, however it was spread.
      wallSeconds: round(records.reduce((s, r) => s + r.wallSeconds, 0), 3),
      // CPU seconds of the processes that computed the units: unlike wall time, barely moved by a busy machine.
      ...(records.every((r) => r.cpuSeconds !== undefined) ? { cpuSeconds: round(records.reduce((s, r) => s + r.cpuSeconds!, 0), 3) } : {}),
      sideFiles,
      ...(def.units ? { units: { count: records.length, ...(shards.length ? { shards } : {}) } } : shards.length ? { units: { count: 1, shards } } : {}),
    },
    results,
  };
  if (sideBytes.size) {
    const dir = sideFileDir(opts.artifactsDir, def.id);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    for (const [name, bytes] of sideBytes) await writeFile(path.join(dir, name), bytes);
  }
  try {
    // The stored artifact (with its content hash), or the old file when nothing changed.
    return (await writeArtifact(opts.artifactsDir, artifact, def.result)).artifact;
  } catch (err: any) {
    throw new Error(`experiment "${def.id}" failed: ${err?.message ?? err}`);
  }
}

function round(x: number, digits: number) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
