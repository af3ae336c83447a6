import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { exponentIntervalSchema, pooledExponent } from '../lib/exponentInterval';
import { streamFor } from '../runtime/rng';
import { ErrorAccumulator, meanSd, meanSdSchema } from '../lib/stats';
import { kaarelK, prefixPairSums, productAndPrediction, productConstant, signAndPrediction, signConstant } from './kaarelReadoff';
import { ridgeLeastSquares } from './ridgeLeastSquares';
import { createProducts } from './wasmProducts';
import { gaussianLayer, hiddenActivations } from './randomLayer';
import { CASES, andTarget, choosePairs, pairCaseActive } from './sparseInputs';

const config = z
  .object({
    /** Base seed: layers, pairs and sample streams each draw from their own stream of it. */
    seed: z.number().int().nonnegative(),
    /** Number of boolean input features (identity embedding). */
    m: z.number().int().min(3).max(100_000),
    /** Width of the frozen layer. */
    d: z.number().int().min(1).max(4096),
    /** Compositeness values swept. */
    sValues: z.array(z.number().int().min(2).max(64)).min(2),
    /** Independent random layers. */
    layers: z.number().int().min(1).max(20),
    /** Test inputs of the closed-form readoffs per layer, per s and per case; each draws a fresh random pair. */
    samplesPerCase: z.number().int().min(10),
    /** Pairs per layer and per s that also get a fitted least-squares readoff (0 to skip the fit). */
    fitPairs: z.number().int().min(0),
    /** Training inputs per fitted pair and per case (balanced cases, as in uand-frozen-layer). */
    trainPerCase: z.number().int().min(1),
    /** Fresh test inputs per fitted pair and per case. */
    testPerCase: z.number().int().min(1),
    /** Ridge penalty per sample. */
    ridge: z.number().nonnegative(),
  })
  .strict();

const READOFFS = ['sign', 'product', 'fitted'] as const;

const result = z.object({
  /** The configuration values the prose quotes. */
  setup: z.object({ d: z.number(), m: z.number(), layers: z.number() }),
  /** One row per (s, readoff): RMS·√d pooled over the four balanced cases, across layers, beside the prediction. */
  rows: z.array(
    z.object({
      s: z.number().int(),
      readoff: z.enum(READOFFS),
      k: meanSdSchema,
      /** Closed-form constant; null for the fitted readoff, which has none. */
      kPredicted: z.number().nullable(),
      ratio: z.number().nullable(),
      /** Mean |bias| over the four cases (layer means), in units of RMS. */
      biasOverRms: z.number(),
    }),
  ),
  theory: z.object({
    /** K(s) = √(s/2)/c(s) on the zero cases, and K(s)/s, per s. */
    perS: z.array(z.object({ s: z.number().int(), c: z.number(), kZero: z.number(), kOverS: z.number(), kProdZero: z.number() })),
    /** Large-s limit of K(s)/s: π^{3/2}/2, from ReLU(Z + t) ≈ ReLU(Z) + t·1{Z>0} + t²δ(Z)/2. */
    kOverSLimit: z.number(),
    /** Largest integer s ≤ 64 whose pooled RMS constant is below 10, for each closed-form readoff. */
    kBelow10MaxS: z.object({ sign: z.number().int(), product: z.number().int() }),
  }),
  summary: z.object({
    ratioMin: z.number(),
    ratioMax: z.number(),
    /** Log-log slopes of the measured constants against s (1 would be linear). */
    signSlope: exponentIntervalSchema,
    productSlope: exponentIntervalSchema,
    fittedSlope: exponentIntervalSchema.nullable(),
    /** Measured K/s of the sign readoff at the largest s. */
    signKOverSAtMax: z.number(),
    /** Fitted over sign-readoff RMS at the smallest and largest s (layer means). */
    fittedOverSignLow: z.number().nullable(),
    fittedOverSignHigh: z.number().nullable(),
    /** Share of the fitted readoff's mean squared error that is per-case bias, at the largest s. */
    fittedBiasShareHigh: z.number().nullable(),
    /** Product over sign-readoff RMS at the smallest and largest s (layer means). */
    productOverSignLow: z.number(),
    productOverSignHigh: z.number(),
    sLow: z.number().int(),
    sHigh: z.number().int(),
  }),
});
/** The experiment's results, as stored in its artifact and read by its figures. */
export type KaarelCompositenessSweepResult = z.output<typeof result>;

function largestS(ok: (s: number) => boolean): number {
  let best = 1;
  for (let s = 2; s <= 64 && ok(s); s++) best = s;
  return best;
}

export const kaarelCompositenessSweep = defineExperiment({
  id: 'kaarel-compositeness-sweep',
  title: "Kaarel's readoff against compositeness",
  description:
    'At fixed width d = 512 and m = 200, the error constant RMS·√d of the closed-form sign and product readoffs is measured for s from 2 to 16 and compared with the quadrature prediction, beside a least-squares readoff fitted on the same layer.',
  module: import.meta.url,
  config,
  profiles: {
    quick: { seed: 0, m: 200, d: 512, sValues: [2, 4, 8, 16], layers: 2, samplesPerCase: 400, fitPairs: 0, trainPerCase: 640, testPerCase: 100, ridge: 1e-3 },
    full: { seed: 0, m: 200, d: 512, sValues: [2, 3, 4, 6, 8, 12, 16], layers: 5, samplesPerCase: 1200, fitPairs: 6, trainPerCase: 640, testPerCase: 500, ridge: 1e-3 },
  },
  result,
  timeLimitSeconds: { quick: 60, full: 300 },
  async run(cfg, ctx) {
    const products = await createProducts();
    const { m, d, layers } = cfg;
    const nS = cfg.sValues.length;
    // acc[s][layer][readoff][case] accumulates readoff − target.
    const acc = cfg.sValues.map(() => Array.from({ length: layers }, () => READOFFS.map(() => CASES.map(() => new ErrorAccumulator()))));
    const h = new Float32Array(d);
    const sums = [new Float64Array(1), new Float64Array(1)];
    const bar = ctx.progress('layers × s', layers * nS);
    for (let t = 0; t < layers; t++) {
      const W = gaussianLayer(ctx.rng(`layer${t}`), m, d);
      const row = (l: number) => W.subarray(l * d, (l + 1) * d);
      cfg.sValues.forEach((s, si) => {
        ctx.signal.throwIfAborted();
        const cell = acc[si][t];
        const c = signConstant(s);
        const cProd = productConstant(s);
        const rng = ctx.rng(`samples/layer${t}/s${s}`);
        CASES.forEach(([a, b], ci) => {
          for (let n = 0; n < cfg.samplesPerCase; n++) {
            const [i, j] = rng.sampleDistinct(m, 2);
            hiddenActivations(W, d, pairCaseActive(rng, m, s, i, j, a, b), h);
            prefixPairSums(row(i), row(j), h, [d], sums[0], sums[1]);
            cell[0][ci].add(sums[0][0] / (d * c) - andTarget(a, b));
            cell[1][ci].add(sums[1][0] / (d * cProd) - andTarget(a, b));
          }
        });
        if (cfg.fitPairs > 0) fitAndTest(s, cell[2]);
        bar.tick();
      });

      // Least-squares readoffs for a few pairs, fitted on balanced cases and tested on fresh inputs.
      function fitAndTest(s: number, out: ErrorAccumulator[]): void {
        const pairs = choosePairs(ctx.rng(`pairs/layer${t}/s${s}`), m, cfg.fitPairs);
        const trainRng = ctx.rng(`train/layer${t}/s${s}`);
        const testRng = ctx.rng(`test/layer${t}/s${s}`);
        const n = CASES.length * cfg.trainPerCase;
        const H = new Float32Array(pairs.length * n * d);
        const Y = new Float32Array(pairs.length * n);
        pairs.forEach(([i, j], p) => {
          let r = p * n;
          for (const [a, b] of CASES) {
            for (let k = 0; k < cfg.trainPerCase; k++, r++) {
              hiddenActivations(W, d, pairCaseActive(trainRng, m, s, i, j, a, b), H, r * d);
              Y[r] = andTarget(a, b);
            }
          }
        });
        const R = ridgeLeastSquares(products, H, Y, pairs.length, n, d, 1, cfg.ridge);
        pairs.forEach(([i, j], p) => {
          CASES.forEach(([a, b], ci) => {
            for (let k = 0; k < cfg.testPerCase; k++) {
              hiddenActivations(W, d, pairCaseActive(testRng, m, s, i, j, a, b), h);
              let y = 0;
              for (let q = 0; q < d; q++) y += h[q] * R[p * d + q];
              out[ci].add(y - andTarget(a, b));
            }
          });
        });
      }
    }
    bar.done();

    const pooledRms = (es: ErrorAccumulator[]) => Math.sqrt(es.reduce((sum, e) => sum + e.rms ** 2, 0) / es.length);
    const predictedK = (readoff: (typeof READOFFS)[number], s: number) =>
      readoff === 'fitted'
        ? null
        : Math.sqrt(CASES.reduce((sum, [a, b]) => sum + (readoff === 'sign' ? signAndPrediction : productAndPrediction)(s, a, b).k ** 2, 0) / CASES.length);
    const active = READOFFS.filter((r) => r !== 'fitted' || cfg.fitPairs > 0);
    const rows = cfg.sValues.flatMap((s, si) =>
      active.map((readoff) => {
        const ri = READOFFS.indexOf(readoff);
        const k = meanSd(acc[si].map((L) => pooledRms(L[ri]) * Math.sqrt(d)));
        const kPredicted = predictedK(readoff, s);
        const bias = acc[si].map((L) => L[ri].reduce((sum, e) => sum + Math.abs(e.mean), 0) / CASES.length / pooledRms(L[ri]));
        return { s, readoff, k, kPredicted, ratio: kPredicted === null ? null : k.mean / kPredicted, biasOverRms: meanSd(bias).mean };
      }),
    );
    const kOf = (readoff: string) => cfg.sValues.map((s) => rows.find((r) => r.s === s && r.readoff === readoff)!.k.mean);
    // Per-layer constants, for slopes pooled over layers with bootstrap intervals resampling layers.
    const kPerLayer = (ri: number) => Array.from({ length: layers }, (_, t) => cfg.sValues.map((_, si) => pooledRms(acc[si][t][ri]) * Math.sqrt(d)));
    const slopeOf = (ri: number) => pooledExponent(cfg.sValues, kPerLayer(ri), streamFor(cfg.seed, `bootstrap/${READOFFS[ri]}`));
    const sLow = cfg.sValues[0];
    const sHigh = cfg.sValues[nS - 1];
    const sign = kOf('sign');
    const prod = kOf('product');
    const fitted = cfg.fitPairs > 0 ? kOf('fitted') : null;
    const ratios = rows.flatMap((r) => (r.ratio === null ? [] : [r.ratio]));
    return {
      setup: { d, m, layers },
      rows,
      theory: {
        perS: cfg.sValues.map((s) => ({ s, c: signConstant(s), kZero: kaarelK(s), kOverS: kaarelK(s) / s, kProdZero: productAndPrediction(s, 0, 0).k })),
        kOverSLimit: Math.PI ** 1.5 / 2,
        kBelow10MaxS: {
          sign: largestS((s) => predictedK('sign', s)! < 10),
          product: largestS((s) => predictedK('product', s)! < 10),
        },
      },
      summary: {
        ratioMin: Math.min(...ratios),
        ratioMax: Math.max(...ratios),
        signSlope: slopeOf(0),
        productSlope: slopeOf(1),
        fittedSlope: fitted && slopeOf(2),
        signKOverSAtMax: sign[nS - 1] / sHigh,
        fittedOverSignLow: fitted && fitted[0] / sign[0],
        fittedOverSignHigh: fitted && fitted[nS - 1] / sign[nS - 1],
        fittedBiasShareHigh: fitted && meanSd(acc[nS - 1].map((L) => L[2].reduce((sum, e) => sum + e.mean ** 2, 0) / L[2].reduce((sum, e) => sum + e.rms ** 2, 0))).mean,
        productOverSignLow: prod[0] / sign[0],
        productOverSignHigh: prod[nS - 1] / sign[nS - 1],
        sLow,
        sHigh,
      },
    };
  },
});
