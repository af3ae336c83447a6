import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import type { Rng } from '../runtime/rng';
import { logLogSlope } from '../lib/fits';
import { exponentIntervalSchema, pooledExponent } from '../lib/exponentInterval';
import { ErrorAccumulator, meanSd, meanSdSchema } from '../lib/stats';
import { expectedMaxAbsNormal, prefixPairSums, signAndPrediction, signConstant } from './kaarelReadoff';
import { CASES, andTarget, pairCaseActive } from './sparseInputs';

const config = z
  .object({
    /** Base seed: each layer's rows and each (layer, m) sample stream draw from their own streams of it. */
    seed: z.number().int().nonnegative(),
    /** Width of the frozen layer. */
    d: z.number().int().min(1).max(8192),
    /** Compositeness: exactly s features on. */
    s: z.number().int().min(2).max(64),
    /** Numbers of features; layers are nested (row l is the same for every m), so only m changes. */
    mValues: z.array(z.number().int().min(3).max(10_000_000)).min(2),
    /** Independent random layers. */
    layers: z.number().int().min(1).max(20),
    /** Test inputs per layer, per m and per case; cases interleave, each input draws a fresh random pair. */
    samplesPerCase: z.number().int().min(10),
    /** Rows kept in memory per layer before the cache is dropped (a row costs 4·d bytes). */
    rowCache: z.number().int().min(100),
  })
  .strict();

const CASE_KEYS = ['00', '10', '01', '11', 'all'] as const;

const result = z.object({
  /** The configuration values the prose quotes. */
  setup: z.object({ d: z.number(), s: z.number(), mMin: z.number(), mMax: z.number(), layers: z.number() }),
  /** Sign readoff per (m, case): bias and RMS across layers beside the prediction (independent of m). */
  rows: z.array(
    z.object({
      m: z.number().int(),
      case: z.enum(CASE_KEYS),
      bias: meanSdSchema,
      rms: meanSdSchema,
      predictedRms: z.number(),
      rmsRatio: z.number(),
      maxAbs: meanSdSchema,
    }),
  ),
  /** Running max |error| after the first N evaluations, against the expected max of N Gaussians with the predicted RMS. */
  maxGrowth: z.array(
    z.object({
      m: z.number().int(),
      n: z.number().int(),
      maxAbs: meanSdSchema,
      predictedMax: z.number(),
      /** The cruder law RMS·√(2 ln N). */
      sqrtLogLaw: z.number(),
    }),
  ),
  summary: z.object({
    /** Log-log slope of pooled RMS against m (0 if flat), mean ± sd across layers. */
    rmsSlopeVsM: meanSdSchema,
    /** The same slope pooled over layers, with a bootstrap interval resampling layers. */
    rmsSlopeVsMInterval: exponentIntervalSchema,
    rmsRatioMin: z.number(),
    rmsRatioMax: z.number(),
    maxAbsBiasOverRms: z.number(),
    /** Predicted pooled RMS K/√d, and the measured one averaged over m and layers. */
    predictedRms: z.number(),
    meanRms: z.number(),
    /** At the largest N: expected max of N Gaussians with the predicted RMS, and the measured max averaged over m and layers. */
    predictedMaxAtN: z.number(),
    meanMaxAtN: z.number(),
    /** Measured over predicted max at the largest N, extremes over m (layer means). */
    maxRatioMin: z.number(),
    maxRatioMax: z.number(),
    /** Largest m over smallest, and how much the pooled RMS changed between them (layer means). */
    mSpan: z.number(),
    rmsChangeAcrossM: z.number(),
    evaluationsPerLayer: z.number().int(),
  }),
});
/** The experiment's results, as stored in its artifact and read by its figures. */
export type KaarelMIndependenceResult = z.output<typeof result>;

/** A Gaussian layer whose rows are generated on first use from a per-row stream, so m can be huge. */
class LazyGaussianLayer {
  private rows = new Map<number, Float32Array>();
  constructor(
    private readonly rng: Rng,
    readonly d: number,
    private readonly cacheLimit: number,
  ) {}

  row(l: number): Float32Array {
    let r = this.rows.get(l);
    if (!r) {
      if (this.rows.size >= this.cacheLimit) this.rows.clear();
      r = this.rng.child(`row${l}`).fillNormal(new Float32Array(this.d));
      this.rows.set(l, r);
    }
    return r;
  }
}

export const kaarelMIndependence = defineExperiment({
  id: 'kaarel-m-independence',
  title: "Kaarel's readoff does not care how many features there are",
  description:
    'The sign readoff r_k = sign(W_ik W_jk)/(d·c(s)) at fixed width and compositeness, with the number of features m from tens to 10⁵ (rows of W generated on demand). Bias and RMS should not depend on m; the largest error over N evaluations should follow the Gaussian-maximum law, which grows like √(2 ln N).',
  module: import.meta.url,
  config,
  profiles: {
    quick: { seed: 0, d: 512, s: 3, mValues: [50, 500, 5000, 100_000], layers: 2, samplesPerCase: 400, rowCache: 20_000 },
    full: { seed: 0, d: 512, s: 3, mValues: [50, 200, 1000, 5000, 20_000, 100_000], layers: 5, samplesPerCase: 2400, rowCache: 20_000 },
  },
  result,
  timeLimitSeconds: { quick: 60, full: 300 },
  async run(cfg, ctx) {
    const { d, s, layers } = cfg;
    const c = signConstant(s);
    const kByCase = CASES.map(([a, b]) => signAndPrediction(s, a, b).k);
    const kAll = Math.sqrt(kByCase.reduce((sum, k) => sum + k * k, 0) / kByCase.length);
    const total = CASES.length * cfg.samplesPerCase;
    const checkpoints: number[] = [];
    for (let n = 4; n <= total; n *= 4) checkpoints.push(n);
    if (checkpoints[checkpoints.length - 1] !== total) checkpoints.push(total);

    // acc[m][layer][case]; runningMax[m][layer][checkpoint]
    const acc = cfg.mValues.map(() => Array.from({ length: layers }, () => CASES.map(() => new ErrorAccumulator())));
    const runningMax = cfg.mValues.map(() => Array.from({ length: layers }, () => new Array<number>(checkpoints.length).fill(0)));
    const h = new Float32Array(d);
    const sumSign = new Float64Array(1);
    const sumProd = new Float64Array(1);
    const widths = [d];
    const bar = ctx.progress('layers × m', layers * cfg.mValues.length);
    for (let t = 0; t < layers; t++) {
      const layer = new LazyGaussianLayer(ctx.rng(`layer${t}`), d, cfg.rowCache);
      cfg.mValues.forEach((m, mi) => {
        ctx.signal.throwIfAborted();
        const rng = ctx.rng(`samples/layer${t}/m${m}`);
        let maxSoFar = 0;
        let next = 0;
        for (let n = 0; n < total; n++) {
          const ci = n % CASES.length;
          const [a, b] = CASES[ci];
          const [i, j] = rng.sampleDistinct(m, 2);
          h.fill(0);
          for (const l of pairCaseActive(rng, m, s, i, j, a, b)) {
            const row = layer.row(l);
            for (let k = 0; k < d; k++) h[k] += row[k];
          }
          for (let k = 0; k < d; k++) if (h[k] < 0) h[k] = 0;
          prefixPairSums(layer.row(i), layer.row(j), h, widths, sumSign, sumProd);
          const err = sumSign[0] / (d * c) - andTarget(a, b);
          acc[mi][t][ci].add(err);
          if (Math.abs(err) > maxSoFar) maxSoFar = Math.abs(err);
          if (n + 1 === checkpoints[next]) runningMax[mi][t][next++] = maxSoFar;
        }
        bar.tick();
      });
    }
    bar.done();

    const pooledRms = (es: ErrorAccumulator[]) => Math.sqrt(es.reduce((sum, e) => sum + e.rms ** 2, 0) / es.length);
    const rows: z.input<typeof result>['rows'] = [];
    cfg.mValues.forEach((m, mi) => {
      CASE_KEYS.forEach((key, kc) => {
        const cells = (t: number) => (key === 'all' ? acc[mi][t] : [acc[mi][t][kc]]);
        const predictedRms = (key === 'all' ? kAll : kByCase[kc]) / Math.sqrt(d);
        const rms = meanSd(acc[mi].map((_, t) => pooledRms(cells(t))));
        rows.push({
          m,
          case: key,
          bias: meanSd(acc[mi].map((_, t) => cells(t).reduce((sum, e) => sum + e.sum, 0) / cells(t).reduce((n, e) => n + e.count, 0))),
          rms,
          predictedRms,
          rmsRatio: rms.mean / predictedRms,
          maxAbs: meanSd(acc[mi].map((_, t) => Math.max(...cells(t).map((e) => e.maxAbs)))),
        });
      });
    });
    const sigma = kAll / Math.sqrt(d);
    const maxGrowth = cfg.mValues.flatMap((m, mi) =>
      checkpoints.map((n, p) => ({
        m,
        n,
        maxAbs: meanSd(runningMax[mi].map((r) => r[p])),
        predictedMax: sigma * expectedMaxAbsNormal(n),
        sqrtLogLaw: sigma * Math.sqrt(2 * Math.log(n)),
      })),
    );
    const last = maxGrowth.filter((g) => g.n === total).map((g) => g.maxAbs.mean / g.predictedMax);
    const allRows = rows.filter((r) => r.case === 'all');
    const rmsFirst = allRows[0].rms.mean;
    const rmsLast = allRows[allRows.length - 1].rms.mean;
    return {
      setup: { d, s, mMin: Math.min(...cfg.mValues), mMax: Math.max(...cfg.mValues), layers },
      rows,
      maxGrowth,
      summary: {
        rmsSlopeVsMInterval: pooledExponent(cfg.mValues, Array.from({ length: layers }, (_, t) => cfg.mValues.map((_, mi) => pooledRms(acc[mi][t]))), ctx.rng('bootstrap/slope')),
        rmsSlopeVsM: meanSd(Array.from({ length: layers }, (_, t) => logLogSlope(cfg.mValues, cfg.mValues.map((_, mi) => pooledRms(acc[mi][t]))))),
        rmsRatioMin: Math.min(...rows.map((r) => r.rmsRatio)),
        rmsRatioMax: Math.max(...rows.map((r) => r.rmsRatio)),
        maxAbsBiasOverRms: Math.max(...rows.map((r) => Math.abs(r.bias.mean) / r.predictedRms)),
        predictedRms: sigma,
        meanRms: allRows.reduce((sum, r) => sum + r.rms.mean, 0) / allRows.length,
        predictedMaxAtN: sigma * expectedMaxAbsNormal(total),
        meanMaxAtN: maxGrowth.filter((g) => g.n === total).reduce((sum, g) => sum + g.maxAbs.mean, 0) / cfg.mValues.length,
        maxRatioMin: Math.min(...last),
        maxRatioMax: Math.max(...last),
        mSpan: cfg.mValues[cfg.mValues.length - 1] / cfg.mValues[0],
        rmsChangeAcrossM: rmsLast / rmsFirst,
        evaluationsPerLayer: total,
      },
    };
  },
});
