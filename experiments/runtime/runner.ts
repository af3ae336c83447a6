import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { artifactPath, readArtifact, sideFileDir, type Artifact } from './artifacts';
import { backendFor, type BackendRequest } from './backend';
import { cacheKey, upstreamFingerprint, type KeyInputs } from './cacheKey';
import { computeUnit, writeMergedArtifact, type UnitOutcome, type UnitTask } from './execute';
import type { AnyExperiment, Profile, UnitDescriptor } from './experiment';
import { planExperiments, type PlanEntry } from './plan';
import { createStatusBoard, type ProgressSink } from './progress';
import { gitState, installedTfjsVersion } from './provenance';
import { inShard, unitKey, unitsOf, WHOLE, type Shard } from './units';
import { defaultStoreDir, UnitStore, type UnitRecord } from './unitStore';
import { WorkerPool } from './workerPool';

export { serveWorker } from './workerPool';

export interface RunnerOptions {
  registry: readonly AnyExperiment[];
  root: string;
  profile: Profile;
  ids?: readonly string[];
  force?: boolean;
  overrides?: Record<string, unknown>;
  /** Default: `<root>/artifacts/<profile>` (or `artifacts/scratch/<profile>` with overrides). */
  artifactsDir?: string;
  backend?: BackendRequest;
  /** Worker processes (default: the number of cores). */
  jobs?: number;
  /** Script that calls `serveWorker(registry)`. Without it, units run in this process, one at a time. */
  workerScript?: string;
  explain?: boolean;
  /** Plan and report, run nothing (for `--check`). */
  planOnly?: boolean;
  timeLimitSeconds?: number;
  log?: (line: string) => void;
  sink?: ProgressSink;
  /** Unit store to read and write (default `<root>/.readoff/units`). */
  storeDir?: string;
  /** Compute only this slice of the units, into the store; write no artifacts. */
  shard?: Shard;
  /** Compute nothing: build every stale artifact from the unit records in these stores. */
  mergeFrom?: readonly string[];
  /** Add this to every experiment's seed (for `--verify --seed-offset`). */
  seedOffset?: number;
  /** Heap limit of each worker process, in MB. */
  workerHeapMegabytes?: number;
}

export interface RunSummary {
  plan: PlanEntry[];
  ran: { id: string; wallSeconds: number; backend: string }[];
  reused: string[];
  artifactsDir: string;
  /** Units computed in this run, and units found in the store. */
  units: { computed: number; cached: number };
}

export function defaultArtifactsDir(root: string, profile: Profile, scratch = false): string {
  return scratch ? path.join(root, 'artifacts', 'scratch', profile) : path.join(root, 'artifacts', profile);
}

export function defaultJobs(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** An experiment that runs: its units, and which of them this run computes. */
interface Job {
  entry: PlanEntry;
  units: UnitDescriptor[];
  /** Units this run must have (all of them, or a shard's share). */
  wanted: boolean[];
  /** Whether this run builds the artifact (every unit wanted). */
  complete: boolean;
  records: (UnitRecord | undefined)[];
  keyInputs?: KeyInputs;
  key?: string;
  unitKeys?: string[];
  deadline?: number;
  upstreams?: UnitTask['upstreams'];
  /** Estimated seconds per unit, from the last artifact: long units are dealt first. */
  estimate: number;
  started: Date;
}

/** Plan, then compute what is stale, upstreams first, unit by unit. Throws on the first failure (naming experiment and unit). */
export async function runExperiments(opts: RunnerOptions): Promise<RunSummary> {
  const sink: ProgressSink = opts.sink ?? {
    write: (t: string) => process.stdout.write(t),
    isTTY: Boolean(process.stdout.isTTY),
    get columns() {
      return process.stdout.columns;
    },
  };
  // Workers on a terminal: one live line per worker, redrawn in place, with the run's log lines printed above them.
  // Off a terminal (CI, a log file) workers print plain lines every few seconds, as a single process does.
  const board = sink.isTTY && opts.workerScript && !opts.mergeFrom ? createStatusBoard(sink) : undefined;
  const log = opts.log ?? (board ? board.log : (l: string) => console.log(l));
  const hasOverrides = Boolean(opts.overrides && Object.keys(opts.overrides).length);
  const artifactsDir = opts.artifactsDir ?? defaultArtifactsDir(opts.root, opts.profile, hasOverrides);
  const tfjsVersion = installedTfjsVersion(opts.root);
  const plan = await planExperiments({ ...opts, artifactsDir, tfjsVersion });
  if (opts.seedOffset) shiftSeeds(plan, opts.seedOffset);
  for (const e of plan) if (e.warning) log(`warning: ${e.warning}`);
  for (const id of await orphanArtifacts(artifactsDir, opts.registry)) {
    log(`warning: ${path.relative(opts.root, artifactsDir)}/${id}.json belongs to no experiment in the registry; delete it if the experiment was removed`);
  }
  if (opts.explain) {
    const width = Math.max(...plan.map((e) => e.def.id.length));
    log(`plan (${opts.profile} profile, ${path.relative(opts.root, artifactsDir) || '.'}):`);
    for (const e of plan) log(`  ${e.action === 'run' ? 'run  ' : 'reuse'}  ${e.def.id.padEnd(width)}  ${e.reasons.join('; ')}`);
  }
  const toRun = plan.filter((e) => e.action === 'run');
  const summary: RunSummary = { plan, ran: [], reused: plan.filter((e) => e.action === 'reuse').map((e) => e.def.id), artifactsDir, units: { computed: 0, cached: 0 } };
  if (toRun.length === 0 || opts.planOnly) return summary;

  const storeDir = opts.storeDir ?? defaultStoreDir(opts.root);
  const store = new UnitStore(opts.mergeFrom?.length ? opts.mergeFrom : [storeDir]);
  // A shard writes no artifacts; experiments it completes (upstreams of its units) go beside its store.
  const outDir = opts.shard ? path.join(storeDir, '.artifacts') : artifactsDir;
  const git = gitState(opts.root);
  const writeOpts = { root: opts.root, profile: opts.profile, artifactsDir: outDir, git, tfjsVersion };

  // Deal every unit of every stale experiment a position, in plan order; a shard keeps its share, plus every unit
  // of the upstreams its share reads.
  const jobs = new Map<string, Job>();
  let position = 0;
  for (const entry of toRun) {
    const units = unitsOf(entry.def, entry.config);
    const wanted = units.map(() => inShard(opts.shard, position++));
    jobs.set(entry.def.id, { entry, units, wanted, complete: false, records: units.map(() => undefined), estimate: await lastSecondsPerUnit([artifactsDir, defaultArtifactsDir(opts.root, opts.profile)], entry.def.id, units.length), started: new Date() });
  }
  for (const entry of [...toRun].reverse()) {
    const job = jobs.get(entry.def.id)!;
    if (!job.wanted.some(Boolean)) continue;
    for (const up of entry.def.upstream ?? []) {
      const u = jobs.get(up);
      if (u) u.wanted = u.wanted.map(() => true);
    }
  }
  for (const job of jobs.values()) job.complete = job.wanted.every(Boolean);

  // Upstream results (reused artifacts, or what this run merged) and where their side files are.
  const done = new Map<string, { artifact: Artifact; sideDir: string }>();
  for (const e of plan) {
    if (e.action !== 'reuse') continue;
    const r = await readArtifact(artifactsDir, e.def.id, e.def.result);
    if (r.status === 'ok') done.set(e.def.id, { artifact: r.artifact, sideDir: sideFileDir(artifactsDir, e.def.id) });
  }

  const workers = Math.max(1, opts.jobs ?? defaultJobs());
  const backendRequest = opts.backend ?? 'auto';
  const pool =
    opts.workerScript && !opts.mergeFrom
      ? new WorkerPool(opts.workerScript, {
          cwd: opts.root, backend: backendRequest, heapMegabytes: opts.workerHeapMegabytes, tty: Boolean(board),
          onOutput: (w, _, text) => (board ? board.sinkFor(workerLine(w)).write(text) : sink.write(text)),
          onStart: (w, task) => board?.set(workerLine(w), `[${task.experiment}]${task.unit.label === WHOLE.label ? '' : ` ${task.unit.label}`} …`),
          onEnd: (w) => board?.remove(workerLine(w)),
        })
      : undefined;
  let backendLogged = false;
  const limitOf = (def: AnyExperiment) => opts.timeLimitSeconds ?? def.timeLimitSeconds?.[opts.profile];

  const compute = async (job: Job, i: number): Promise<UnitOutcome> => {
    const def = job.entry.def;
    const limit = limitOf(def);
    // The experiment's clock starts when its first unit starts.
    const deadline = () => (job.deadline ??= limit ? performance.now() + limit * 1000 : Infinity);
    const remaining = job.deadline === undefined ? limit ?? Infinity : Math.max(0.001, (job.deadline - performance.now()) / 1000);
    const task: UnitTask = {
      experiment: def.id, config: job.entry.config, unit: job.units[i], key: job.unitKeys![i], profile: opts.profile,
      upstreams: job.upstreams!, timeLimitSeconds: Number.isFinite(remaining) ? remaining : undefined, limitSeconds: limit,
    };
    if (pool) return pool.run(task, deadline);
    deadline();
    const backend = await backendFor(def, backendRequest);
    if (!backendLogged && backend.skipped.length) {
      backendLogged = true;
      log(`backend: ${backend.summary}`);
      if (opts.explain) for (const x of backend.skipped) log(`  skipped ${x}`);
    }
    return computeUnit(def, task, { backend, sink, log });
  };

  // Ready an experiment whose upstreams are done: key it on their results, take what the store has.
  const queue: { job: Job; i: number }[] = [];
  const start = async (job: Job) => {
    const def = job.entry.def;
    const upstreamArtifacts = (def.upstream ?? []).map((u: string) => [u, done.get(u)!] as const);
    job.keyInputs = { ...job.entry.keyInputs, upstream: Object.fromEntries(upstreamArtifacts.map(([u, a]) => [u, upstreamFingerprint(a.artifact, opts.registry.find((d) => d.id === u)?.tolerances)])) };
    job.key = cacheKey(job.keyInputs);
    job.upstreams = Object.fromEntries(upstreamArtifacts.map(([u, a]) => [u, { results: a.artifact.results, config: a.artifact.config, sideDir: a.sideDir }]));
    job.unitKeys = job.units.map((u) => unitKey(def, job.keyInputs!, u));
    const fresh = job.entry.reasons.includes('forced') && !opts.mergeFrom;
    let cached = 0;
    for (let i = 0; i < job.units.length; i++) {
      if (!job.wanted[i]) continue;
      const rec = fresh ? undefined : await store.get(def.id, job.unitKeys[i]);
      if (rec) {
        job.records[i] = rec;
        cached++;
      } else if (opts.mergeFrom) {
        throw new Error(`--merge: ${job.units.length > 1 || def.units ? `unit "${job.units[i].label}" of ` : ''}experiment "${def.id}" is in none of the stores (${opts.mergeFrom.join(', ')}); run every shard first, from this same commit`);
      } else {
        queue.push({ job, i });
      }
    }
    summary.units.cached += cached;
    const wanted = job.wanted.filter(Boolean).length;
    const what = def.units ? ` — ${wanted} of ${job.units.length} units${cached ? `, ${cached} from the store` : ''}` : cached ? ' — from the store' : '';
    if (!opts.mergeFrom) log(`running ${def.id} (${job.entry.reasons.join('; ')})${what}`);
    // Longest units first, so the last ones to finish are short.
    queue.sort((a, b) => b.job.estimate - a.job.estimate);
  };

  const finishIfDone = async (job: Job) => {
    if (!job.wanted.every((w, i) => !w || job.records[i])) return false;
    if (job.complete) {
      const artifact = await writeMergedArtifact(job.entry.def, job.entry.config, job.keyInputs!, job.key!, job.records as UnitRecord[], { ...writeOpts, startedAt: job.started });
      done.set(job.entry.def.id, { artifact, sideDir: sideFileDir(outDir, job.entry.def.id) });
      // This run's units, not the artifact's provenance: a re-run with identical results keeps the old file and its times.
      const records = job.records as UnitRecord[];
      const wall = records.reduce((sum, r) => sum + r.wallSeconds, 0);
      const cpu = records.every((r) => r.cpuSeconds !== undefined) ? records.reduce((sum, r) => sum + r.cpuSeconds!, 0) : undefined;
      summary.ran.push({ id: job.entry.def.id, wallSeconds: wall, backend: artifact.provenance.backend });
      if (!opts.shard) log(`finished ${job.entry.def.id} in ${wall.toFixed(1)}s${cpu === undefined ? '' : ` (${cpu.toFixed(1)} CPU-s)`} on ${artifact.provenance.backend}`);
    }
    return true;
  };

  const pending = new Set([...jobs.values()].filter((j) => j.wanted.some(Boolean)));
  const started = new Set<Job>();
  const finished = new Set<string>([...done.keys()]);
  const running = new Set<Promise<void>>();
  let failure: Error | undefined;
  const concurrency = pool ? workers : 1;
  try {
    const startReady = async () => {
      for (let progress = true; progress; ) {
        progress = false;
        for (const job of pending) {
          if (started.has(job)) continue;
          const ups: readonly string[] = job.entry.def.upstream ?? [];
          if (!ups.every((u) => finished.has(u))) continue;
          started.add(job);
          progress = true;
          await start(job);
          if (await finishIfDone(job)) {
            pending.delete(job);
            finished.add(job.entry.def.id);
          }
        }
      }
    };
    while (!failure && (pending.size || running.size)) {
      await startReady();
      while (!failure && running.size < concurrency && queue.length) {
        const { job, i } = queue.shift()!;
        const p: Promise<void> = compute(job, i).then(async (outcome) => {
          if (!outcome.ok) {
            failure ??= new Error(outcome.message);
            return;
          }
          const rec: UnitRecord = {
            experiment: job.entry.def.id, key: job.unitKeys![i], unit: job.units[i], partial: outcome.partial, sideFiles: outcome.sideFiles,
            backend: outcome.backend, wallSeconds: outcome.wallSeconds, cpuSeconds: outcome.cpuSeconds, ...(opts.shard ? { shard: `${opts.shard.index}/${opts.shard.count}` } : {}),
          };
          await store.put(rec);
          summary.units.computed++;
          job.records[i] = rec;
          if (await finishIfDone(job)) {
            pending.delete(job);
            finished.add(job.entry.def.id);
          }
        }).catch((err) => {
          failure ??= err instanceof Error ? err : new Error(String(err));
        }).finally(() => running.delete(p));
        running.add(p);
      }
      if (failure) break;
      if (running.size === 0) {
        if (!pending.size) break;
        throw new Error(`cannot schedule: ${[...pending].map((j) => j.entry.def.id).join(', ')} wait on upstreams that did not run`);
      }
      await Promise.race(running);
    }
    if (failure) {
      // Stop the other workers rather than wait for them: the run has failed. Finished units stay in the store.
      pool?.close();
      await Promise.allSettled(running);
      throw failure;
    }
  } finally {
    pool?.close();
    board?.clear();
  }
  return summary;
}

const workerLine = (worker: number) => `worker ${worker}`;

/** `--seed-offset`: every experiment re-runs with seed + K (into a scratch folder; see verify). */
function shiftSeeds(plan: PlanEntry[], offset: number) {
  for (const e of plan) {
    e.config = { ...e.config, seed: e.config.seed + offset };
    e.keyInputs = { ...e.keyInputs, config: e.config };
    e.key = cacheKey(e.keyInputs);
    e.action = 'run';
    e.reasons = [`seed offset ${offset}`];
  }
}

/** Seconds per unit the last time this experiment ran (from its artifact here, or the profile's), or Infinity. */
async function lastSecondsPerUnit(dirs: string[], id: string, units: number): Promise<number> {
  for (const dir of dirs) {
    try {
      const a = JSON.parse(await readFile(artifactPath(dir, id), 'utf8'));
      const s = Number(a?.provenance?.wallSeconds);
      if (Number.isFinite(s)) return s / units;
    } catch {
      /* try the next */
    }
  }
  return Infinity; // unknown: start it early
}

async function orphanArtifacts(dir: string, registry: readonly AnyExperiment[]): Promise<string[]> {
  const known = new Set(registry.map((d) => d.id));
  const files = await readdir(dir).catch(() => [] as string[]);
  return files.filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).filter((id) => !known.has(id));
}
