import type { z } from 'zod';
import type { Tf } from './backend';
import type { ProgressFactory } from './progress';
import type { Rng } from './rng';

export const PROFILES = ['quick', 'full'] as const;
export type Profile = (typeof PROFILES)[number];

/** Every experiment config carries a seed from which all its randomness derives. */
export interface SeededConfig {
  seed: number;
}

export interface UpstreamHandle<R = unknown, C = unknown> {
  results: R;
  config: C;
  /** Bytes of a side file the upstream wrote with `ctx.writeSideFile`. */
  readSideFile(name: string): Promise<Uint8Array>;
}

/** What `run` may touch: everything with a side effect comes through here. */
export interface RunContext {
  tf: Tf;
  /** The backend that runs: node-gpu, node, wasm or cpu. */
  backend: string;
  profile: Profile;
  /** A seeded stream derived from the config's seed and `label`. */
  rng(label: string): Rng;
  progress: ProgressFactory;
  log(message: string): void;
  /** Aborted when the experiment passes its time limit; long loops should call `signal.throwIfAborted()`. */
  signal: AbortSignal;
  /**
   * An upstream's artifact, typed by its definition: `ctx.upstream(affineBaseline).results` has the type of
   * affineBaseline's result schema. (An id string gives untyped results; tests of the runtime use it.)
   */
  upstream<D extends AnyExperiment>(def: D): UpstreamHandle<z.output<D['result']>, z.output<D['config']>>;
  upstream(id: string): UpstreamHandle;
  /** Store a binary side file (for example trained weights) beside the artifact. */
  writeSideFile(name: string, data: Uint8Array): Promise<void>;
}

export interface ExperimentDefinition<C extends z.ZodType<SeededConfig, any, any> = z.ZodType<SeededConfig, any, any>, R extends z.ZodTypeAny = z.ZodTypeAny> {
  /** Stable id: the artifact's file name and the CLI's name for it. */
  id: string;
  title: string;
  /** One paragraph: what it measures and why. */
  description: string;
  /** `import.meta.url` of the declaring module: the root of its source hash. */
  module: string;
  config: C;
  profiles: Record<Profile, z.input<C>>;
  result: R;
  /** Experiments whose results this one consumes. */
  upstream?: readonly string[];
  /** Per-profile time limit in seconds, after which `ctx.signal` aborts. */
  timeLimitSeconds?: Record<Profile, number>;
  run(config: z.output<C>, ctx: RunContext): Promise<z.input<R>>;
}

export type AnyExperiment = ExperimentDefinition<any, any>;

/** Identity function that fixes the generic types, so `run` sees its config's parsed type. */
export function defineExperiment<C extends z.ZodType<SeededConfig, any, any>, R extends z.ZodTypeAny>(
  def: ExperimentDefinition<C, R>,
): ExperimentDefinition<C, R> {
  return def;
}
