import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomicWrite';
import type { LoadedBackend } from './backend';
import { sha256 } from './canonicalJson';
import type { AnyExperiment, Profile, RunContext } from './experiment';
import { createProgressFactory, type ProgressSink } from './progress';
import { streamFor } from './rng';

/**
 * Builds the context an experiment runs in. Machinery only: the random streams it hands out are derived in
 * `rng.ts` (`streamFor`), which is part of every key; this module is not.
 */
export interface ContextOptions {
  def: AnyExperiment;
  seed: number;
  profile: Profile;
  backend: LoadedBackend;
  sink: ProgressSink;
  log: (line: string) => void;
  /** Folder for this experiment's side files, and a reader for an upstream's. */
  sideDir: string;
  upstreamSideDir: (id: string) => string;
  upstreams: Map<string, { results: unknown; config?: unknown }>;
  timeLimitSeconds?: number;
  now?: () => number;
}

export interface BuiltContext {
  ctx: RunContext;
  /** Name → sha256 of each side file written. */
  sideFiles: Record<string, string>;
  /** Rejects when the time limit passes (checked by a timer and on every progress tick). */
  aborted: Promise<never>;
  dispose(): void;
}

export function createRunContext(o: ContextOptions): BuiltContext {
  const now = o.now ?? (() => performance.now());
  const controller = new AbortController();
  const limit = o.timeLimitSeconds;
  const deadline = limit ? now() + limit * 1000 : Infinity;
  const expire = () => controller.abort(new Error(`time limit of ${limit}s exceeded`));
  // Experiments loop synchronously, so a timer alone would never fire: check the clock whenever
  // they check the signal or tick a progress bar.
  const signal = controller.signal;
  const baseThrow = signal.throwIfAborted.bind(signal);
  signal.throwIfAborted = () => {
    if (!signal.aborted && now() > deadline) expire();
    baseThrow();
  };
  const timer = limit && limit * 1000 < 2 ** 31 ? setTimeout(expire, limit * 1000) : undefined;
  const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
  aborted.catch(() => {});
  const sideFiles: Record<string, string> = {};
  const prefix = `[${o.def.id}]`;
  const ctx: RunContext = {
    // A getter: an experiment declared `tensorflow: false` runs without TensorFlow.js, and only reading it throws.
    get tf() {
      return o.backend.tf;
    },
    backend: o.backend.name,
    profile: o.profile,
    rng: (label) => streamFor(o.seed, label),
    progress: createProgressFactory(prefix, { sink: o.sink, onTick: () => signal.throwIfAborted() }),
    log: (m) => o.log(`${prefix} ${m}`),
    signal,
    upstream: (which: string | AnyExperiment) => {
      const id = typeof which === 'string' ? which : which.id;
      const artifact = o.upstreams.get(id);
      if (!artifact) throw new Error(`experiment "${o.def.id}" read upstream "${id}" without declaring it in \`upstream\``);
      return {
        results: artifact.results,
        config: artifact.config,
        readSideFile: async (name: string) => new Uint8Array(await readFile(path.join(o.upstreamSideDir(id), name))),
      };
    },
    writeSideFile: async (name, data) => {
      if (!/^[\w.-]+$/.test(name)) throw new Error(`side file name "${name}" may use letters, digits, '.', '_' and '-' only`);
      await writeFileAtomic(path.join(o.sideDir, name), data);
      sideFiles[name] = sha256(data);
    },
  };
  return { ctx, sideFiles, aborted, dispose: () => timer && clearTimeout(timer) };
}
