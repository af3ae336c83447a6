import { z } from 'zod';
import type { RunContext } from '../runtime/experiment';
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
  wallSeconds: z.number(),
  networksPerSecond: z.number(),
});
export type MapPrior = z.infer<typeof mapPrior>;

export const priorResult = z.object({ n: z.number().int(), minCount: z.number().int(), maps: z.array(mapPrior) });

export async function runPrior(config: z.infer<typeof priorConfig>, ctx: RunContext): Promise<z.input<typeof priorResult>> {
  const { n } = config;
  const maps: MapPrior[] = [];
  for (const [index, spec] of config.maps.entries()) maps.push(sampleMap(spec, index, config, ctx));
  return { n, minCount: MIN_COUNT, maps };
}

function sampleMap(spec: MapSpec, index: number, config: z.infer<typeof priorConfig>, ctx: RunContext): MapPrior {
  const { n, samples } = config;
  const label = mapLabel(spec, n);
  const normal = ctx.rng(`map${index}/${spec.kind}`);
  const t0 = performance.now();
  const freq = frequencyTableFromMap(countFunctions(createSampler(spec, n, normal), samples, ctx, label), samples);
  const secs = (performance.now() - t0) / 1000;
  ctx.log(`${label}: ${samples} draws in ${secs.toFixed(1)} s (${(samples / secs).toFixed(0)}/s), ${freq.tables.length} distinct`);
  const measure = (f: (t: number, n: number) => number) => Float64Array.from(freq.tables, (t) => f(t, n));
  const k = { lz: measure(cLZ), entropy: measure(tableEntropy), sensitivity: measure(averageSensitivity) };
  const boot = ctx.rng(`map${index}/bootstrap`);
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
  };
}
