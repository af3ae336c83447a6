import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { CORNER_DESIGN, minimaxAffine, mseAffine } from './affineReadoff';
import { lpAffineFit } from './lpAffineFit';
import { CASES, andTarget, xorTarget } from './sparseInputs';

const config = z
  .object({
    /** Recorded for provenance; this experiment draws nothing at random. */
    seed: z.number().int().nonnegative(),
    /** Probabilities q that a feature is on, for the loss-weighted fits. */
    qs: z.array(z.number().gt(0).lt(1)).min(1),
    /** Exponents p of the weighted L_p loss (2 is least squares). */
    ps: z.array(z.number().min(2).max(64)).min(1),
    /** The q quoted in the text: s/m of the frozen-layer experiment (3/50). */
    headlineQ: z.number().gt(0).lt(1),
  })
  .strict();

const fit = z.object({ coef: z.array(z.number()), errors: z.array(z.number()), maxAbsError: z.number() });

const result = z.object({
  /** Best worst-case affine readoffs of the two inputs. */
  andMinimax: fit,
  xorMinimax: fit,
  /** Loss-weighted L_p fits under independent Bernoulli(q) inputs: the (1,1) error and the worst error. */
  /** AND at q = headlineQ: the (1,1) error of the least-squares (p = 2) and p = 6 readoffs. */
  headline: z.object({ q: z.number(), mseOnesError: z.number(), p6OnesError: z.number(), p6MaxAbsError: z.number() }),
  lpFits: z.array(z.object({ fn: z.enum(['AND', 'XOR']), q: z.number(), p: z.number(), onesError: z.number(), maxAbsError: z.number(), closedFormMseOnesError: z.number().nullable() })),
});
/** The experiment's results, as stored in its artifact and read by its figures. */
export type AffineBaselineResult = z.output<typeof result>;

const errorsOf = (coef: number[], y: number[]) => CORNER_DESIGN.map((row, k) => row.reduce((s, a, j) => s + a * coef[j], 0) - y[k]);

export const affineBaseline = defineExperiment({
  id: 'affine-baseline',
  title: 'The best affine readoff of the raw inputs',
  description:
    'Exact minimax affine readoffs of AND (error 1/4) and XOR (error 1/2) from the two inputs, and how the readoff that minimises a probability-weighted L_p loss fails on the rare (1,1) inputs unless p is large.',
  module: import.meta.url,
  config,
  profiles: {
    quick: { seed: 0, qs: [0.01, 0.1, 0.3], ps: [2, 6], headlineQ: 0.06 },
    full: { seed: 0, qs: [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5], ps: [2, 4, 6, 10, 16], headlineQ: 0.06 },
  },
  result,
  async run(cfg) {
    const yAnd = CASES.map(([a, b]) => andTarget(a, b));
    const yXor = CASES.map(([a, b]) => xorTarget(a, b));
    const lpFits = [];
    for (const [fn, y] of [['AND', yAnd], ['XOR', yXor]] as const) {
      for (const q of cfg.qs) {
        const w = CASES.map(([a, b]) => (a ? q : 1 - q) * (b ? q : 1 - q));
        for (const p of cfg.ps) {
          const coef = p === 2 ? mseAffine(y, q).coef : lpAffineFit(CORNER_DESIGN, y, w, p);
          const errors = errorsOf(coef, y);
          lpFits.push({
            fn, q, p,
            onesError: fn === 'AND' ? errors[3] : (errors[1] + errors[2]) / 2,
            maxAbsError: Math.max(...errors.map(Math.abs)),
            // Least squares has a closed form for AND: q·x_i + q·x_j − q², missing (1,1) by (1−q)².
            closedFormMseOnesError: fn === 'AND' && p === 2 ? -((1 - q) ** 2) : null,
          });
        }
      }
    }
    const hq = cfg.headlineQ;
    const hw = CASES.map(([a, b]) => (a ? hq : 1 - hq) * (b ? hq : 1 - hq));
    const p6 = errorsOf(lpAffineFit(CORNER_DESIGN, yAnd, hw, 6), yAnd);
    const headline = { q: hq, mseOnesError: mseAffine(yAnd, hq).errors[3], p6OnesError: p6[3], p6MaxAbsError: Math.max(...p6.map(Math.abs)) };
    return { headline, andMinimax: minimaxAffine(CORNER_DESIGN, yAnd), xorMinimax: minimaxAffine(CORNER_DESIGN, yXor), lpFits };
  },
});
