import { z } from 'zod';
import type { UnitContext, UnitDescriptor } from '../runtime/experiment';
import type { Rng } from '../runtime/rng';
import { createSampler, mapLabel, mapSpec, type MapSpec } from './mapSpec';
import { binnedScatter, finiteOrNull, frequencyTableFromMap, MIN_COUNT, measureSummary, scatterCell, summariseMeasure, zipfCurve, zipfPoint } from './priorAnalysis';
import { countFunctions } from './countFunctions';
import { averageSensitivity, cLZ, fullMask, tableEntropy } from './truthTable';

/** Experiments 1 and 2: sample a map at n = 5, count functions, and summarise P(f) against three complexity measures. */

export const MEASURES = ['lz', 'entropy', 'sensitivity'] as const;

export const priorConfig = z
  .object({
    seed: z.number().int().nonnegative(),
    /** Boolean inputs; the page uses n = 5 (32 inputs, 2^32 functions). */
    n: z.number().int().min(2).max(5),
    /** The maps to sample, each with its own random stream. */
    maps: z.array(mapSpec).min(1),
    /** Parameter draws per map. */
    samples: z.number().int().min(1000),
    /** Poisson-bootstrap replicates for the envelope slope's interval. */
    bootstrap: z.number().int().min(10),
    /**
     * Work units per map: each draws its share of `samples` from its own stream (`map<i>/<kind>/chunk<c>`; with 1
     * chunk, `map<i>/<kind>`), so the worker pool can spread one map over both cores.
     */
    chunks: z.number().int().min(1).max(64).default(1),
  })
  .strict();

export const mapPrior = z.object({
  label: z.string(),
  samples: z.number().int(),
  /** Distinct functions seen, and those seen at least MIN_COUNT times. */
  distinct: z.number().int(),
  trusted: z.number().int(),
  /** P of the all-0 and all-1 functions. */
  pZero: z.number(),
  pOne: z.number(),
  /** Pairs of draws that gave the same function, and what a uniform map over all 2^(2^n) functions would give. */
  collisions: z.number(),
  collisionsUniform: z.number(),
  /** log2 of the smallest trusted probability, MIN_COUNT/N: points below it are marked. */
  log2TrustFloor: z.number(),
  lz: measureSummary,
  entropy: measureSummary,
  sensitivity: measureSummary,
  scatter: z.array(scatterCell),
  zipf: z.array(zipfPoint),
  zipfExponent: z.number().nullable(),
  /** Sampling time summed over the map's units (each in one process), and draws per second of that time. */
  wallSeconds: z.number(),
  networksPerSecond: z.number(),
  /** The same per CPU-second of the sampling processes (null where the platform has no CPU clock, e.g. a browser). */
  cpuSeconds: z.number().nullable(),
  networksPerCpuSecond: z.number().nullable(),
});
export type MapPrior = z.infer<typeof mapPrior>;

export const priorResult = z.object({ n: z.number().int(), minCount: z.number().int(), maps: z.array(mapPrior) });

type PriorConfig = z.output<typeof priorConfig>;
export interface PriorUnit extends UnitDescriptor {
  map: number;
  chunk: number;
}
/** One unit's draws: the functions seen and their counts, and how long sampling took. */
export interface PriorPartial {
  map: number;
  samples: number;
  tables: number[];
  counts: number[];
  seconds: number;
  cpuSeconds: number | null;
}

export function priorUnits(config: PriorConfig): PriorUnit[] {
  return config.maps.flatMap((_, map) => Array.from({ length: config.chunks }, (_, chunk) => ({ label: `map${map}/chunk${chunk}`, map, chunk })));
}

/** The draws of chunk c: an even split of `samples` over the chunks. */
function chunkSamples(config: PriorConfig, chunk: number): number {
  const per = (c: number) => Math.floor((c * config.samples) / config.chunks);
  return per(chunk + 1) - per(chunk);
}

function cpuNow(): number | null {
  return typeof process !== 'undefined' && typeof process.cpuUsage === 'function' ? process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 : null;
}

export async function runPriorUnit(config: PriorConfig, unit: PriorUnit, ctx: UnitContext): Promise<PriorPartial> {
  const spec = config.maps[unit.map];
  const label = mapLabel(spec, config.n);
  const stream = config.chunks === 1 ? `map${unit.map}/${spec.kind}` : `map${unit.map}/${spec.kind}/chunk${unit.chunk}`;
  const samples = chunkSamples(config, unit.chunk);
  const t0 = performance.now();
  const c0 = cpuNow();
  const counts = countFunctions(await createSampler(spec, config.n, ctx.rng(stream)), samples, ctx, `${label} ${unit.label}`);
  const seconds = (performance.now() - t0) / 1000;
  const c1 = cpuNow();
  ctx.log(`${label} ${unit.label}: ${samples} draws in ${seconds.toFixed(1)} s (${(samples / seconds).toFixed(0)}/s), ${counts.size} distinct`);
  return { map: unit.map, samples, tables: [...counts.keys()], counts: [...counts.values()], seconds, cpuSeconds: c0 === null || c1 === null ? null : c1 - c0 };
}

export function mergePrior(config: PriorConfig, partials: PriorPartial[], rng: (label: string) => Rng): z.input<typeof priorResult> {
  const maps = config.maps.map((spec, index) => {
    const mine = partials.filter((p) => p.map === index);
    const merged = new Map<number, number>();
    for (const p of mine) for (let i = 0; i < p.tables.length; i++) merged.set(p.tables[i], (merged.get(p.tables[i]) ?? 0) + p.counts[i]);
    const seconds = mine.reduce((s, p) => s + p.seconds, 0);
    const cpu = mine.every((p) => p.cpuSeconds !== null) ? mine.reduce((s, p) => s + (p.cpuSeconds ?? 0), 0) : null;
    return summariseMap(spec, merged, seconds, cpu, config, rng(`map${index}/bootstrap`));
  });
  return { n: config.n, minCount: MIN_COUNT, maps };
}

/** The result fields that measure the machine, not the science: listed by `--verify`, never compared. */
export const priorTolerances = {
  'maps.*.wallSeconds': { measured: true },
  'maps.*.networksPerSecond': { measured: true },
  'maps.*.cpuSeconds': { measured: true },
  'maps.*.networksPerCpuSecond': { measured: true },
} as const;

/** Units, their runner and merge, for `defineExperiment`. */
export const priorUnitsDefinition = { units: priorUnits, runUnit: runPriorUnit, merge: mergePrior };

function summariseMap(spec: MapSpec, counted: Map<number, number>, secs: number, cpu: number | null, config: PriorConfig, boot: Rng): MapPrior {
  const { n, samples } = config;
  const label = mapLabel(spec, n);
  const freq = frequencyTableFromMap(counted, samples);
  const measure = (f: (t: number, n: number) => number) => Float64Array.from(freq.tables, (t) => f(t, n));
  const k = { lz: measure(cLZ), entropy: measure(tableEntropy), sensitivity: measure(averageSensitivity) };
  let collisions = 0;
  let trusted = 0;
  let zero = 0;
  let one = 0;
  for (let i = 0; i < freq.counts.length; i++) {
    const c = freq.counts[i];
    collisions += (c * (c - 1)) / 2;
    if (c >= MIN_COUNT) trusted++;
    if (freq.tables[i] === 0) zero = c;
    if (freq.tables[i] === fullMask(n)) one = c;
  }
  const zipf = zipfCurve(freq);
  return {
    label,
    samples,
    distinct: freq.tables.length,
    trusted,
    pZero: zero / samples,
    pOne: one / samples,
    collisions,
    collisionsUniform: (samples * (samples - 1)) / 2 / 2 ** (1 << n),
    log2TrustFloor: Math.log2(MIN_COUNT / samples),
    lz: summariseMeasure(freq, k.lz, config.bootstrap, boot),
    entropy: summariseMeasure(freq, k.entropy, config.bootstrap, boot),
    sensitivity: summariseMeasure(freq, k.sensitivity, config.bootstrap, boot),
    scatter: binnedScatter(freq, k.lz),
    zipf: zipf.points,
    zipfExponent: finiteOrNull(zipf.exponent),
    wallSeconds: secs,
    networksPerSecond: samples / secs,
    cpuSeconds: cpu,
    networksPerCpuSecond: cpu === null ? null : samples / cpu,
  };
}
