import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { bootstrapInterval } from '../lib/bootstrap';
import { tailPowerLaw } from '../lib/tailPowerLaw';
import { meanSd, meanSdSchema } from '../lib/stats';
import { signConstant } from './kaarelReadoff';
import { gaussianLayer } from './randomLayer';
import { WorstCaseTally, allPairs, allSubsets, binomial, fitBalancedReadoffs, hiddenBlock } from './worstCase';
import { intervalUpperBound, searchWorstCase, type LinearReadoff } from './worstCaseSearch';
import { createProducts } from './wasmProducts';

const config = z
  .object({
    /** Base seed: layer t at m features is drawn from stream `m<m>/layer<t>`, its search from `m<m>/search<t>/<method>/d<d>`. */
    seed: z.number().int().nonnegative(),
    /** Numbers of features, ascending; every input has exactly s on. */
    ms: z.array(z.number().int().min(6).max(1000)).min(1),
    s: z.number().int().min(2).max(6),
    /** Independent random layers per m. */
    layers: z.number().int().min(2).max(20),
    /** Widths of Kaarel's sign readoff and of the fitted (class-balanced least-squares, every input) readoff. */
    kaarelWidths: z.array(z.number().int().min(1)).min(2),
    fittedWidths: z.array(z.number().int().min(1)),
    /** The fitted readoff is fitted (on every input) only up to this m. */
    fittedMaxM: z.number().int().min(0),
    ridge: z.number().nonnegative(),
    /** The exact worst case (every input) is also computed where C(m, s)·pairs·d is at most this. */
    exhaustiveMaxWork: z.number().positive(),
    /** The search: random inputs scored on every pair, then climbs from the worst `starts` (worstCaseSearch.ts). */
    samples: z.number().int().min(1),
    starts: z.number().int().min(1),
    maxMoves: z.number().int().min(1),
    rowChunk: z.number().int().min(1),
    epsilon: z.number().positive(),
  })
  .strict();

const METHODS = ['kaarel', 'fitted'] as const;
type Method = (typeof METHODS)[number];
const interval = z.object({ estimate: z.number(), lo: z.number(), hi: z.number() });

const result = z.object({
  setup: z.object({ s: z.number(), layers: z.number(), epsilon: z.number(), inputs: z.array(z.object({ m: z.number(), inputs: z.number(), pairs: z.number(), checks: z.number() })) }),
  /** One row per (m, method, width): bounds on the worst |error| over every pair and every input, over layers. */
  rows: z.array(
    z.object({
      m: z.number().int(),
      method: z.enum(METHODS),
      d: z.number().int(),
      /** Found by the search (attained by a real input), mean and smallest over layers. */
      lower: meanSdSchema.extend({ min: z.number(), max: z.number() }),
      /** Proved by interval arithmetic, mean over layers. */
      upper: meanSdSchema,
      /** Exact, where enumerated; null beyond. */
      exact: meanSdSchema.nullable(),
      /** Share of layers whose search found the exact worst case (to 1e−6), where enumerated. */
      searchExactShare: z.number().nullable(),
      /** Worst of the random inputs alone, before the climb, mean over layers. */
      sampledWorst: z.number(),
      /** Share of (pair, case) branches the interval bound alone puts at or below the lower bound. */
      certifiedShare: z.number(),
    }),
  ),
  /** Per m and method: the largest width where a found input exceeds ε on every layer (so the crossing is above it). */
  certifiedAbove: z.array(z.object({ m: z.number().int(), method: z.enum(METHODS), d: z.number().int().nullable() })),
  /** Power law through the lower bounds over the stated widths, and where it reaches ε (model-based), with bootstrap intervals over layers. */
  fits: z.array(z.object({ m: z.number().int(), method: z.enum(METHODS), dMin: z.number(), dMax: z.number(), exponent: interval, crossing: interval.nullable() })),
  summary: z.object({
    /** Over every enumerated cell: share of layers where the search found the exact worst case; smallest lower/exact. */
    searchExactShare: z.number(),
    lowerOverExactMin: z.number(),
    /** Smallest upper/lower over every cell: how far the proved bound is from the found input. */
    gapMin: z.number(),
    gapMax: z.number(),
    /** Cells (layer, m, method, width) beyond enumeration where the bounds meet (upper ≤ 1.001 · lower). */
    certifiedBeyondEnumeration: z.number().int(),
    /** The same per method: Kaarel's share found exactly, the fitted readoff's smallest found/exact. */
    kaarelSearchExactShare: z.number(),
    fittedLowerOverExactMin: z.number(),
    /** Kaarel at the largest m: lower bound at the largest width (mean over layers). */
    kaarelLowerAtMaxMMaxD: z.number(),
    mMin: z.number(),
    mMax: z.number(),
    /** Kaarel: the largest width where a found input exceeds ε on every layer, at the largest m. */
    kaarelCertifiedAboveAtMMax: z.number().nullable(),
    /** Kaarel: the model-based crossing of the lower bounds' power law, at the smallest and largest m. */
    kaarelCrossingAtMMin: interval.nullable(),
    kaarelCrossingAtMMax: interval.nullable(),
  }),
});
/** The experiment's results, as stored in its artifact and read by its figures. */
export type UandWorstCaseBoundsResult = z.output<typeof result>;

type Unit = { label: string; m: number; layer: number };
type Cell = { method: Method; d: number; lower: number; upper: number; exact: number | null; sampledWorst: number; certifiedShare: number };
interface Partial {
  m: number;
  layer: number;
  cells: Cell[];
}


export const uandWorstCaseBounds = defineExperiment({
  id: 'uand-worst-case-bounds',
  title: 'The worst case beyond enumeration: a found input and a proved bound',
  description:
    "Where every input cannot be enumerated, the worst |readoff − AND| over every pair and every s-sparse input is bracketed: a search (random inputs scored on every pair, then climbing by single-feature swaps) finds real inputs, a lower bound; interval arithmetic over each neuron's pre-activation proves an upper bound. Where m allows, the exact worst case checks the search. For Kaarel's sign readoff and the class-balanced least-squares readoff, as a function of width, at m beyond the exhaustive m = 30.",
  module: import.meta.url,
  config,
  profiles: {
    quick: {
      seed: 0,
      ms: [12, 24],
      s: 3,
      layers: 2,
      kaarelWidths: [32, 128],
      fittedWidths: [16],
      fittedMaxM: 24,
      ridge: 1e-6,
      exhaustiveMaxWork: 2e8,
      samples: 200,
      starts: 4,
      maxMoves: 4,
      rowChunk: 256,
      epsilon: 0.25,
    },
    full: {
      seed: 0,
      ms: [60, 120],
      s: 3,
      layers: 3,
      kaarelWidths: [256, 1024, 4096],
      fittedWidths: [32, 64],
      fittedMaxM: 60,
      ridge: 1e-6,
      exhaustiveMaxWork: 7e10,
      samples: 1200,
      starts: 10,
      maxMoves: 4,
      rowChunk: 512,
      epsilon: 0.25,
    },
  },
  result,
  timeLimitSeconds: { quick: 60, full: 600 },
  unitGrid: ['ms', 'layers'],
  units: (cfg): Unit[] => cfg.ms.flatMap((m) => Array.from({ length: cfg.layers }, (_, t) => ({ label: `m${m}/layer${t}`, m, layer: t }))),
  async runUnit(cfg, unit, ctx): Promise<Partial> {
    const { m, layer } = unit;
    const { s } = cfg;
    const fitted = m <= cfg.fittedMaxM ? cfg.fittedWidths : [];
    const dMax = Math.max(...cfg.kaarelWidths, ...fitted);
    const W = gaussianLayer(ctx.rng(`m${m}/layer${layer}`), m, dMax);
    const { pairs, pairIndex } = allPairs(m);
    const P = pairs.length;
    const n = binomial(m, s);
    const subsets = allSubsets(m, s);
    const c = signConstant(s);
    const jobs: { method: Method; d: number }[] = [...cfg.kaarelWidths.map((d) => ({ method: 'kaarel' as const, d })), ...fitted.map((d) => ({ method: 'fitted' as const, d }))];
    const bar = ctx.progress(unit.label, jobs.length);
    const cells: Cell[] = [];
    const products = await createProducts();
    for (const { method, d } of jobs) {
      ctx.signal.throwIfAborted();
      let R: Float32Array;
      if (method === 'kaarel') {
        R = new Float32Array(d * P);
        for (let k = 0; k < d; k++) pairs.forEach(([i, j], p) => (R[k * P + p] = Math.sign(W[i * dMax + k] * W[j * dMax + k]) / (d * c)));
      } else {
        const H = hiddenBlock(W, dMax, subsets, s, 0, n, 0, d);
        R = Float32Array.from(fitBalancedReadoffs(products, H, subsets, m, s, d, cfg.ridge));
      }
      const readoff: LinearReadoff = { W, m, dMax, d, R };
      const found = searchWorstCase(products, readoff, ctx.rng(`m${m}/search${layer}/${method}/d${d}`), { s, samples: cfg.samples, starts: cfg.starts, maxMoves: cfg.maxMoves, rowChunk: cfg.rowChunk });
      let exact: number | null = null;
      if (n * P * d <= cfg.exhaustiveMaxWork) {
        const tally = new WorstCaseTally();
        for (let start = 0; start < n; start += cfg.rowChunk) {
          const rows = Math.min(cfg.rowChunk, n - start);
          tally.add(products.matMul(hiddenBlock(W, dMax, subsets, s, start, rows, 0, d), rows, d, R, P), rows, P, subsets, start, s, m, pairIndex);
        }
        exact = tally.worst;
      }
      // The search's own lower bound (the exact value, where known, only checks it); the interval bound is proved.
      const lower = found.best.error;
      const ub = intervalUpperBound(readoff, s, lower);
      cells.push({ method, d, lower, upper: ub.bound, exact, sampledWorst: found.sampledWorst, certifiedShare: ub.certifiedShare });
      bar.tick();
    }
    bar.done();
    return { m, layer, cells };
  },
  merge(cfg, partials, streams) {
    const { s, epsilon } = cfg;
    const rng = streams('bootstrap');
    const rows: z.input<typeof result>['rows'] = [];
    const certifiedAbove: z.input<typeof result>['certifiedAbove'] = [];
    const fits: z.input<typeof result>['fits'] = [];
    for (const m of cfg.ms) {
      const parts = partials.filter((p) => p.m === m).sort((a, b) => a.layer - b.layer);
      for (const method of METHODS) {
        const ds = [...new Set(parts.flatMap((p) => p.cells.filter((c) => c.method === method).map((c) => c.d)))].sort((a, b) => a - b);
        if (ds.length === 0) continue;
        const at = (p: Partial, d: number) => p.cells.find((c) => c.method === method && c.d === d)!;
        for (const d of ds) {
          const cs = parts.map((p) => at(p, d));
          const lows = cs.map((c) => c.lower);
          const exacts = cs.every((c) => c.exact !== null) ? cs.map((c) => c.exact!) : null;
          rows.push({
            m,
            method,
            d,
            lower: { ...meanSd(lows), min: Math.min(...lows), max: Math.max(...lows) },
            upper: meanSd(cs.map((c) => c.upper)),
            exact: exacts ? meanSd(exacts) : null,
            searchExactShare: exacts ? cs.filter((c) => Math.abs(c.lower - c.exact!) <= 1e-6 * Math.max(1, c.exact!)).length / cs.length : null,
            sampledWorst: meanSd(cs.map((c) => c.sampledWorst)).mean,
            certifiedShare: meanSd(cs.map((c) => c.certifiedShare)).mean,
          });
        }
        const above = ds.filter((d) => parts.every((p) => at(p, d).lower > epsilon));
        certifiedAbove.push({ m, method, d: above.length ? Math.max(...above) : null });
        const perLayer = parts.map((p) => ds.map((d) => at(p, d).lower));
        if (ds.length >= 2) {
          const L = perLayer.length;
          const all = Int32Array.from({ length: L }, (_, t) => t);
          const tail = Math.min(3, ds.length);
          const fitOf = (idx: ArrayLike<number>) => tailPowerLaw(ds, perLayer, idx, epsilon, tail);
          const ex = bootstrapInterval(L, (idx) => fitOf(idx).exponent, rng);
          const point = fitOf(all);
          const cr = point.exponent < 0 ? bootstrapInterval(L, (idx) => fitOf(idx).xAtTarget, rng) : null;
          fits.push({
            m,
            method,
            dMin: ds[ds.length - tail],
            dMax: ds[ds.length - 1],
            exponent: { estimate: point.exponent, lo: ex.lo, hi: ex.hi },
            crossing: cr && Number.isFinite(cr.lo) && Number.isFinite(cr.hi) ? { estimate: point.xAtTarget, lo: cr.lo, hi: cr.hi } : null,
          });
        }
      }
    }
    const cells = partials.flatMap((p) => p.cells);
    const enumerated = cells.filter((c) => c.exact !== null);
    const beyond = cells.filter((c) => c.exact === null);
    const gaps = cells.map((c) => c.upper / c.lower);
    const mMax = Math.max(...cfg.ms);
    const mMin = Math.min(...cfg.ms);
    const kaarelTop = rows.filter((r) => r.m === mMax && r.method === 'kaarel').at(-1)!;
    const exactShare = (cs: Cell[]) => (cs.length ? cs.filter((c) => Math.abs(c.lower - c.exact!) <= 1e-6 * Math.max(1, c.exact!)).length / cs.length : NaN);
    const kaarelFit = (m: number) => fits.find((f) => f.m === m && f.method === 'kaarel')?.crossing ?? null;
    return {
      setup: { s, layers: cfg.layers, epsilon, inputs: cfg.ms.map((m) => ({ m, inputs: binomial(m, s), pairs: (m * (m - 1)) / 2, checks: (binomial(m, s) * m * (m - 1)) / 2 })) },
      rows,
      certifiedAbove,
      fits,
      summary: {
        searchExactShare: exactShare(enumerated),
        lowerOverExactMin: enumerated.length ? Math.min(...enumerated.map((c) => c.lower / c.exact!)) : NaN,
        gapMin: Math.min(...gaps),
        gapMax: Math.max(...gaps),
        certifiedBeyondEnumeration: beyond.filter((c) => c.upper <= 1.001 * c.lower).length,
        kaarelSearchExactShare: exactShare(enumerated.filter((c) => c.method === 'kaarel')),
        fittedLowerOverExactMin: Math.min(...enumerated.filter((c) => c.method === 'fitted').map((c) => c.lower / c.exact!)),
        kaarelLowerAtMaxMMaxD: kaarelTop.lower.mean,
        mMin,
        mMax,
        kaarelCertifiedAboveAtMMax: certifiedAbove.find((c) => c.m === mMax && c.method === 'kaarel')!.d ?? null,
        kaarelCrossingAtMMin: kaarelFit(mMin),
        kaarelCrossingAtMMax: kaarelFit(mMax),
      },
    };
  },
});
