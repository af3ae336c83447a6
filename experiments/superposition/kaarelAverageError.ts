/**
 * The statistic Jake Mendel's error-scaling comment names: the *average* (mean absolute) error of Kaarel's sign
 * readoff, as a constant times 1/√d, against compositeness s, with the RMS constant beside it.
 */
import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { meanSdWithValues as meanSd, meanSdValuesSchema } from '../lib/stats';
import { prefixPairSums, signConstant } from './kaarelReadoff';
import { gaussianLayer, hiddenActivations } from './randomLayer';
import { CASES, andTarget, pairCaseActive } from './sparseInputs';

const config = z
  .object({
    /** Base seed; layer t draws its weights and inputs from streams labelled `layer{t}/…`. */
    seed: z.number().int().nonnegative(),
    /** Features (identity embeddings; no superposition). */
    m: z.number().int().min(20),
    /** Width of the random layer. */
    d: z.number().int().min(2),
    /** Compositeness values: exactly s features on in every input. */
    sValues: z.array(z.number().int().min(2).max(64)).min(1),
    /** Independent random layers (the spread across them is the error bar). */
    layers: z.number().int().min(1).max(20),
    /** Inputs per layer, s and case (x_i, x_j), each with a fresh random pair. */
    samplesPerCase: z.number().int().min(1),
    /** The constant the comment bounds. */
    bound: z.number().positive(),
  })
  .strict();

const stat = meanSdValuesSchema;
/** √d·mean|error| and √d·RMS (mean ± sd over layers). */
const constants = z.object({ meanAbs: stat, rms: stat });
const sRow = z.object({
  s: z.number().int(),
  /** Per case: 00 (neither on), one (10 and 01 pooled), 11. */
  byCase: z.object({ '00': constants, one: constants, '11': constants }),
  /** Every pair of an s-sparse input, weighted as they occur: C(s,2) pairs 11, s(m−s) one on, C(m−s,2) 00. */
  allPairs: constants,
  /** The four cases (00, 10, 01, 11) weighted equally, as the page's RMS constants are. */
  balanced: constants,
});

const result = z.object({
  rows: z.array(sRow),
  /**
   * The largest s (of sValues, counting up from the smallest) at which the mean-|error| constant (mean over layers)
   * is below `bound`; 0 if not even the first: over all pairs, with the cases balanced, and on the 11 case alone.
   * The RMS constants' counterparts beside them.
   */
  maxSBelowBound: z.object({ allPairsMeanAbs: z.number().int(), balancedMeanAbs: z.number().int(), onesMeanAbs: z.number().int(), allPairsRms: z.number().int(), balancedRms: z.number().int(), onesRms: z.number().int() }),
  /** The smallest and largest s, and the constants there, named for prose. */
  first: sRow,
  last: sRow,
  /** mean|e| / RMS, all pairs, at the smallest s (a Gaussian error gives √(2/π) ≈ 0.80). */
  meanAbsOverRmsFirst: z.number(),
});
/** The experiment's results, as stored in its artifact and read by its figures. */
export type KaarelAverageErrorResult = z.output<typeof result>;

type CaseSums = { abs: number; sq: number; n: number };
/** What a layer's unit returns: per s, per case (00, 10, 01, 11), sums of |e| and e². */
interface LayerPartial {
  sums: CaseSums[][];
}

/** √d·mean|e| and √d·RMS of a case from its sums. */
const constantsOf = (c: CaseSums, d: number) => ({ meanAbs: (Math.sqrt(d) * c.abs) / c.n, rms: Math.sqrt((d * c.sq) / c.n) });

/**
 * Per layer and s, the constants of each case and of the two mixtures: all pairs weighted as they occur at m, and the
 * four cases balanced. Mixtures weight each case's mean |e| and mean e² (not its sample count).
 */
export function layerConstants(sums: CaseSums[], s: number, m: number, d: number) {
  const [c00, c10, c01, c11] = sums.map((c) => ({ abs: c.abs / c.n, sq: c.sq / c.n }));
  const one = { abs: (c10.abs + c01.abs) / 2, sq: (c10.sq + c01.sq) / 2 };
  const w11 = (s * (s - 1)) / 2;
  const wOne = s * (m - s);
  const w00 = ((m - s) * (m - s - 1)) / 2;
  const total = w11 + wOne + w00;
  const mix = (parts: { abs: number; sq: number }[], weights: number[]) => {
    const sum = weights.reduce((a, b) => a + b, 0);
    return {
      meanAbs: Math.sqrt(d) * parts.reduce((acc, p, i) => acc + (weights[i] / sum) * p.abs, 0),
      rms: Math.sqrt(d * parts.reduce((acc, p, i) => acc + (weights[i] / sum) * p.sq, 0)),
    };
  };
  return {
    byCase: { '00': mix([c00], [1]), one: mix([one], [1]), '11': mix([c11], [1]) },
    allPairs: mix([c00, one, c11], [w00 / total, wOne / total, w11 / total]),
    balanced: mix([c00, c10, c01, c11], [1, 1, 1, 1]),
  };
}

export const kaarelAverageError = defineExperiment({
  id: 'kaarel-average-error',
  title: "The average error of Kaarel's readoff, as the comment states it",
  description:
    "Kaarel's closed-form sign readoff of every AND from a frozen N(0,1) ReLU layer with zero bias, m = 200 features, exactly s on. Measures the mean absolute error times √d (the comment's 'average error … Θ(1/√d) with a constant … less than 10') and the RMS constant beside it, per case, over all pairs as they occur, and with the four cases balanced, for s from 2 to 16.",
  module: import.meta.url,
  config,
  profiles: {
    quick: { seed: 0, m: 200, d: 512, sValues: [2, 4, 8], layers: 2, samplesPerCase: 150, bound: 10 },
    full: { seed: 0, m: 200, d: 512, sValues: [2, 3, 4, 6, 8, 12, 16], layers: 5, samplesPerCase: 800, bound: 10 },
  },
  result,
  timeLimitSeconds: { quick: 60, full: 600 },
  unitGrid: ['layers'],
  units: (cfg) => Array.from({ length: cfg.layers }, (_, t) => ({ label: `layer${t}`, layer: t })),
  async runUnit(cfg, unit, ctx): Promise<LayerPartial> {
    const { m, d } = cfg;
    const W = gaussianLayer(ctx.rng(`layer${unit.layer}/weights`), m, d);
    const row = (l: number) => W.subarray(l * d, (l + 1) * d);
    const h = new Float32Array(d);
    const signSum = new Float64Array(1);
    const prodSum = new Float64Array(1);
    const sums = cfg.sValues.map((s) => {
      ctx.signal.throwIfAborted();
      const c = signConstant(s);
      const rng = ctx.rng(`layer${unit.layer}/s${s}`);
      return CASES.map(([a, b]) => {
        const acc = { abs: 0, sq: 0, n: 0 };
        for (let n = 0; n < cfg.samplesPerCase; n++) {
          const [i, j] = rng.sampleDistinct(m, 2);
          hiddenActivations(W, d, pairCaseActive(rng, m, s, i, j, a, b), h);
          prefixPairSums(row(i), row(j), h, [d], signSum, prodSum);
          const e = signSum[0] / (d * c) - andTarget(a, b);
          acc.abs += Math.abs(e);
          acc.sq += e * e;
          acc.n++;
        }
        return acc;
      });
    });
    return { sums };
  },
  merge(cfg, partials) {
    const { m, d } = cfg;
    const across = (list: { meanAbs: number; rms: number }[]) => ({ meanAbs: meanSd(list.map((x) => x.meanAbs)), rms: meanSd(list.map((x) => x.rms)) });
    const rows = cfg.sValues.map((s, si) => {
      const perLayer = partials.map((p) => layerConstants(p.sums[si], s, m, d));
      return {
        s,
        byCase: { '00': across(perLayer.map((l) => l.byCase['00'])), one: across(perLayer.map((l) => l.byCase.one)), '11': across(perLayer.map((l) => l.byCase['11'])) },
        allPairs: across(perLayer.map((l) => l.allPairs)),
        balanced: across(perLayer.map((l) => l.balanced)),
      };
    });
    const maxS = (pick: (r: (typeof rows)[number]) => number) => {
      let best = 0;
      for (const r of rows) {
        if (pick(r) < cfg.bound) best = r.s;
        else break;
      }
      return best;
    };
    return {
      rows,
      maxSBelowBound: {
        allPairsMeanAbs: maxS((r) => r.allPairs.meanAbs.mean),
        balancedMeanAbs: maxS((r) => r.balanced.meanAbs.mean),
        onesMeanAbs: maxS((r) => r.byCase['11'].meanAbs.mean),
        allPairsRms: maxS((r) => r.allPairs.rms.mean),
        balancedRms: maxS((r) => r.balanced.rms.mean),
        onesRms: maxS((r) => r.byCase['11'].rms.mean),
      },
      first: rows[0],
      last: rows[rows.length - 1],
      meanAbsOverRmsFirst: rows[0].allPairs.meanAbs.mean / rows[0].allPairs.rms.mean,
    };
  },
});
