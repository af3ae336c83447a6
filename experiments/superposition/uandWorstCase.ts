import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { bootstrapInterval } from '../lib/bootstrap';
import { tailPowerLaw } from '../lib/tailPowerLaw';
import { meanSd, meanSdSchema } from '../lib/stats';
import { signAndPrediction, signConstant } from './kaarelReadoff';
import { gaussianLayer } from './randomLayer';
import { trainNetwork, forward, type TwoLayerNet } from './trainReadoffs';
import { WorstCaseTally, allPairs, allSubsets, binomial, expectedMaxOfGaussians, fitBalancedReadoffs, hiddenBlock, kaarelWorstCase } from './worstCase';
import { createProducts } from './wasmProducts';

const config = z
  .object({
    /** Base seed: layer t is drawn from stream `layer<t>`, training data from `train/d<d>/layer<t>`. */
    seed: z.number().int().nonnegative(),
    /** Number of boolean features; every input with exactly s of them on is checked. */
    m: z.number().int().min(4).max(60),
    /** Compositeness: features on in every input. */
    s: z.number().int().min(2).max(6),
    /** Independent random layers (the fitted readoffs and the trained networks start from the same layers). */
    layers: z.number().int().min(2).max(20),
    /** Widths of Kaarel's readoff, ascending: prefixes of one layer of the largest width. */
    kaarelWidths: z.array(z.number().int().min(1)).min(2),
    /** Widths of the fitted readoff, ascending prefixes of the same layers. */
    fittedWidths: z.array(z.number().int().min(1)).min(2),
    /** Ridge added to the diagonal of each pair's balanced Gram matrix (whose weights sum to 1). */
    ridge: z.number().nonnegative(),
    /** Widths of the trained network, started from the first d neurons of layers 0 … trainedLayers−1. */
    trainedWidths: z.array(z.number().int().min(1)).min(1),
    trainedLayers: z.number().int().min(1),
    /** Training: Adam on the class-balanced L_p loss of every pair, inputs drawn uniformly from the exactly-s inputs. */
    train: z
      .object({
        p: z.number().int().min(2),
        batch: z.number().int().min(1),
        lr: z.number().positive(),
        epsilon: z.number().positive(),
        /** Steps per segment; the exhaustive loss and worst case are measured after each. */
        segment: z.number().int().min(1),
        /** A guard, set above where the stopping rule ends every run (the page checks it). */
        maxSegments: z.number().int().min(1),
        /** Stop when the exhaustive loss fell by less than this fraction over the last segment. */
        tolerance: z.number().positive(),
      })
      .strict(),
    /** Inputs per matmul block. */
    rowChunk: z.number().int().min(1),
    /** The accuracy the page asks about. */
    epsilon: z.number().positive(),
  })
  .strict();

const METHODS = ['kaarel', 'fitted', 'trained'] as const;
type Method = (typeof METHODS)[number];

const point = z.object({ worst: z.number(), worstOnes: z.number(), worstZeros: z.number(), rms: z.number() });
type Point = z.infer<typeof point>;

const interval = z.object({ estimate: z.number(), lo: z.number(), hi: z.number() });

const result = z.object({
  setup: z.object({ m: z.number(), s: z.number(), inputs: z.number(), pairs: z.number(), checks: z.number(), layers: z.number(), trainedLayers: z.number(), epsilon: z.number() }),
  /** One row per (method, width): the exact worst |error| over every pair and input, across layers. */
  rows: z.array(
    z.object({
      method: z.enum(METHODS),
      d: z.number().int(),
      worst: meanSdSchema.extend({ min: z.number(), max: z.number() }),
      worstOnes: meanSdSchema,
      worstZeros: meanSdSchema,
      rms: meanSdSchema,
      /** Kaarel only: E[max] of independent Gaussian errors with the CLT variances, one per check. */
      predictedWorst: z.number().nullable(),
    }),
  ),
  /** Trained networks: the exhaustive balanced loss and worst case after each segment of training. */
  training: z.array(
    z.object({ d: z.number().int(), layer: z.number().int(), steps: z.number().int(), loss: z.number(), worst: z.number(), rms: z.number(), stoppedByRule: z.boolean() }),
  ),
  /** Power law worst ≈ a·d^b over the stated widths, with a bootstrap interval over layers. */
  exponents: z.array(z.object({ method: z.enum(METHODS), dMin: z.number(), dMax: z.number(), exponent: interval })),
  /** Width where the worst case falls to ε: measured (interpolated between two measured widths) or extrapolated. */
  crossing: z.array(
    z.object({
      method: z.enum(METHODS),
      kind: z.enum(['measured', 'extrapolated', 'none']),
      /** Null when neither measured nor a falling power law to extrapolate. */
      d: interval.nullable(),
    }),
  ),
  summary: z.object({
    /** Kaarel: measured worst over the independent-Gaussian prediction, smallest and largest across widths. */
    kaarelOverPredictedMin: z.number(),
    kaarelOverPredictedMax: z.number(),
    /** Largest width each method was measured at, and its worst case there (mean over layers). */
    kaarelWorstAtMaxD: z.number(),
    fittedWorstAtMaxD: z.number(),
    trainedWorstAtMaxD: z.number(),
    /** Worst case over RMS at the largest common width of kaarel and fitted. */
    kaarelWorstOverRmsAtMaxD: z.number(),
    fittedWorstOverRmsAtMaxD: z.number(),
    /** Share of trained networks whose training stopped by the rule rather than the segment cap. */
    trainedStoppedByRuleShare: z.number(),
    /** The most steps any trained run took. */
    trainedStepsMax: z.number().int(),
  }),
});
/** The experiment's results, as stored in its artifact and read by its figures. */
export type UandWorstCaseResult = z.output<typeof result>;

type Unit = { label: string; method: Method; layer: number; d?: number };
interface Partial {
  method: Method;
  layer: number;
  points: [number, Point][];
  training?: { d: number; layer: number; steps: number; loss: number; worst: number; rms: number; stoppedByRule: boolean }[];
}

function pointOf(t: WorstCaseTally): Point {
  return { worst: t.worst, worstOnes: t.onesMax, worstZeros: t.zerosMax, rms: t.rms };
}

/** Width at which log worst crosses log ε between the first measured pair of widths that brackets it, else NaN. */
function interpolatedCrossing(ds: readonly number[], worst: readonly number[], eps: number): number {
  for (let w = 1; w < ds.length; w++) {
    if (worst[w - 1] > eps && worst[w] <= eps) {
      const t = Math.log(worst[w - 1] / eps) / Math.log(worst[w - 1] / worst[w]);
      return Math.exp(Math.log(ds[w - 1]) + t * Math.log(ds[w] / ds[w - 1]));
    }
  }
  return worst[0] <= eps ? ds[0] : NaN;
}

export const uandWorstCase = defineExperiment({
  id: 'uand-worst-case',
  title: 'The worst case over every pair and every sparse input',
  description:
    "ε-accuracy is a worst case. For m features and every input with exactly s of them on, the exact maximum of |readoff − AND| over every pair, as a function of width, for Kaarel's sign readoff, a class-balanced least-squares readoff fitted on every input, and a network trained on the class-balanced L_p loss to a stopping rule; and the width at which it falls below 1/4.",
  module: import.meta.url,
  config,
  profiles: {
    quick: {
      seed: 0,
      m: 12,
      s: 3,
      layers: 2,
      kaarelWidths: [32, 128, 512],
      fittedWidths: [16, 32],
      ridge: 1e-6,
      trainedWidths: [32],
      trainedLayers: 1,
      train: { p: 6, batch: 50, lr: 3e-3, epsilon: 1e-10, segment: 100, maxSegments: 2, tolerance: 0.02 },
      rowChunk: 256,
      epsilon: 0.25,
    },
    full: {
      seed: 0,
      m: 30,
      s: 3,
      layers: 5,
      kaarelWidths: [64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384],
      fittedWidths: [16, 32, 64, 128, 256],
      ridge: 1e-6,
      trainedWidths: [32, 64, 128],
      trainedLayers: 2,
      train: { p: 6, batch: 100, lr: 1e-3, epsilon: 1e-10, segment: 500, maxSegments: 16, tolerance: 0.02 },
      rowChunk: 512,
      epsilon: 0.25,
    },
  },
  result,
  timeLimitSeconds: { quick: 60, full: 600 },
  unitGrid: ['layers', 'trainedWidths', 'trainedLayers'],
  units: (cfg): Unit[] => [
    ...Array.from({ length: cfg.layers }, (_, t) => ({ label: `kaarel/layer${t}`, method: 'kaarel' as const, layer: t })),
    ...Array.from({ length: cfg.layers }, (_, t) => ({ label: `fitted/layer${t}`, method: 'fitted' as const, layer: t })),
    ...cfg.trainedWidths.flatMap((d) => Array.from({ length: cfg.trainedLayers }, (_, t) => ({ label: `trained/d${d}/layer${t}`, method: 'trained' as const, layer: t, d }))),
  ],
  async runUnit(cfg, unit, ctx): Promise<Partial> {
    const { m, s } = cfg;
    const dMax = Math.max(...cfg.kaarelWidths, ...cfg.fittedWidths, ...cfg.trainedWidths);
    const W = gaussianLayer(ctx.rng(`layer${unit.layer}`), m, dMax);
    const subsets = allSubsets(m, s);
    const n = subsets.length / s;
    const { pairs, pairIndex } = allPairs(m);
    const P = pairs.length;
    if (unit.method === 'kaarel') {
      const bar = ctx.progress(unit.label, Math.ceil(n / cfg.rowChunk));
      const tallies = kaarelWorstCase(await createProducts(), W, m, dMax, s, signConstant(s), cfg.kaarelWidths, cfg.rowChunk, () => bar.tick());
      bar.done();
      return { method: 'kaarel', layer: unit.layer, points: cfg.kaarelWidths.map((d, w) => [d, pointOf(tallies[w])]) };
    }
    if (unit.method === 'fitted') {
      const products = await createProducts();
      const points: [number, Point][] = [];
      for (const d of cfg.fittedWidths) {
        ctx.signal.throwIfAborted();
        const H = hiddenBlock(W, dMax, subsets, s, 0, n, 0, d);
        const R = fitBalancedReadoffs(products, H, subsets, m, s, d, cfg.ridge);
        const tally = new WorstCaseTally();
        tally.add(products.matMul(H, n, d, Float32Array.from(R), P), n, P, subsets, 0, s, m, pairIndex);
        points.push([d, pointOf(tally)]);
      }
      return { method: 'fitted', layer: unit.layer, points };
    }
    // A network trained from the first d neurons of this layer, first layer and readoffs both.
    const d = unit.d!;
    const Wd = new Float32Array(m * d);
    for (let l = 0; l < m; l++) Wd.set(W.subarray(l * dMax, l * dMax + d), l * d);
    let net: TwoLayerNet = { m, d, k: P, W: Wd, bias: new Float32Array(d), R: new Float32Array(d * P) };
    const X = new Float32Array(n * m);
    for (let r = 0; r < n; r++) for (let a = 0; a < s; a++) X[r * m + subsets[r * s + a]] = 1;
    const dataRng = ctx.rng(`train/d${d}/layer${unit.layer}`);
    const tc = cfg.train;
    const training: NonNullable<Partial['training']> = [];
    let prevLoss = Infinity;
    let last: WorstCaseTally | null = null;
    const bar = ctx.progress(unit.label, tc.maxSegments * tc.segment);
    for (let seg = 0; seg < tc.maxSegments; seg++) {
      net = (await trainNetwork(ctx.tf, {
        init: net,
        trainFirstLayer: true,
        steps: tc.segment,
        batch: tc.batch,
        lr: tc.lr,
        lrFinal: tc.lr,
        epsilon: tc.epsilon,
        p: tc.p,
        onesWeight: 1,
        sampleBatch: (x, y) => {
          x.fill(0);
          y.fill(0);
          for (let r = 0; r < tc.batch; r++) {
            const on = dataRng.sampleDistinct(m, s).sort((a, b) => a - b);
            for (const l of on) x[r * m + l] = 1;
            for (let a = 0; a < s; a++) for (let b = a + 1; b < s; b++) y[r * P + pairIndex[on[a] * m + on[b]]] = 1;
          }
        },
        onStep: (step) => {
          if (step % 50 === 49) bar.tick(50);
        },
      })).net;
      const Y = forward(ctx.tf, net, X, n);
      const tally = new WorstCaseTally(tc.p);
      tally.add(Y, n, P, subsets, 0, s, m, pairIndex);
      const loss = tally.balancedLp;
      const stop = prevLoss - loss < tc.tolerance * prevLoss;
      training.push({ d, layer: unit.layer, steps: (seg + 1) * tc.segment, loss, worst: tally.worst, rms: tally.rms, stoppedByRule: stop });
      last = tally;
      prevLoss = loss;
      if (stop) break;
    }
    bar.done();
    return { method: 'trained', layer: unit.layer, points: [[d, pointOf(last!)]], training };
  },
  merge(cfg, partials, streams) {
    const { m, s, epsilon } = cfg;
    const n = binomial(m, s);
    const P = (m * (m - 1)) / 2;
    // Independent-Gaussian prediction for Kaarel's readoff: per case, its count of checks and CLT variance K²/d.
    const onesPerInput = (s * (s - 1)) / 2;
    // Per input: C(s,2) pairs in case (1,1), s·(m − s) with one feature on, the rest (0,0).
    const caseCounts = { '11': n * onesPerInput, '10': n * s * (m - s), '00': n * (P - onesPerInput - s * (m - s)) };
    const kOf = (a: 0 | 1, b: 0 | 1) => signAndPrediction(s, a, b).k;
    const predictedWorst = (d: number) =>
      expectedMaxOfGaussians([
        { sigma: kOf(1, 1) / Math.sqrt(d), count: caseCounts['11'] },
        { sigma: kOf(1, 0) / Math.sqrt(d), count: caseCounts['10'] },
        { sigma: kOf(0, 0) / Math.sqrt(d), count: caseCounts['00'] },
      ]);
    const rows: z.input<typeof result>['rows'] = [];
    const perLayer = new Map<Method, { ds: number[]; worst: number[][] }>();
    for (const method of METHODS) {
      const parts = partials.filter((p) => p.method === method);
      const ds = [...new Set(parts.flatMap((p) => p.points.map(([d]) => d)))].sort((a, b) => a - b);
      const layerIds = [...new Set(parts.map((p) => p.layer))].sort((a, b) => a - b);
      const at = (layer: number, d: number) => parts.filter((p) => p.layer === layer).flatMap((p) => p.points).find(([dd]) => dd === d)![1];
      perLayer.set(method, { ds, worst: layerIds.map((l) => ds.map((d) => at(l, d).worst)) });
      for (const d of ds) {
        const pts = layerIds.map((l) => at(l, d));
        const worst = pts.map((q) => q.worst);
        rows.push({
          method,
          d,
          worst: { ...meanSd(worst), min: Math.min(...worst), max: Math.max(...worst) },
          worstOnes: meanSd(pts.map((q) => q.worstOnes)),
          worstZeros: meanSd(pts.map((q) => q.worstZeros)),
          rms: meanSd(pts.map((q) => q.rms)),
          predictedWorst: method === 'kaarel' ? predictedWorst(d) : null,
        });
      }
    }
    const rng = streams('bootstrap');
    const exponents: z.input<typeof result>['exponents'] = [];
    const crossing: z.input<typeof result>['crossing'] = [];
    for (const method of METHODS) {
      const { ds, worst } = perLayer.get(method)!;
      const L = worst.length;
      const tail = Math.min(3, ds.length);
      if (ds.length >= 2) {
        const stat = (idx: ArrayLike<number>) => tailPowerLaw(ds, worst, idx, epsilon, tail).exponent;
        const all = Int32Array.from({ length: L }, (_, t) => t);
        const iv = bootstrapInterval(L, stat, rng);
        exponents.push({ method, dMin: ds[ds.length - tail], dMax: ds[ds.length - 1], exponent: { estimate: stat(all), lo: iv.lo, hi: iv.hi } });
      }
      const measured = worst.map((w) => interpolatedCrossing(ds, w, epsilon));
      if (measured.every(Number.isFinite)) {
        crossing.push({ method, kind: 'measured', d: { estimate: meanSd(measured).mean, lo: Math.min(...measured), hi: Math.max(...measured) } });
      } else if (ds.length >= 2) {
        const stat = (idx: ArrayLike<number>) => tailPowerLaw(ds, worst, idx, epsilon, Math.min(3, ds.length)).xAtTarget;
        const all = Int32Array.from({ length: L }, (_, t) => t);
        const est = stat(all);
        const iv = L >= 2 ? bootstrapInterval(L, stat, rng) : { lo: NaN, hi: NaN };
        // Only a worst case that falls with width can be extrapolated down to ε.
        const falling = tailPowerLaw(ds, worst, all, epsilon, Math.min(3, ds.length)).exponent < 0;
        const ok = falling && Number.isFinite(est) && est > 0 && Number.isFinite(iv.lo) && Number.isFinite(iv.hi);
        crossing.push({ method, kind: ok ? 'extrapolated' : 'none', d: ok ? { estimate: est, lo: iv.lo, hi: iv.hi } : null });
      } else {
        crossing.push({ method, kind: 'none', d: null });
      }
    }
    const kaarelRows = rows.filter((r) => r.method === 'kaarel');
    const ratios = kaarelRows.map((r) => r.worst.mean / r.predictedWorst!);
    const lastOf = (method: Method) => rows.filter((r) => r.method === method).at(-1)!;
    const common = Math.max(...cfg.fittedWidths.filter((d) => cfg.kaarelWidths.includes(d)), -1);
    const at = (method: Method, d: number) => rows.find((r) => r.method === method && r.d === d);
    const training = partials.flatMap((p) => p.training ?? []);
    const finals = partials.filter((p) => p.method === 'trained').map((p) => p.training!.at(-1)!);
    return {
      setup: { m, s, inputs: n, pairs: P, checks: n * P, layers: cfg.layers, trainedLayers: cfg.trainedLayers, epsilon },
      rows,
      training,
      exponents,
      crossing,
      summary: {
        kaarelOverPredictedMin: Math.min(...ratios),
        kaarelOverPredictedMax: Math.max(...ratios),
        kaarelWorstAtMaxD: lastOf('kaarel').worst.mean,
        fittedWorstAtMaxD: lastOf('fitted').worst.mean,
        trainedWorstAtMaxD: lastOf('trained').worst.mean,
        kaarelWorstOverRmsAtMaxD: common > 0 ? at('kaarel', common)!.worst.mean / at('kaarel', common)!.rms.mean : NaN,
        fittedWorstOverRmsAtMaxD: common > 0 ? at('fitted', common)!.worst.mean / at('fitted', common)!.rms.mean : NaN,
        trainedStoppedByRuleShare: finals.filter((f) => f.stoppedByRule).length / finals.length,
        trainedStepsMax: Math.max(...finals.map((f) => f.steps)),
      },
    };
  },
});
