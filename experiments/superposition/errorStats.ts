import { quantileSorted } from '../lib/stats';

/** Summaries of readoff errors (readoff − target). */

export interface ErrorSummary {
  count: number;
  /** Mean signed error: the bias. */
  mean: number;
  /** Mean absolute error: the "average error" a source may name. */
  meanAbs: number;
  /** Root mean square error. */
  rms: number;
  /** 99th percentile of |error|. */
  p99Abs: number;
  maxAbs: number;
  /** Share of |error| strictly below `bound` (the caller's comparison, e.g. an affine readoff's minimax error). */
  fracBelow: number;
}

export function summarizeErrors(errors: ArrayLike<number>, bound: number): ErrorSummary {
  const n = errors.length;
  if (n === 0) throw new Error('summarizeErrors: no errors to summarize');
  if (!(bound > 0)) throw new Error(`summarizeErrors: bound must be positive, got ${bound}`);
  let sum = 0;
  let sumAbs = 0;
  let sq = 0;
  let below = 0;
  const abs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const e = errors[i];
    sum += e;
    sq += e * e;
    abs[i] = Math.abs(e);
    sumAbs += abs[i];
    if (abs[i] < bound) below++;
  }
  abs.sort();
  return { count: n, mean: sum / n, meanAbs: sumAbs / n, rms: Math.sqrt(sq / n), p99Abs: quantileSorted(abs, 0.99), maxAbs: abs[n - 1], fracBelow: below / n };
}
