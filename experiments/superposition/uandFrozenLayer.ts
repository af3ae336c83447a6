import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { affineBaseline } from './affineBaseline';
import { histogram, meanSd, meanSdSchema } from '../lib/stats';
import { ridgeLeastSquares } from './ridgeLeastSquares';
import { createProducts } from './wasmProducts';
import { summarizeErrors as summarize1 } from './errorStats';

/** The share-below statistic's bound: the affine AND readoff's worst-case error. */
const QUARTER = 0.25;
import { gaussianLayer, hiddenActivations } from './randomLayer';
import { CASE_NAMES, CASES, andTarget, choosePairs, pairCaseActive, xorTarget } from './sparseInputs';

const config = z
  .object({
    /** Base seed: the layer, the pairs and the samples each draw from their own stream of it. */
    seed: z.number().int().nonnegative(),
    /** Independent random layers (each with its own pairs and inputs); the spread across them is the error bar. */
    layers: z.number().int().min(1).max(20),
    /** Number of boolean input features (identity embedding: no input superposition). */
    m: z.number().int().min(3).max(100_000),
    /** Width of the frozen ReLU layer. */
    d: z.number().int().min(1).max(4096),
    /** Compositeness: exactly s features are on in every input. */
    s: z.number().int().min(2).max(64),
    /** Pairs (i, j) to fit and test; all m(m−1)/2 when this reaches that number. */
    pairs: z.number().int().min(1),
    /** Training inputs per pair and per case (x_i, x_j): the four cases are balanced, so ones count as much as zeros. */
    trainPerCase: z.number().int().min(1),
    /** Fresh test inputs per pair and per case. */
    testPerCase: z.number().int().min(1),
    /** Ridge penalty per sample (λ in (HᵀH + λ·n·I) r = Hᵀy). */
    ridge: z.number().nonnegative(),
    /** Pairs fitted together in one batched Gram computation (memory ∝ pairBatch·4·trainPerCase·d). */
    pairBatch: z.number().int().min(1).max(4096),
    /** Histogram bins on [−histRange, histRange]. */
    histBins: z.number().int().min(4).max(400),
    histRange: z.number().positive(),
  })
  .strict();

const errorSummary = z.object({
  count: z.number().int(),
  mean: z.number(),
  meanAbs: z.number(),
  rms: z.number(),
  p99Abs: z.number(),
  maxAbs: z.number(),
  /** Share of |error| below 1/4, the affine AND readoff's worst case (for XOR too, for comparison across functions). */
  fracBelow: z.number().min(0).max(1),
});


const fnResult = z.object({
  /** Pooled over all layers: errors on inputs whose target is 0, and on inputs whose target is 1. */
  zeros: errorSummary,
  ones: errorSummary,
  all: errorSummary,
  byCase: z.record(z.enum(['00', '10', '01', '11']), errorSummary),
  /** Spread across layers of the headline statistics (mean ± sample sd). */
  acrossLayers: z.object({ rms: meanSdSchema, zerosFracBelow: meanSdSchema, onesFracBelow: meanSdSchema, p99Abs: meanSdSchema }),
});

const result = z.object({
  pairsEvaluated: z.number().int(),
  and: fnResult,
  xor: fnResult,
  /** Tidy histogram rows of signed test errors: one row per (function, target, bin). */
  histogram: z.array(z.object({ fn: z.enum(['AND', 'XOR']), target: z.union([z.literal(0), z.literal(1)]), layer: z.number().int(), x0: z.number(), x1: z.number(), count: z.number().int(), share: z.number() })),
  /** Worst-case errors of the best affine readoffs of the raw inputs, from the affine-baseline experiment. */
  affine: z.object({ andMinimax: z.number(), xorMinimax: z.number() }),
});
/** The experiment's results, as stored in its artifact and read by its figures. */
export type UandFrozenLayerResult = z.output<typeof result>;

export const uandFrozenLayer = defineExperiment({
  id: 'uand-frozen-layer',
  title: 'U-AND and U-XOR read off a frozen random ReLU layer',
  description:
    'A ReLU layer with N(0,1) weights and zero bias is never trained. For each pair of features, a least-squares linear readoff is fitted on inputs balanced over the four cases of (x_i, x_j), and its errors on fresh inputs are compared with the best affine readoff of the raw inputs.',
  module: import.meta.url,
  config,
  profiles: {
    quick: { seed: 0, layers: 2, m: 40, d: 100, s: 3, pairs: 90, trainPerCase: 250, testPerCase: 50, ridge: 1e-3, pairBatch: 45, histBins: 60, histRange: 0.75 },
    full: { seed: 0, layers: 5, m: 50, d: 100, s: 3, pairs: 400, trainPerCase: 250, testPerCase: 100, ridge: 1e-3, pairBatch: 50, histBins: 60, histRange: 0.75 },
  },
  result,
  upstream: [affineBaseline.id],
  timeLimitSeconds: { quick: 60, full: 600 },
  async run(cfg, ctx) {
    const products = await createProducts();
    const { m, d, s } = cfg;
    const nTrain = 4 * cfg.trainPerCase;
    const pairCount = Math.min(cfg.pairs, (m * (m - 1)) / 2);
    const bar = ctx.progress('pairs', cfg.layers * pairCount);
    const h = new Float32Array(d);
    // errs[layer][fn][case]: signed test errors.
    const errsByLayer: { AND: number[][]; XOR: number[][] }[] = [];
    for (let layer = 0; layer < cfg.layers; layer++) {
      // Layer 0 keeps the stream names of a single-layer run.
      const tag = layer === 0 ? '' : `/layer${layer}`;
      const W = gaussianLayer(ctx.rng(`layer${tag}`), m, d);
      const pairs = choosePairs(ctx.rng(`pairs${tag}`), m, cfg.pairs);
      const trainRng = ctx.rng(`train${tag}`);
      const testRng = ctx.rng(`test${tag}`);
      const errs = { AND: CASE_NAMES.map(() => [] as number[]), XOR: CASE_NAMES.map(() => [] as number[]) };
      errsByLayer.push(errs);
      for (let start = 0; start < pairs.length; start += cfg.pairBatch) {
        ctx.signal.throwIfAborted();
        const chunk = pairs.slice(start, start + cfg.pairBatch);
        const H = new Float32Array(chunk.length * nTrain * d);
        const Y = new Float32Array(chunk.length * nTrain * 2);
        chunk.forEach(([i, j], b) => {
          let row = b * nTrain;
          for (const [a, c] of CASES) {
            for (let t = 0; t < cfg.trainPerCase; t++, row++) {
              hiddenActivations(W, d, pairCaseActive(trainRng, m, s, i, j, a, c), H, row * d);
              Y[row * 2] = andTarget(a, c);
              Y[row * 2 + 1] = xorTarget(a, c);
            }
          }
        });
        const R = ridgeLeastSquares(products, H, Y, chunk.length, nTrain, d, 2, cfg.ridge);
        chunk.forEach(([i, j], b) => {
          const r = R.subarray(b * d * 2, (b + 1) * d * 2);
          CASES.forEach(([a, c], ci) => {
            for (let t = 0; t < cfg.testPerCase; t++) {
              hiddenActivations(W, d, pairCaseActive(testRng, m, s, i, j, a, c), h);
              let and = 0;
              let xor = 0;
              for (let k = 0; k < d; k++) {
                and += h[k] * r[k * 2];
                xor += h[k] * r[k * 2 + 1];
              }
              errs.AND[ci].push(and - andTarget(a, c));
              errs.XOR[ci].push(xor - xorTarget(a, c));
            }
          });
        });
        bar.tick(chunk.length);
      }
    }
    bar.done();

    const targetOf = (fn: 'AND' | 'XOR', a: number, c: number) => (fn === 'AND' ? andTarget(a, c) : xorTarget(a, c));
    const byTarget = (errs: { AND: number[][]; XOR: number[][] }, fn: 'AND' | 'XOR', target: 0 | 1) =>
      CASES.flatMap(([a, c], ci) => (targetOf(fn, a, c) === target ? errs[fn][ci] : []));
    const pooled = {
      AND: CASE_NAMES.map((_, ci) => errsByLayer.flatMap((e) => e.AND[ci])),
      XOR: CASE_NAMES.map((_, ci) => errsByLayer.flatMap((e) => e.XOR[ci])),
    };
    const summarizeErrors = (errors: ArrayLike<number>) => summarize1(errors, QUARTER);
    const summarize = (fn: 'AND' | 'XOR') => {
      const perLayer = errsByLayer.map((e) => ({ all: summarizeErrors(e[fn].flat()), zeros: summarizeErrors(byTarget(e, fn, 0)), ones: summarizeErrors(byTarget(e, fn, 1)) }));
      return {
        zeros: summarizeErrors(byTarget(pooled, fn, 0)),
        ones: summarizeErrors(byTarget(pooled, fn, 1)),
        all: summarizeErrors(pooled[fn].flat()),
        byCase: Object.fromEntries(CASE_NAMES.map((name, ci) => [name, summarizeErrors(pooled[fn][ci])])),
        acrossLayers: {
          rms: meanSd(perLayer.map((l) => l.all.rms)),
          zerosFracBelow: meanSd(perLayer.map((l) => l.zeros.fracBelow)),
          onesFracBelow: meanSd(perLayer.map((l) => l.ones.fracBelow)),
          p99Abs: meanSd(perLayer.map((l) => l.all.p99Abs)),
        },
      };
    };
    const hist = errsByLayer.flatMap((errs, layer) =>
      (['AND', 'XOR'] as const).flatMap((fn) =>
        ([0, 1] as const).flatMap((target) => {
          const values = byTarget(errs, fn, target);
          return histogram(values, -cfg.histRange, cfg.histRange, cfg.histBins).map((bin) => ({ fn, target, layer, ...bin, share: bin.count / values.length }));
        }),
      ),
    );
    const affine = ctx.upstream(affineBaseline).results;
    return {
      pairsEvaluated: pairCount,
      and: summarize('AND'),
      xor: summarize('XOR'),
      histogram: hist,
      affine: { andMinimax: affine.andMinimax.maxAbsError, xorMinimax: affine.xorMinimax.maxAbsError },
    };
  },
});
