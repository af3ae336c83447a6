import { fork } from 'node:child_process';
import path from 'node:path';
import { loadBackend, type BackendRequest, type LoadedBackend } from './backend';
import { executeExperiment } from './execute';
import type { AnyExperiment, Profile } from './experiment';
import { planExperiments, type PlanEntry } from './plan';
import type { ProgressSink } from './progress';
import { gitState, installedTfjsVersion } from './provenance';

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
  /** Experiments run in parallel processes when > 1. */
  jobs?: number;
  /** Script that calls `serveWorker(registry)`; needed when jobs > 1. */
  workerScript?: string;
  explain?: boolean;
  timeLimitSeconds?: number;
  log?: (line: string) => void;
  sink?: ProgressSink;
}

export interface RunSummary {
  plan: PlanEntry[];
  ran: { id: string; wallSeconds: number; backend: string }[];
  reused: string[];
  artifactsDir: string;
}

export function defaultArtifactsDir(root: string, profile: Profile, scratch = false): string {
  return scratch ? path.join(root, 'artifacts', 'scratch', profile) : path.join(root, 'artifacts', profile);
}

/** Plan, then run what is stale, upstreams first. Throws on the first failure (naming the experiment). */
export async function runExperiments(opts: RunnerOptions): Promise<RunSummary> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const sink = opts.sink ?? { write: (t: string) => process.stdout.write(t), isTTY: Boolean(process.stdout.isTTY) };
  const hasOverrides = Boolean(opts.overrides && Object.keys(opts.overrides).length);
  const artifactsDir = opts.artifactsDir ?? defaultArtifactsDir(opts.root, opts.profile, hasOverrides);
  const tfjsVersion = installedTfjsVersion(opts.root);
  const plan = await planExperiments({ ...opts, artifactsDir, tfjsVersion });
  for (const e of plan) if (e.warning) log(`warning: ${e.warning}`);
  if (opts.explain) {
    const width = Math.max(...plan.map((e) => e.def.id.length));
    log(`plan (${opts.profile} profile, ${path.relative(opts.root, artifactsDir) || '.'}):`);
    for (const e of plan) log(`  ${e.action === 'run' ? 'run  ' : 'reuse'}  ${e.def.id.padEnd(width)}  ${e.reasons.join('; ')}`);
  }
  const toRun = plan.filter((e) => e.action === 'run');
  const summary: RunSummary = { plan, ran: [], reused: plan.filter((e) => e.action === 'reuse').map((e) => e.def.id), artifactsDir };
  if (toRun.length === 0) return summary;

  // Parallel runs need separate processes; without a worker script, run one at a time.
  const jobs = opts.workerScript ? Math.max(1, Math.min(opts.jobs ?? 1, toRun.length)) : 1;
  const git = gitState(opts.root);
  const backendRequest = opts.backend ?? 'auto';
  let backend: LoadedBackend | undefined;
  const runInProcess = async (entry: PlanEntry) => {
    backend ??= await loadBackend(backendRequest);
    if (backend.skipped.length && summary.ran.length === 0) log(`backend: ${backend.name} (skipped ${backend.skipped.join('; ')})`);
    const artifact = await executeExperiment(entry, {
      root: opts.root, profile: opts.profile, artifactsDir, backend, git, sink, log,
      timeLimitSeconds: opts.timeLimitSeconds, registry: opts.registry,
    });
    return { wallSeconds: artifact.provenance.wallSeconds, backend: artifact.provenance.backend };
  };
  const runInWorker = (entry: PlanEntry) =>
    runWorkerProcess(opts.workerScript!, {
      id: entry.def.id, config: entry.config, keyInputs: entry.keyInputs, key: entry.key,
      root: opts.root, profile: opts.profile, artifactsDir, backend: backendRequest, git, timeLimitSeconds: opts.timeLimitSeconds,
    });
  const runOne = jobs > 1 ? runInWorker : runInProcess;

  // Start each experiment as soon as its upstreams are done, at most `jobs` at once.
  const pending = new Map(toRun.map((e) => [e.def.id, e]));
  const finished = new Set(summary.reused);
  const running = new Map<string, Promise<void>>();
  let failure: unknown;
  while ((pending.size || running.size) && !failure) {
    for (const [id, entry] of pending) {
      if (running.size >= jobs) break;
      if (!(entry.def.upstream ?? []).every((u: string) => finished.has(u))) continue;
      pending.delete(id);
      log(`running ${id} (${entry.reasons.join('; ')})`);
      running.set(id, runOne(entry).then(
        (r) => {
          summary.ran.push({ id, ...r });
          finished.add(id);
          log(`finished ${id} in ${r.wallSeconds.toFixed(1)}s on ${r.backend}`);
        },
        (err) => {
          failure ??= err;
        },
      ).finally(() => running.delete(id)));
    }
    if (running.size === 0 && pending.size) throw new Error(`cannot schedule: ${[...pending.keys()].join(', ')} wait on upstreams that did not run`);
    await Promise.race(running.values());
  }
  if (failure) {
    await Promise.allSettled(running.values());
    throw failure;
  }
  return summary;
}

export interface WorkerRequest {
  id: string;
  config: PlanEntry['config'];
  keyInputs: PlanEntry['keyInputs'];
  key: string;
  root: string;
  profile: Profile;
  artifactsDir: string;
  backend: BackendRequest;
  git: ReturnType<typeof gitState>;
  timeLimitSeconds?: number;
}

type WorkerReply = { ok: true; wallSeconds: number; backend: string } | { ok: false; message: string };

function runWorkerProcess(script: string, request: WorkerRequest): Promise<{ wallSeconds: number; backend: string }> {
  return new Promise((resolve, reject) => {
    const child = fork(script, [], {
      execArgv: ['--import', 'tsx'],
      cwd: request.root,
      env: { ...process.env, READOFF_PLAIN_PROGRESS: '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let reply: WorkerReply | undefined;
    child.on('message', (m) => (reply = m as WorkerReply));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (reply?.ok) resolve(reply);
      else reject(new Error(reply && !reply.ok ? reply.message : `experiment "${request.id}" worker exited with ${signal ?? `code ${code}`}`));
    });
    child.send(request);
  });
}

/** Body of a worker process: run the one experiment the parent sends, reply, exit. */
export function serveWorker(registry: readonly AnyExperiment[]) {
  process.once('message', async (raw) => {
    const req = raw as WorkerRequest;
    try {
      const def = registry.find((d) => d.id === req.id);
      if (!def) throw new Error(`worker: unknown experiment "${req.id}"`);
      const backend = await loadBackend(req.backend);
      const artifact = await executeExperiment(
        { def, config: req.config, keyInputs: req.keyInputs, key: req.key, action: 'run', reasons: [] },
        {
          root: req.root, profile: req.profile, artifactsDir: req.artifactsDir, backend, git: req.git, registry,
          sink: { write: (t) => process.stdout.write(t), isTTY: false },
          log: (l) => console.log(l), timeLimitSeconds: req.timeLimitSeconds,
        },
      );
      process.send!({ ok: true, wallSeconds: artifact.provenance.wallSeconds, backend: artifact.provenance.backend } satisfies WorkerReply, () => process.exit(0));
    } catch (err: any) {
      process.send!({ ok: false, message: err?.message ?? String(err) } satisfies WorkerReply, () => process.exit(1));
    }
  });
}
