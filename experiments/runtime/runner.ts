import { fork, type ChildProcess } from 'node:child_process';
import { readdir } from 'node:fs/promises';
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
  /** Plan and report, run nothing (for `--check`). */
  planOnly?: boolean;
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
  for (const id of await orphanArtifacts(artifactsDir, opts.registry)) {
    log(`warning: ${path.relative(opts.root, artifactsDir)}/${id}.json belongs to no experiment in the registry; delete it if the experiment was removed`);
  }
  if (opts.explain) {
    const width = Math.max(...plan.map((e) => e.def.id.length));
    log(`plan (${opts.profile} profile, ${path.relative(opts.root, artifactsDir) || '.'}):`);
    for (const e of plan) log(`  ${e.action === 'run' ? 'run  ' : 'reuse'}  ${e.def.id.padEnd(width)}  ${e.reasons.join('; ')}`);
  }
  const toRun = plan.filter((e) => e.action === 'run');
  const summary: RunSummary = { plan, ran: [], reused: plan.filter((e) => e.action === 'reuse').map((e) => e.def.id), artifactsDir };
  if (toRun.length === 0 || opts.planOnly) return summary;

  // Parallel runs need separate processes; without a worker script, run one at a time.
  const jobs = opts.workerScript ? Math.max(1, Math.min(opts.jobs ?? 1, toRun.length)) : 1;
  const git = gitState(opts.root);
  const backendRequest = opts.backend ?? 'auto';
  let backend: LoadedBackend | undefined;
  const runInProcess = async (entry: PlanEntry) => {
    backend ??= await loadBackend(backendRequest);
    if (backend.skipped.length && summary.ran.length === 0) {
      log(`backend: ${backend.summary}`);
      if (opts.explain) for (const s of backend.skipped) log(`  skipped ${s}`);
    }
    const artifact = await executeExperiment(entry, {
      root: opts.root, profile: opts.profile, artifactsDir, backend, git, sink, log,
      timeLimitSeconds: opts.timeLimitSeconds, registry: opts.registry,
    });
    return { wallSeconds: artifact.provenance.wallSeconds, backend: artifact.provenance.backend };
  };
  const children = new Set<ChildProcess>();
  const runInWorker = (entry: PlanEntry) =>
    runWorkerProcess(opts.workerScript!, children, entry.def.timeLimitSeconds?.[opts.profile], {
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
    // Stop the other workers rather than wait for them: the build has already failed.
    for (const child of children) child.kill('SIGTERM');
    await Promise.allSettled(running.values());
    throw failure;
  }
  return summary;
}

async function orphanArtifacts(dir: string, registry: readonly AnyExperiment[]): Promise<string[]> {
  const known = new Set(registry.map((d) => d.id));
  const files = await readdir(dir).catch(() => [] as string[]);
  return files.filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).filter((id) => !known.has(id));
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

function runWorkerProcess(
  script: string,
  children: Set<ChildProcess>,
  ownLimitSeconds: number | undefined,
  request: WorkerRequest,
): Promise<{ wallSeconds: number; backend: string }> {
  return new Promise((resolve, reject) => {
    const child = fork(script, [], {
      execArgv: ['--import', 'tsx'],
      cwd: request.root,
      env: process.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.add(child);
    // The worker enforces its own time limit when the experiment checks its signal or ticks progress;
    // this kill is the backstop for a loop that never does.
    const limit = request.timeLimitSeconds ?? ownLimitSeconds;
    const killer = limit && limit < 1e6 ? setTimeout(() => child.kill('SIGKILL'), (limit + 30) * 1000) : undefined;
    let reply: WorkerReply | undefined;
    child.on('message', (m) => (reply = m as WorkerReply));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      children.delete(child);
      if (killer) clearTimeout(killer);
      if (reply?.ok) resolve(reply);
      else if (reply) reject(new Error(reply.message));
      else if (signal === 'SIGKILL' && limit) reject(new Error(`experiment "${request.id}" failed: time limit of ${limit}s exceeded (worker killed)`));
      else reject(new Error(`experiment "${request.id}" worker exited with ${signal ?? `code ${code}`}`));
    });
    child.send(request);
  });
}

/** Body of a worker process: run the one experiment the parent sends, reply, exit. */
export function serveWorker(registry: readonly AnyExperiment[]) {
  // If the parent goes away (killed, or it stopped us after another failure), stop too.
  process.on('disconnect', () => process.exit(1));
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
