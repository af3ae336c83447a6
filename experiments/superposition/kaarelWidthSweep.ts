import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { logLogSlope } from '../lib/fits';
import { exponentIntervalSchema, pooledExponent } from '../lib/exponentInterval';
import { ErrorAccumulator, meanSd, meanSdSchema } from '../lib/stats';
import { SIGN_CONSTANT_S2, kaarelK, prefixPairSums, productAndPrediction, productConstant, signAndPrediction, signConstant } from './kaarelReadoff';
import { gaussianLayer, hiddenActivations } from './randomLayer';
import { CASES, andTarget, pairCaseActive } from './sparseInputs';

const config = z
  .object({
    /** Base seed: each layer and each (layer, s) sample stream draws from its own stream of it. */
    seed: z.number().int().nonnegative(),
    /** Number of boolean input features (identity embedding). */
    m: z.number().int().min(3).max(100_000),
    /** Compositeness values: exactly s features are on in every input. */
    sValues: z.array(z.number().int().min(2).max(64)).min(1),
    /** Widths d, ascending; the readoff at width d uses the first d neurons of one layer of the largest width. */
    widths: z
      .array(z.number().int().min(1).max(8192))
      .min(2)
      .refine((w) => w.every((d, k) => k === 0 || d > w[k - 1]), 'widths must be strictly ascending'),
    /** Independent random layers (the seeds whose spread is reported). */
    layers: z.number().int().min(1).max(20),
    /** Test inputs per layer, per s and per case (x_i, x_j); each draws a fresh random pair. */
    samplesPerCase: z.number().int().min(10),
  })
  .strict();

const READOFFS = ['sign', 'product'] as const;
const CASE_KEYS = ['00', '10', '01', '11', 'all'] as const;

const result = z.object({
  /** The configuration values the prose quotes. */
  setup: z.object({ m: z.number(), dMin: z.number(), dMax: z.number(), layers: z.number() }),
  theory: z.object({
    /** c(2) by quadrature and in closed form (√2−1)/√π. */
    c2Quadrature: z.number(),
    c2Closed: z.number(),
    perS: z.array(
      z.object({
        s: z.number().int(),
        /** Sign-readoff constant c(s), by quadrature. */
        c: z.number(),
        /** Product-readoff constant 1/√(2πs). */
        cProd: z.number(),
        /** K(s) = √(s/2)/c(s): RMS·√d of the sign readoff on the zero cases. */
        kSign: z.number(),
        /** RMS·√d on (1,1), and pooled over the four balanced cases, for both readoffs. */
        kSign11: z.number(),
        kSignAll: z.number(),
        kProd00: z.number(),
        kProd10: z.number(),
        kProd11: z.number(),
        kProdAll: z.number(),
        /** Width at which the pooled RMS reaches 0.1: (K/0.1)². */
        dForRmsTenthSign: z.number(),
        dForRmsTenthProduct: z.number(),
      }),
    ),
  }),
  /** Tidy rows: one per (s, d, readoff, case), measured across layers beside the prediction. */
  curves: z.array(
    z.object({
      s: z.number().int(),
      d: z.number().int(),
      readoff: z.enum(READOFFS),
      case: z.enum(CASE_KEYS),
      rms: meanSdSchema,
      predictedRms: z.number(),
      /** Mean error (bias): mean and sd across layers, and |mean| as a share of the predicted RMS. */
      bias: meanSdSchema,
      biasOverRms: z.number(),
      maxAbs: meanSdSchema,
    }),
  ),
  /** Per (s, readoff): log-log slope of the pooled RMS against d and the fitted constant RMS·√d vs predicted. */
  fits: z.array(
    z.object({
      s: z.number().int(),
      readoff: z.enum(READOFFS),
      slope: meanSdSchema,
      /** Slope pooled over layers with a bootstrap interval resampling layers. */
      slopeInterval: exponentIntervalSchema,
      k: meanSdSchema,
      kPredicted: z.number(),
      ratio: meanSdSchema,
      /** Worst per-case ratio of fitted to predicted constant (seed means). */
      caseRatioMin: z.number(),
      caseRatioMax: z.number(),
    }),
  ),
  summary: z.object({
    slopeMin: z.number(),
    /** Lowest lower and highest upper end of the slopes' bootstrap intervals. */
    slopeLoMin: z.number(),
    slopeHiMax: z.number(),
    slopeMax: z.number(),
    /** Extremes over every (s, readoff, case) of the seed-mean ratio of measured to predicted constant. */
    ratioMin: z.number(),
    ratioMax: z.number(),
    /** Largest |bias| over every (s, d, readoff, case), as a share of that row's predicted RMS. */
    maxAbsBiasOverRms: z.number(),
    samplesPerPoint: z.number().int(),
  }),
});
/** The experiment's results, as stored in its artifact and read by its figures. */
export type KaarelWidthSweepResult = z.output<typeof result>;

export const kaarelWidthSweep = defineExperiment({
  id: 'kaarel-width-sweep',
  title: "Kaarel's random-layer AND readoff: error against width",
  description:
    'A frozen N(0,1) ReLU layer with zero bias. The AND of features i, j is read off with r_k = sign(W_ik W_jk)/(d·c(s)) and with r_k = W_ik W_jk/(d·c_prod), constants from closed forms, nothing fitted. Bias and RMS error per case (x_i, x_j) are measured against the width d and compared with the predicted K/√d.',
  module: import.meta.url,
  config,
  profiles: {
    quick: { seed: 0, m: 200, sValues: [2, 3, 4, 6], widths: [64, 128, 256, 512, 1024], layers: 3, samplesPerCase: 400 },
    full: { seed: 0, m: 200, sValues: [2, 3, 4, 6], widths: [64, 128, 256, 512, 1024, 2048, 4096], layers: 5, samplesPerCase: 1200 },
  },
  result,
  timeLimitSeconds: { quick: 60, full: 300 },
  async run(cfg, ctx) {
    const { m, widths, layers } = cfg;
    const dMax = widths[widths.length - 1];
    const nW = widths.length;
    // acc[layer][s][readoff][width][case]
    const acc = Array.from({ length: layers }, () =>
      cfg.sValues.map(() => READOFFS.map(() => widths.map(() => CASES.map(() => new ErrorAccumulator())))),
    );
    const h = new Float32Array(dMax);
    const sumSign = new Float64Array(nW);
    const sumProd = new Float64Array(nW);
    const bar = ctx.progress('layers × s', layers * cfg.sValues.length);
    for (let t = 0; t < layers; t++) {
      const W = gaussianLayer(ctx.rng(`layer${t}`), m, dMax);
      cfg.sValues.forEach((s, si) => {
        ctx.signal.throwIfAborted();
        const rng = ctx.rng(`samples/layer${t}/s${s}`);
        const c = signConstant(s);
        const cProd = productConstant(s);
        CASES.forEach(([a, b], ci) => {
          const target = andTarget(a, b);
          for (let n = 0; n < cfg.samplesPerCase; n++) {
            const [i, j] = rng.sampleDistinct(m, 2);
            hiddenActivations(W, dMax, pairCaseActive(rng, m, s, i, j, a, b), h);
            prefixPairSums(W.subarray(i * dMax, (i + 1) * dMax), W.subarray(j * dMax, (j + 1) * dMax), h, widths, sumSign, sumProd);
            for (let w = 0; w < nW; w++) {
              acc[t][si][0][w][ci].add(sumSign[w] / (widths[w] * c) - target);
              acc[t][si][1][w][ci].add(sumProd[w] / (widths[w] * cProd) - target);
            }
          }
        });
        bar.tick();
      });
    }
    bar.done();

    const predictK = (readoff: (typeof READOFFS)[number], s: number, ci: number) => {
      const [a, b] = CASES[ci];
      return (readoff === 'sign' ? signAndPrediction : productAndPrediction)(s, a, b).k;
    };
    const pooledK = (readoff: (typeof READOFFS)[number], s: number) => Math.sqrt(CASES.reduce((sum, _, ci) => sum + predictK(readoff, s, ci) ** 2, 0) / CASES.length);

    const curves: z.input<typeof result>['curves'] = [];
    const fits: z.input<typeof result>['fits'] = [];
    cfg.sValues.forEach((s, si) => {
      READOFFS.forEach((readoff, ri) => {
        const kByCase = CASES.map((_, ci) => predictK(readoff, s, ci));
        const kAll = pooledK(readoff, s);
        // Per layer: RMS at each width per case and pooled over the balanced cases.
        const rmsOf = (t: number, w: number, ci: number | 'all') =>
          ci === 'all' ? Math.sqrt(acc[t][si][ri][w].reduce((sum, e) => sum + e.rms ** 2, 0) / CASES.length) : acc[t][si][ri][w][ci].rms;
        widths.forEach((d, w) => {
          CASE_KEYS.forEach((key, kc) => {
            const ci = key === 'all' ? ('all' as const) : kc;
            const perLayer = (f: (e: ErrorAccumulator[]) => number) => acc.map((L) => f(ci === 'all' ? L[si][ri][w] : [L[si][ri][w][ci]]));
            const predictedRms = (ci === 'all' ? kAll : kByCase[ci]) / Math.sqrt(d);
            const bias = meanSd(perLayer((es) => es.reduce((sum, e) => sum + e.sum, 0) / es.reduce((n, e) => n + e.count, 0)));
            curves.push({
              s,
              d,
              readoff,
              case: key,
              rms: meanSd(acc.map((_, t) => rmsOf(t, w, ci))),
              predictedRms,
              bias,
              biasOverRms: Math.abs(bias.mean) / predictedRms,
              maxAbs: meanSd(perLayer((es) => Math.max(...es.map((e) => e.maxAbs)))),
            });
          });
        });
        // Constant at the theory's slope −1/2: geometric mean of RMS·√d over widths.
        const fittedK = (t: number, ci: number | 'all') => Math.exp(widths.reduce((sum, d, w) => sum + Math.log(rmsOf(t, w, ci) * Math.sqrt(d)), 0) / nW);
        const caseRatios = CASES.map((_, ci) => meanSd(acc.map((_, t) => fittedK(t, ci))).mean / kByCase[ci]);
        const k = meanSd(acc.map((_, t) => fittedK(t, 'all')));
        fits.push({
          s,
          readoff,
          slope: meanSd(acc.map((_, t) => logLogSlope(widths, widths.map((_, w) => rmsOf(t, w, 'all'))))),
          slopeInterval: pooledExponent(widths, acc.map((_, t) => widths.map((_, w) => rmsOf(t, w, 'all'))), ctx.rng(`bootstrap/${s}/${readoff}`)),
          k,
          kPredicted: kAll,
          ratio: meanSd(acc.map((_, t) => fittedK(t, 'all') / kAll)),
          caseRatioMin: Math.min(...caseRatios),
          caseRatioMax: Math.max(...caseRatios),
        });
      });
    });

    return {
      setup: { m, dMin: widths[0], dMax, layers },
      theory: {
        c2Quadrature: signConstant(2),
        c2Closed: SIGN_CONSTANT_S2,
        perS: cfg.sValues.map((s) => ({
          s,
          c: signConstant(s),
          cProd: productConstant(s),
          kSign: kaarelK(s),
          kSign11: signAndPrediction(s, 1, 1).k,
          kSignAll: pooledK('sign', s),
          kProd00: productAndPrediction(s, 0, 0).k,
          kProd10: productAndPrediction(s, 1, 0).k,
          kProd11: productAndPrediction(s, 1, 1).k,
          kProdAll: pooledK('product', s),
          dForRmsTenthSign: (pooledK('sign', s) / 0.1) ** 2,
          dForRmsTenthProduct: (pooledK('product', s) / 0.1) ** 2,
        })),
      },
      curves,
      fits,
      summary: {
        slopeMin: Math.min(...fits.map((f) => f.slope.mean)),
        slopeLoMin: Math.min(...fits.map((f) => f.slopeInterval.lo)),
        slopeHiMax: Math.max(...fits.map((f) => f.slopeInterval.hi)),
        slopeMax: Math.max(...fits.map((f) => f.slope.mean)),
        ratioMin: Math.min(...fits.flatMap((f) => [f.ratio.mean, f.caseRatioMin])),
        ratioMax: Math.max(...fits.flatMap((f) => [f.ratio.mean, f.caseRatioMax])),
        maxAbsBiasOverRms: Math.max(...curves.map((r) => r.biasOverRms)),
        samplesPerPoint: layers * cfg.samplesPerCase,
      },
    };
  },
});
