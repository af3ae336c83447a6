import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { blindSpotFraction, blindSpotStats, fittedBound } from './blindSpots';
import { formulaSizes } from './formulaSize';
import { createSampler, mapLabel, mapSpec } from './mapSpec';
import { MIN_COUNT } from './priorAnalysis';
import { countFunctionsDense } from './countFunctions';
import { spearman } from '../lib/ranks';
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
    /** Work units per neural map (each draws its share from stream `map<i>/mlp/chunk<c>`), so it can use both cores; other maps are one unit. */
    mlpChunks: z.number().int().min(1).max(64),
    /** "Simple": exact formula size at most this (or less: see simpleMaxSize in the results). */
    simpleMaxSize: z.number().int().min(1).max(16),
    /**
     * Blind-spot thresholds: bits below the map's fitted bound. The verdict uses the first; the 10 bits is
     * reported too, though at this N few functions can be certified that far down (see the page).
     */
    gapBits: z.array(z.number().positive()).min(1),
    /** Entropy strata: min(t, 16 − t) ≤ lowEntropyMax is "low entropy" (t = inputs mapped to 1), the rest "balanced". */
    lowEntropyMax: z.number().int().min(0).max(7),
  })
  .strict();

const sizeCell = z.object({ size: z.number().int(), log2P: z.number(), functions: z.number().int() });
const mapCensus = z.object({
  label: z.string(),
  kind: z.string(),
  /** The ρ = 1 polynomial threshold map: uniform over all functions, so it has no bias to be blind against. */
  uniformControl: z.boolean(),
  /** Fitted bound log2 P ≤ slope·size + intercept, over all functions. */
  slope: z.number().nullable(),
  intercept: z.number().nullable(),
  /** Spearman of formula size with log2 P over trusted functions. */
  spearman: z.number().nullable(),
  /** Null when the map has no fitted bound (no size has two trusted functions: the uniform map at small N). */
  all: blindSpotStats.nullable(),
  /** Same bound, all functions of one exact size (sizes 1 to the config's cap). */
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
  /** The simple set's largest size: the config's cap, or less where some biased map could not certify a blind spot at this N. */
  simpleMaxSize: z.number().int(),
  /** False when even size 1 was not certifiable for some biased map (small N): the fractions then mean little. */
  certifiable: z.boolean(),
  gapBits: z.array(z.number()),
  log2ZeroBound: z.number(),
  maps: z.array(mapCensus),
  /**
   * The comparison the verdict uses (first threshold, certified): the network's share of blind spots against the
   * biased non-neural maps (all but the uniform control), overall and per entropy stratum, and how many of those
   * maps have a bound at least as steep as the network's and fewer blind spots.
   */
  verdict: z.object({
    mlpAll: z.number(),
    othersMinAll: z.number(),
    steeperWithFewerAll: z.number().int(),
    mlpLow: z.number(),
    othersMinLow: z.number(),
    steeperWithFewerLow: z.number().int(),
    mlpBalanced: z.number(),
    othersMinBalanced: z.number(),
    steeperWithFewerBalanced: z.number().int(),
    /** Biased maps with a bound at least as steep as the network's and a lower share overall and in both strata (the "contradicts" rule). */
    contradictingMaps: z.number().int(),
    /** 1 when the network's share is below every biased map's, overall and in both strata (the "supports" rule), else 0. */
    supports: z.number().int(),
  }),
});

/** One unit's draws: dense counts over all 65,536 functions. */
interface CensusPartial {
  map: number;
  counts: number[];
  seconds: number;
}

export const CENSUS_MAPS: z.input<typeof mapSpec>[] = [
  { kind: 'mlp', hidden: [20, 20], activation: 'relu', sigmaW: 1, sigmaB: 1 },
  { kind: 'ptf', rho: 1 },
  { kind: 'ptf', rho: 0.3 },
  { kind: 'ptf', rho: 0.1 },
  { kind: 'circuit', gates: 6 },
  { kind: 'tree', depth: 3 },
  { kind: 'curve', degree: 6 },
];

export const blindSpotCensus = defineExperiment({
  id: 'simplicity-blind-spots',
  title: 'Blind-spot census at n = 4: exact formula sizes against sampled priors',
  description:
    'Computes the exact minimal AND/OR formula size of all 65,536 functions of 4 inputs, samples each map the same number of times, fits each map\'s upper bound on log2 P against formula size, and measures the share of simple functions more than gapBits below it, also within entropy strata.',
  module: import.meta.url,
  config,
  profiles: {
    quick: { seed: 4, maps: CENSUS_MAPS, samples: 20000, mlpChunks: 2, simpleMaxSize: 6, gapBits: [5, 10], lowEntropyMax: 4 },
    full: { seed: 4, maps: CENSUS_MAPS, samples: 10_000_000, mlpChunks: 4, simpleMaxSize: 6, gapBits: [5, 10], lowEntropyMax: 4 },
  },
  result,
  timeLimitSeconds: { quick: 90, full: 2400 },
  tolerances: { 'maps.*.seconds': { measured: true }, censusSeconds: { measured: true } },
  units: (cfg) =>
    cfg.maps.flatMap((spec, map) => {
      const chunks = spec.kind === 'mlp' ? cfg.mlpChunks : 1;
      return Array.from({ length: chunks }, (_, chunk) => ({ label: `map${map}/chunk${chunk}`, map, chunk, chunks }));
    }),
  async runUnit(cfg, unit, ctx): Promise<CensusPartial> {
    const spec = cfg.maps[unit.map];
    const share = (c: number) => Math.floor((c * cfg.samples) / unit.chunks);
    const samples = share(unit.chunk + 1) - share(unit.chunk);
    const stream = unit.chunks === 1 ? `map${unit.map}/${spec.kind}` : `map${unit.map}/${spec.kind}/chunk${unit.chunk}`;
    const t1 = performance.now();
    const counts = countFunctionsDense(await createSampler(spec, 4, ctx.rng(stream)), 4, samples, ctx, `${mapLabel(spec, 4)} ${unit.label}`);
    return { map: unit.map, counts: [...counts], seconds: (performance.now() - t1) / 1000 };
  },
  merge(cfg, partials) {
    const n = 4;
    const t0 = performance.now();
    const census = formulaSizes(n);
    const censusSeconds = (performance.now() - t0) / 1000;
    const { size } = census;
    const N = cfg.samples;
    const all = Array.from({ length: size.length }, (_, f) => f);
    const skew = (f: number) => Math.min(popcount(f), 16 - popcount(f));
    const isLow = (f: number) => skew(f) <= cfg.lowEntropyMax;
    const log2Zero = Math.log2(3 / N);
    const delta = cfg.gapBits[0];
    // Pass 1: add up every map's units and fit its bound (none when fewer than two sizes have a trusted function).
    const sampled = cfg.maps.map((spec, index) => {
      const label = mapLabel(spec, n);
      const counts = new Uint32Array(size.length);
      let seconds = 0;
      for (const p of partials) {
        if (p.map !== index) continue;
        for (let f = 0; f < counts.length; f++) counts[f] += p.counts[f];
        seconds += p.seconds;
      }
      return { spec, label, counts, seconds, bound: fittedBound(size, counts, N, () => true) };
    });
    // "Simple" stops at the largest size where every biased map's bound lies more than Δ bits above the zero-count
    // floor log2(3/N): beyond it some map could not show a blind spot at this N, however many it had.
    let certifiableMaxSize = cfg.simpleMaxSize;
    for (const m of sampled) {
      if (isUniformControl(m.spec) || !m.bound) continue;
      const limit = m.bound.slope < 0 ? Math.ceil((log2Zero + delta - m.bound.intercept) / m.bound.slope) - 1 : Infinity;
      certifiableMaxSize = Math.min(certifiableMaxSize, limit);
    }
    // At small N (the quick profile) nothing may be certifiable: keep the literals so the code path still runs.
    const certifiable = certifiableMaxSize >= 1;
    certifiableMaxSize = Math.max(1, certifiableMaxSize);
    const simple = all.filter((f) => size[f] <= certifiableMaxSize);
    const simpleLow = simple.filter(isLow);
    const simpleBal = simple.filter((f) => !isLow(f));
    const maps: z.input<typeof mapCensus>[] = [];
    for (const { spec, label, counts, seconds, bound } of sampled) {
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
        uniformControl: isUniformControl(spec),
        slope: bound?.slope ?? null,
        intercept: bound?.intercept ?? null,
        spearman: Number.isFinite(rho) ? rho : null,
        all: stats(simple),
        bySize: Array.from({ length: cfg.simpleMaxSize }, (_, i) => i + 1).map((s) => ({ size: s, stats: stats(all.filter((f) => size[f] === s)) })),
        lowEntropy: strat(simpleLow, isLow),
        balanced: strat(simpleBal, (f) => !isLow(f)),
        scatter: [...cells.values()],
        unseenByScatter: [...unseen].map(([s, functions]) => ({ size: s, functions })).sort((a, b) => a.size - b.size),
        seconds,
      });
    }
    // The uniform control (ρ = 1) has no bias to be blind against; the verdict compares the network with the biased maps.
    const others = maps.slice(1).filter((m) => !m.uniformControl);
    const frac = (m: z.input<typeof mapCensus>, k: 'all' | 'lowEntropy' | 'balanced') => {
      const v = m[k]?.fractionCertified[0];
      if (v === undefined) throw new Error(`${m.label}: no fitted bound for the ${k} stratum; raise samples`);
      return v;
    };
    const mlp = maps[0];
    const strata = ['all', 'lowEntropy', 'balanced'] as const;
    const steeperWithFewer = (k: 'all' | 'lowEntropy' | 'balanced') =>
      others.filter((m) => m.slope !== null && mlp.slope !== null && m.slope <= mlp.slope && frac(m, k) < frac(mlp, k)).length;
    return {
      n,
      samples: N,
      countBySize: census.countBySize,
      maxSize: census.maxSize,
      censusSeconds,
      simpleFunctions: simple.length,
      simpleMaxSize: certifiableMaxSize,
      certifiable,
      gapBits: cfg.gapBits,
      log2ZeroBound: log2Zero,
      maps,
      verdict: {
        mlpAll: frac(mlp, 'all'),
        othersMinAll: Math.min(...others.map((m) => frac(m, 'all'))),
        steeperWithFewerAll: steeperWithFewer('all'),
        mlpLow: frac(mlp, 'lowEntropy'),
        othersMinLow: Math.min(...others.map((m) => frac(m, 'lowEntropy'))),
        steeperWithFewerLow: steeperWithFewer('lowEntropy'),
        mlpBalanced: frac(mlp, 'balanced'),
        othersMinBalanced: Math.min(...others.map((m) => frac(m, 'balanced'))),
        steeperWithFewerBalanced: steeperWithFewer('balanced'),
        contradictingMaps: others.filter(
          (m) => m.slope !== null && mlp.slope !== null && m.slope <= mlp.slope && strata.every((k) => frac(m, k) < frac(mlp, k)),
        ).length,
        supports: others.every((m) => strata.every((k) => frac(mlp, k) < frac(m, k))) ? 1 : 0,
      },
    };
  },
});

function isUniformControl(spec: z.infer<typeof mapSpec>): boolean {
  return spec.kind === 'ptf' && spec.rho === 1;
}
