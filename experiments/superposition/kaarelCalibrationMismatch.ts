import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { ErrorAccumulator, meanSd, meanSdSchema } from '../lib/stats';
import { FEATURE_CONSTANT, featureSum, prefixPairSums, productAndPrediction, productConstant, signAndPrediction, signConstant, signReadoffMoments, xorPrediction } from './kaarelReadoff';
import { gaussianLayer, hiddenActivations } from './randomLayer';
import { CASES, andTarget, pairCaseActive, xorTarget } from './sparseInputs';

const config = z
  .object({
    /** Base seed: each layer and each (layer, s′) sample stream draw from their own streams of it. */
    seed: z.number().int().nonnegative(),
    /** Number of boolean input features (identity embedding). */
    m: z.number().int().min(3).max(100_000),
    /** Width of the frozen layer. */
    d: z.number().int().min(1).max(8192),
    /** The compositeness the readoffs' constants are calibrated for. */
    sCal: z.number().int().min(2).max(64),
    /** Compositeness of the test inputs. */
    sTest: z.array(z.number().int().min(2).max(64)).min(1),
    /** Independent random layers. */
    layers: z.number().int().min(1).max(20),
    /** Test inputs per layer, per s′ and per case; each draws a fresh random pair. */
    samplesPerCase: z.number().int().min(10),
  })
  .strict();

const READOFFS = ['and-sign', 'and-product', 'feature', 'xor'] as const;
type Readoff = (typeof READOFFS)[number];

const result = z.object({
  /** The configuration values the prose quotes. */
  setup: z.object({ d: z.number(), m: z.number(), layers: z.number() }),
  /** The calibration compositeness and its constants c(sCal), c_prod(sCal), and c1 = 1/√(2π). */
  constants: z.object({ sCal: z.number().int(), c: z.number(), cProd: z.number(), c1: z.number() }),
  /** One row per (s′, readoff, case): mean readoff and RMS error across layers beside the predictions. */
  rows: z.array(
    z.object({
      sTest: z.number().int(),
      readoff: z.enum(READOFFS),
      case: z.enum(['00', '10', '01', '11']),
      target: z.number(),
      mean: meanSdSchema,
      predictedMean: z.number(),
      rms: meanSdSchema,
      predictedRms: z.number(),
      /** (measured − predicted mean) in units of the readoff's predicted noise K/√d. */
      meanDeviation: z.number(),
    }),
  ),
  summary: z.object({
    /** Largest |measured − predicted mean| in units of K/√d, over every row. */
    maxMeanDeviation: z.number(),
    /** Largest |mean − target| over the zero cases of the AND readoffs: these stay unbiased whatever s′. */
    andZeroCaseMaxAbsBias: z.number(),
    /** Largest |predicted mean − target| over rows of the single-feature readoff (0 in theory for every s′). */
    featureMaxPredictedBias: z.number(),
    /** AND (1,1) mean of the sign and product readoffs at the smallest and largest s′, measured and predicted. */
    andSign11: z.object({ sLow: z.number(), low: z.number(), lowPredicted: z.number(), sHigh: z.number(), high: z.number(), highPredicted: z.number() }),
    andProduct11: z.object({ low: z.number(), lowPredicted: z.number(), high: z.number(), highPredicted: z.number() }),
    /** XOR (1,1) readoff (target 0) at the smallest and largest s′, measured and predicted 2 − 2c(s′)/c(sCal). */
    xor11: z.object({ low: z.number(), lowPredicted: z.number(), high: z.number(), highPredicted: z.number() }),
    /** Largest |XOR mean − target| at s′ = sCal, measured; and the predicted noise K/√d there. */
    xorMatchedMaxAbsBias: z.number(),
    xorMatchedNoise: z.number(),
  }),
});
/** The experiment's results, as stored in its artifact and read by its figures. */
export type KaarelCalibrationMismatchResult = z.output<typeof result>;

/** Predicted per-neuron mean and K of each readoff, calibrated at sCal, on inputs with s′ features on. */
function predict(readoff: Readoff, s: number, a: 0 | 1, b: 0 | 1, sCal: number): { mean: number; k: number } {
  if (readoff === 'and-sign') return signAndPrediction(s, a, b, sCal);
  if (readoff === 'and-product') return productAndPrediction(s, a, b, sCal);
  if (readoff === 'xor') return xorPrediction(s, a, b, sCal);
  const mom = signReadoffMoments((si) => si / FEATURE_CONSTANT, s, a, b);
  return { mean: mom.mean, k: Math.sqrt(mom.second - mom.mean ** 2) };
}

function targetOf(readoff: Readoff, a: number, b: number): number {
  return readoff === 'xor' ? xorTarget(a, b) : readoff === 'feature' ? a : andTarget(a, b);
}

export const kaarelCalibrationMismatch = defineExperiment({
  id: 'kaarel-calibration-mismatch',
  title: "Kaarel's readoff when the number of active features changes",
  description:
    'The constants of the random-layer readoffs depend on the compositeness s. Calibrate them at one s, test on inputs with s′ features on: the AND readoffs stay unbiased on the zero cases but their (1,1) mean becomes c(s′)/c(s); the single-feature readoff sign(W_ik)/(d·c1) is unbiased for every s′, and the XOR readoff r_i + r_j − 2r_ij inherits the AND bias.',
  module: import.meta.url,
  config,
  profiles: {
    quick: { seed: 0, m: 200, d: 1024, sCal: 4, sTest: [2, 4, 8], layers: 2, samplesPerCase: 300 },
    full: { seed: 0, m: 200, d: 2048, sCal: 4, sTest: [2, 3, 4, 5, 6, 7, 8], layers: 5, samplesPerCase: 600 },
  },
  result,
  timeLimitSeconds: { quick: 60, full: 300 },
  async run(cfg, ctx) {
    const { m, d, sCal, layers } = cfg;
    const c = signConstant(sCal);
    const cProd = productConstant(sCal);
    const c1 = FEATURE_CONSTANT;
    // acc[s′][layer][readoff][case] accumulates readoff − target.
    const acc = cfg.sTest.map(() => Array.from({ length: layers }, () => READOFFS.map(() => CASES.map(() => new ErrorAccumulator()))));
    const h = new Float32Array(d);
    const sums = [new Float64Array(1), new Float64Array(1)];
    const bar = ctx.progress('layers × s′', layers * cfg.sTest.length);
    for (let t = 0; t < layers; t++) {
      const W = gaussianLayer(ctx.rng(`layer${t}`), m, d);
      const row = (l: number) => W.subarray(l * d, (l + 1) * d);
      cfg.sTest.forEach((s, si) => {
        ctx.signal.throwIfAborted();
        const rng = ctx.rng(`samples/layer${t}/s${s}`);
        CASES.forEach(([a, b], ci) => {
          const cell = acc[si][t];
          for (let n = 0; n < cfg.samplesPerCase; n++) {
            const [i, j] = rng.sampleDistinct(m, 2);
            hiddenActivations(W, d, pairCaseActive(rng, m, s, i, j, a, b), h);
            prefixPairSums(row(i), row(j), h, [d], sums[0], sums[1]);
            const sumI = featureSum(row(i), h);
            const sumJ = featureSum(row(j), h);
            const sumIJ = sums[0][0];
            const sumP = sums[1][0];
            const and = sumIJ / (d * c);
            cell[0][ci].add(and - andTarget(a, b));
            cell[1][ci].add(sumP / (d * cProd) - andTarget(a, b));
            cell[2][ci].add(sumI / (d * c1) - a);
            cell[3][ci].add((sumI + sumJ) / (d * c1) - 2 * and - xorTarget(a, b));
          }
        });
        bar.tick();
      });
    }
    bar.done();

    const rows: z.input<typeof result>['rows'] = [];
    cfg.sTest.forEach((s, si) => {
      READOFFS.forEach((readoff, ri) => {
        CASES.forEach(([a, b], ci) => {
          const target = targetOf(readoff, a, b);
          const p = predict(readoff, s, a, b, sCal);
          const noise = p.k / Math.sqrt(d);
          const mean = meanSd(acc[si].map((L) => L[ri][ci].mean + target));
          rows.push({
            sTest: s,
            readoff,
            case: (['00', '10', '01', '11'] as const)[ci],
            target,
            mean,
            predictedMean: p.mean,
            rms: meanSd(acc[si].map((L) => L[ri][ci].rms)),
            predictedRms: Math.sqrt(noise ** 2 + (p.mean - target) ** 2),
            meanDeviation: (mean.mean - p.mean) / noise,
          });
        });
      });
    });
    const find = (s: number, readoff: Readoff, cs: string) => rows.find((r) => r.sTest === s && r.readoff === readoff && r.case === cs)!;
    const sLow = Math.min(...cfg.sTest);
    const sHigh = Math.max(...cfg.sTest);
    const pair = (readoff: Readoff) => ({
      low: find(sLow, readoff, '11').mean.mean,
      lowPredicted: find(sLow, readoff, '11').predictedMean,
      high: find(sHigh, readoff, '11').mean.mean,
      highPredicted: find(sHigh, readoff, '11').predictedMean,
    });
    const matchedXor = rows.filter((r) => r.readoff === 'xor' && r.sTest === sCal);
    return {
      setup: { d, m, layers },
      constants: { sCal, c, cProd, c1 },
      rows,
      summary: {
        maxMeanDeviation: Math.max(...rows.map((r) => Math.abs(r.meanDeviation))),
        andZeroCaseMaxAbsBias: Math.max(...rows.filter((r) => r.readoff.startsWith('and') && r.case !== '11').map((r) => Math.abs(r.mean.mean - r.target))),
        featureMaxPredictedBias: Math.max(...rows.filter((r) => r.readoff === 'feature').map((r) => Math.abs(r.predictedMean - r.target))),
        andSign11: { sLow, sHigh, ...pair('and-sign') },
        andProduct11: pair('and-product'),
        xor11: pair('xor'),
        xorMatchedMaxAbsBias: matchedXor.length ? Math.max(...matchedXor.map((r) => Math.abs(r.mean.mean - r.target))) : NaN,
        xorMatchedNoise: matchedXor.length ? Math.max(...matchedXor.map((r) => r.predictedRms)) : NaN,
      },
    };
  },
});
