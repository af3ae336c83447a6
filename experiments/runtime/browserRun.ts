/**
 * Running one experiment in a browser (a Web Worker): the browser's `RunContext` and the in-memory run. Machinery
 * only, and free of Node APIs. The numbers come from the same code as a build's: the same config parsing, the same
 * seeded streams (`streamFor`), units in their declared order, partials and results round-tripped through JSON as
 * the unit store and the artifact writer do. What differs is only where things go: progress to a callback, side
 * files to memory, and no upstreams (an experiment that reads one is not offered for a browser re-run).
 */
import type { AnyExperiment, Profile, RunContext, UnitContext } from './experiment';
import type { ProgressFactory } from './progress';
import { streamFor } from './rng';
import type { Tf } from './backend';

export interface BrowserProgress {
  label: string;
  done: number;
  total: number;
}

export interface BrowserRunOptions {
  def: AnyExperiment;
  /** The config as the reader set it (a profile's fields with some changed); parsed by the experiment's schema. */
  config: unknown;
  profile: Profile;
  tf: Tf;
  /** What runs, in words: `wasm`, `webgpu`, … (recorded in the reader's provenance line). */
  backend: string;
  onProgress?: (p: BrowserProgress) => void;
  log?: (line: string) => void;
  /** Seconds after which the run aborts (the experiment's own limit for the profile by default). */
  timeLimitSeconds?: number;
  now?: () => number;
}

export interface BrowserRunResult {
  /** The parsed config the run used (as an artifact's `config`). */
  config: Record<string, unknown> & { seed: number };
  /** The results as an artifact stores them (JSON). */
  results: unknown;
  wallSeconds: number;
  /** Side files the experiment wrote: name → bytes (kept in memory, not stored). */
  sideFiles: Record<string, number>;
}

/** A zod error as `field: message` lines, naming the field (nested fields dotted). */
export function describeIssues(issues: { path: (string | number)[]; message: string }[]): string {
  return issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ');
}

/** Progress that reports structured counts (at most every 100 ms) and lets the time limit interrupt long loops. */
function progressTo(onProgress: BrowserRunOptions['onProgress'], onTick: () => void, now: () => number): ProgressFactory {
  return (label, total) => {
    let done = 0;
    let last = -Infinity;
    const report = (force: boolean) => {
      const t = now();
      if (!force && t - last < 100) return;
      last = t;
      onProgress?.({ label, done: Math.min(done, total), total });
    };
    report(true);
    return {
      tick(n = 1) {
        done += n;
        onTick();
        report(false);
      },
      done() {
        done = Math.max(done, total);
        report(true);
      },
    };
  };
}

/**
 * Run `def` in this (browser) thread. Throws with a message naming the experiment on a bad config, a failure, a
 * result that does not match its schema, or the time limit.
 */
export async function runInBrowser(o: BrowserRunOptions): Promise<BrowserRunResult> {
  const { def } = o;
  const now = o.now ?? (() => performance.now());
  if (def.upstream?.length) throw new Error(`experiment "${def.id}" reads upstream experiments (${def.upstream.join(', ')}); a browser re-run has no artifacts to give it`);
  const parsed = def.config.safeParse(o.config);
  if (!parsed.success) throw new Error(`experiment "${def.id}": bad config: ${describeIssues(parsed.error.issues)}`);
  // As the runner does: the config is what the schema returns, stored through JSON.
  const config = JSON.parse(JSON.stringify(parsed.data)) as BrowserRunResult['config'];

  const limit = o.timeLimitSeconds ?? def.timeLimitSeconds?.[o.profile];
  const started = now();
  const deadline = limit ? started + limit * 1000 : Infinity;
  const controller = new AbortController();
  const signal = controller.signal;
  const expire = () => controller.abort(new Error(`time limit of ${limit}s exceeded`));
  // Experiments loop synchronously, so no timer can fire during a run: compare the clock whenever they look.
  const throwIfAborted = signal.throwIfAborted.bind(signal);
  signal.throwIfAborted = () => {
    if (!signal.aborted && now() > deadline) expire();
    throwIfAborted();
  };
  const sideFiles: Record<string, number> = {};
  const prefix = `[${def.id}]`;
  const ctx: RunContext = {
    tf: o.tf,
    backend: o.backend,
    profile: o.profile,
    rng: (label) => streamFor(config.seed, label),
    progress: progressTo(o.onProgress, () => signal.throwIfAborted(), now),
    log: (m) => o.log?.(`${prefix} ${m}`),
    signal,
    upstream: ((which: string | AnyExperiment) => {
      throw new Error(`experiment "${def.id}" read upstream "${typeof which === 'string' ? which : which.id}", which a browser re-run cannot provide`);
    }) as RunContext['upstream'],
    writeSideFile: async (name, data) => {
      sideFiles[name] = data.byteLength;
    },
  };

  const json = (v: unknown) => (v === undefined ? null : JSON.parse(JSON.stringify(v)));
  let raw: unknown;
  try {
    if (def.units && def.runUnit && def.merge) {
      const partials: unknown[] = [];
      for (const unit of def.units(config)) {
        signal.throwIfAborted();
        const unitCtx: UnitContext = { ...ctx, unit };
        partials.push(json(await def.runUnit(config, unit, unitCtx)));
      }
      raw = def.merge(config, partials, (label) => streamFor(config.seed, label));
    } else {
      raw = await def.run!(config, ctx);
    }
    signal.throwIfAborted();
  } catch (err: any) {
    throw new Error(`experiment "${def.id}" failed: ${err?.message ?? err}`);
  }
  // As the artifact writer does: validate what JSON keeps (NaN and Infinity become null and must fail here).
  const results = json(raw);
  const check = def.result.safeParse(results);
  if (!check.success) throw new Error(`experiment "${def.id}" returned results that do not match its result schema: ${describeIssues(check.error.issues)}`);
  return { config, results, wallSeconds: Math.round(now() - started) / 1000, sideFiles };
}
