import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { blindSpotFraction, blindSpotStats, fittedBound } from './blindSpots';
import { FastNormal } from './fastNormal';
import { formulaSizes } from './formulaSize';
import { createSampler, mapLabel, mapSpec } from './mapSpec';
import { MIN_COUNT } from './priorAnalysis';
import { countFunctionsDense } from './sampling';
import { spearman } from './stats';
import { popcount } from './truthTable';

/**
 * Experiment 3: every function of n = 4 inputs has an exact minimal formula size; sample each map, fit its bound
 * against formula size, and count the simple functions far below it, overall, per size and within entropy strata.
 */

const config = z
  .object({
    seed: z.number().int().nonnegative(),
    /** Maps to compare; the first should be the neural network. */
    maps: z.array(mapSpec).min(2),
    /** Draws per map (the same for every map, so zero counts mean the same thing). */
    samples: z.number().int().min(1000),
    /** "Simple": exact formula size at most this. */
    simpleMaxSize: z.number().int().min(1).max(16),
    /** A blind spot lies more than this many bits below the map's fitted bound. */
    gapBits: z.number().positive(),
    /** Entropy strata: min(t, 16 − t) ≤ lowEntropyMax is "low entropy" (t = inputs mapped to 1), the rest "balanced". */
    lowEntropyMax: z.number().int().min(0).max(7),
  })
  .strict();

const sizeCell = z.object({ size: z.number().int(), log2P: z.number(), functions: z.number().int() });
const mapCensus = z.object({
  label: z.string(),
  kind: z.string(),
  /** Fitted bound log2 P ≤ slope·size + intercept, over all functions. */
  slope: z.number().nullable(),
  intercept: z.number().nullable(),
  /** Spearman of formula size with log2 P over trusted functions. */
  spearman: z.number().nullable(),
  /** Null when the map has no fitted bound (no size has two trusted functions: the uniform map at small N). */
  all: blindSpotStats.nullable(),
  /** Same bound, simple functions of one exact size. */
  bySize: z.array(z.object({ size: z.number().int(), stats: blindSpotStats.nullable() })),
  /** Bound refitted within each entropy stratum (ownBound false: too few trusted functions there, the overall bound is used). */
  lowEntropy: blindSpotStats.extend({ ownBound: z.boolean() }).nullable(),
  balanced: blindSpotStats.extend({ ownBound: z.boolean() }).nullable(),
  /** Per (size, 0.5-bit log2 P bin) count of functions; unseen functions sit in the bin of log2(3/N). */
  scatter: z.array(sizeCell),
  unseenByScatter: z.array(z.object({ size: z.number().int(), functions: z.number().int() })),
  seconds: z.number(),
});

const result = z.object({
  n: z.number().int(),
  samples: z.number().int(),
  /** Functions of each exact formula size (index = size; 0 unused). */
  countBySize: z.array(z.number().int()),
  maxSize: z.number().int(),
  censusSeconds: z.number(),
  simpleFunctions: z.number().int(),
  log2ZeroBound: z.number(),
  maps: z.array(mapCensus),
  /** The comparison the verdict uses: the network's certified fraction against the lowest and median of the biased non-neural maps. */
  verdict: z.object({
    mlpAll: z.number(),
    othersMinAll: z.number(),
    othersMedianAll: z.number(),
    mlpLow: z.number(),
    othersMinLow: z.number(),
    mlpBalanced: z.number(),
    othersMinBalanced: z.number(),
  }),
});

export const CENSUS_MAPS: z.input<typeof mapSpec>[] = [
  { kind: 'mlp', hidden: [20, 20], activation: 'relu', sigmaW: 1, sigmaB: 1 },
  { kind: 'ptf', rho: 1 },
  { kind: 'ptf', rho: 0.3 },
  { kind: 'ptf', rho: 0.1 },
  { kind: 'circuit', gates: 6 },
  { kind: 'tree', depth: 3 },
  { kind: 'curve', degree: 6 },
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const blindSpotCensus = defineExperiment({
  id: 'simplicity-blind-spots',
  title: 'Blind-spot census at n = 4: exact formula sizes against sampled priors',
  description:
    'Computes the exact minimal AND/OR formula size of all 65,536 functions of 4 inputs, samples each map the same number of times, fits each map\'s upper bound on log2 P against formula size, and measures the share of simple functions more than gapBits below it, also within entropy strata.',
  module: import.meta.url,
  config,
  profiles: {
    quick: { seed: 4, maps: CENSUS_MAPS, samples: 20000, simpleMaxSize: 6, gapBits: 10, lowEntropyMax: 4 },
    full: { seed: 4, maps: CENSUS_MAPS, samples: 1_000_000, simpleMaxSize: 6, gapBits: 10, lowEntropyMax: 4 },
  },
  result,
  timeLimitSeconds: { quick: 90, full: 900 },
  async run(cfg, ctx) {
    const n = 4;
    const t0 = performance.now();
    const census = formulaSizes(n);
    const censusSeconds = (performance.now() - t0) / 1000;
    ctx.log(`formula census: ${censusSeconds.toFixed(1)} s, sizes ${census.countBySize.slice(1).join(',')}`);
    const { size } = census;
    const N = cfg.samples;
    const all = Array.from({ length: size.length }, (_, f) => f);
    const simple = all.filter((f) => size[f] <= cfg.simpleMaxSize);
    const skew = (f: number) => Math.min(popcount(f), 16 - popcount(f));
    const isLow = (f: number) => skew(f) <= cfg.lowEntropyMax;
    const simpleLow = simple.filter(isLow);
    const simpleBal = simple.filter((f) => !isLow(f));
    const log2Zero = Math.log2(3 / N);
    const maps: z.input<typeof mapCensus>[] = [];
    for (const [index, spec] of cfg.maps.entries()) {
      const label = mapLabel(spec, n);
      const t1 = performance.now();
      const counts = countFunctionsDense(createSampler(spec, n, new FastNormal(ctx.rng(`map${index}/${spec.kind}`))), n, N, ctx, label);
      const seconds = (performance.now() - t1) / 1000;
      // No bound when fewer than two sizes have a trusted function (the uniform map at small N).
      const bound = fittedBound(size, counts, N, () => true);
      const stats = (fns: number[], b = bound) => (b ? blindSpotFraction(fns, size, counts, N, b, cfg.gapBits) : null);
      const strat = (fns: number[], inc: (f: number) => boolean) => {
        const own = fittedBound(size, counts, N, inc);
        const st = stats(fns, own ?? bound);
        return st ? { ...st, ownBound: own !== null } : null;
      };
      const trusted = all.filter((f) => counts[f] >= MIN_COUNT);
      const cells = new Map<string, { size: number; log2P: number; functions: number }>();
      const unseen = new Map<number, number>();
      for (const f of all) {
        if (counts[f] === 0) {
          unseen.set(size[f], (unseen.get(size[f]) ?? 0) + 1);
          continue;
        }
        const bin = (Math.floor(Math.log2(counts[f] / N) / 0.5) + 0.5) * 0.5;
        const key = `${size[f]}|${bin}`;
        const c = cells.get(key);
        if (c) c.functions++;
        else cells.set(key, { size: size[f], log2P: bin, functions: 1 });
      }
      const rho = spearman(
        trusted.map((f) => size[f]),
        trusted.map((f) => counts[f]),
      );
      maps.push({
        label,
        kind: spec.kind,
        slope: bound?.slope ?? null,
        intercept: bound?.intercept ?? null,
        spearman: Number.isFinite(rho) ? rho : null,
        all: stats(simple),
        bySize: Array.from({ length: cfg.simpleMaxSize }, (_, i) => i + 1).map((s) => ({ size: s, stats: stats(simple.filter((f) => size[f] === s)) })),
        lowEntropy: strat(simpleLow, isLow),
        balanced: strat(simpleBal, (f) => !isLow(f)),
        scatter: [...cells.values()],
        unseenByScatter: [...unseen].map(([s, functions]) => ({ size: s, functions })).sort((a, b) => a.size - b.size),
        seconds,
      });
    }
    // The uniform control (ρ = 1) has no bias to be blind against; the verdict compares the network with the biased maps.
    const others = maps.slice(1).filter((m, i) => !(cfg.maps[i + 1].kind === 'ptf' && (cfg.maps[i + 1] as { rho: number }).rho === 1));
    const frac = (m: z.input<typeof mapCensus>, k: 'all' | 'lowEntropy' | 'balanced') => {
      const v = m[k]?.fractionCertified;
      if (v === undefined) throw new Error(`${m.label}: no fitted bound for the ${k} stratum; raise samples`);
      return v;
    };
    return {
      n,
      samples: N,
      countBySize: census.countBySize,
      maxSize: census.maxSize,
      censusSeconds,
      simpleFunctions: simple.length,
      log2ZeroBound: log2Zero,
      maps,
      verdict: {
        mlpAll: frac(maps[0], 'all'),
        othersMinAll: Math.min(...others.map((m) => frac(m, 'all'))),
        othersMedianAll: median(others.map((m) => frac(m, 'all'))),
        mlpLow: frac(maps[0], 'lowEntropy'),
        othersMinLow: Math.min(...others.map((m) => frac(m, 'lowEntropy'))),
        mlpBalanced: frac(maps[0], 'balanced'),
        othersMinBalanced: Math.min(...others.map((m) => frac(m, 'balanced'))),
      },
    };
  },
});
