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

/**
 * One independent piece of an experiment's work (a grid point, a replicate, a seed range). `label` names it
 * uniquely within the experiment; the other fields are JSON that `runUnit` reads. Unit descriptors are part of the
 * unit's cache key, so they must hold everything the unit computes from (beyond the config minus `unitGrid`).
 */
export interface UnitDescriptor {
  label: string;
  [field: string]: unknown;
}

/** What `runUnit` may touch: the run context and the unit it computes. */
export interface UnitContext extends RunContext {
  unit: UnitDescriptor;
}

/** How far a re-run may drift from a committed artifact before `--verify` fails. */
export interface Tolerance {
  /** Relative: |a − b| ≤ rel · max(|a|, |b|). */
  rel?: number;
  /** Absolute: |a − b| ≤ abs. */
  abs?: number;
  /** A measurement of the machine (a wall time, a rate), not a function of config and seed: listed, never compared. */
  measured?: true;
}

export interface ExperimentDefinition<
  C extends z.ZodType<SeededConfig, any, any> = z.ZodType<SeededConfig, any, any>,
  R extends z.ZodTypeAny = z.ZodTypeAny,
  U extends UnitDescriptor = UnitDescriptor,
  P = unknown,
> {
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
  /**
   * `false` when the experiment never reads `ctx.tf`: its processes then skip loading TensorFlow.js and its backend
   * (about 0.8 CPU-s each), and `ctx.tf` throws. Its provenance still names the backend a run would use.
   */
  tensorflow?: false;
  /** Per-profile time limit in seconds, after which `ctx.signal` aborts. */
  timeLimitSeconds?: Record<Profile, number>;
  /** The whole computation in one call. An experiment defines either `run`, or `units` + `runUnit` + `merge`. */
  run?(config: z.output<C>, ctx: RunContext): Promise<z.input<R>>;
  /**
   * Its work as independent units, in a fixed order. Each unit draws its randomness from `ctx.rng(label)` with
   * labels derived from its descriptor (never from what ran before it), so results do not depend on how units are
   * spread over workers, shards or caches.
   */
  units?(config: z.output<C>): U[];
  /** Compute one unit's partial result: plain JSON (it is cached, and travels between processes and machines). */
  runUnit?(config: z.output<C>, unit: U, ctx: UnitContext): Promise<P>;
  /**
   * Pure: the results from every unit's partial, given in the order `units` lists them. `rng(label)` is the stream
   * `ctx.rng(label)` gives a unit (seeded by the config's seed), for a bootstrap over the merged units.
   */
  merge?(config: z.output<C>, partials: P[], rng: (label: string) => Rng): z.input<R>;
  /**
   * Config fields that only choose which units exist (a list of widths, a replicate count). They are left out of
   * each unit's cache key, so adding a grid point re-runs only the new units; a unit must then carry in its
   * descriptor whatever it reads from these fields.
   */
  unitGrid?: readonly (keyof z.output<C> & string)[];
  /**
   * `--verify` tolerances by result path (`a.b.*.c`, `*` matches one segment; the longest matching pattern wins).
   * Without one, integers, strings and booleans must match exactly and other numbers within `{ rel: 1e-9 }` on the
   * same backend, `{ rel: 1e-3 }` across backends.
   */
  tolerances?: Record<string, Tolerance>;
}

export type AnyExperiment = ExperimentDefinition<any, any, any, any>;

/** Identity function that fixes the generic types, so `run` (or `runUnit`) sees its config's parsed type. */
export function defineExperiment<C extends z.ZodType<SeededConfig, any, any>, R extends z.ZodTypeAny, U extends UnitDescriptor = UnitDescriptor, P = unknown>(
  def: ExperimentDefinition<C, R, U, P>,
): ExperimentDefinition<C, R, U, P> {
  const hasUnits = Boolean(def.units && def.runUnit && def.merge);
  if (!def.run && !hasUnits) throw new Error(`experiment "${def.id}" needs run(), or units(), runUnit() and merge()`);
  if (def.run && (def.units || def.runUnit || def.merge)) throw new Error(`experiment "${def.id}" defines both run() and units: choose one`);
  return def;
}
