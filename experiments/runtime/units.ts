import { canonicalJson, sha256 } from './canonicalJson';
import type { KeyInputs } from './cacheKey';
import type { AnyExperiment, UnitDescriptor } from './experiment';

/**
 * Every experiment's work is a list of units: those it declares, or one implicit unit (`WHOLE`) that runs `run`.
 * Units are what the worker pool schedules, the unit store caches and shards split.
 */
export const WHOLE: UnitDescriptor = { label: 'whole' };

export function hasUnits(def: AnyExperiment): boolean {
  return Boolean(def.units);
}

export function unitsOf(def: AnyExperiment, config: unknown): UnitDescriptor[] {
  if (!def.units) return [WHOLE];
  const list = def.units(config);
  const seen = new Set<string>();
  for (const u of list) {
    if (typeof u?.label !== 'string' || !u.label) throw new Error(`experiment "${def.id}": every unit needs a non-empty string label`);
    if (seen.has(u.label)) throw new Error(`experiment "${def.id}": two units are labelled "${u.label}"`);
    seen.add(u.label);
  }
  return list;
}

/**
 * A unit's cache key: the experiment's module graph, its config without the grid fields, the tfjs and package versions, what it
 * reads from upstreams, and the unit descriptor. Not the profile: a unit computes the same thing in either.
 */
export function unitKey(def: AnyExperiment, keyInputs: KeyInputs, unit: UnitDescriptor): string {
  const config = { ...(keyInputs.config as Record<string, unknown>) };
  for (const field of def.unitGrid ?? []) delete config[field];
  return sha256(
    canonicalJson({ experiment: def.id, sources: keyInputs.sources, config, tfjsVersion: keyInputs.tfjsVersion, packages: keyInputs.packages, upstream: keyInputs.upstream, unit }),
  ).slice(0, 32);
}

/** `i/n` with 1 ≤ i ≤ n. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new Error(`--shard: got "${text}"; expected i/n with 1 ≤ i ≤ n, for example --shard 2/3`);
  }
  return { index, count };
}

/**
 * The deterministic slice of a run's units that shard i of n computes: the units of every experiment, in plan
 * order, dealt out round-robin (so each shard gets a share of every long experiment).
 */
export function inShard(shard: Shard | undefined, position: number): boolean {
  return !shard || position % shard.count === shard.index - 1;
}

/** Partials are JSON: round-trip them so a fresh partial and a cached one merge to the same bytes. */
export function normalizePartial(partial: unknown): unknown {
  return partial === undefined ? null : JSON.parse(JSON.stringify(partial));
}
