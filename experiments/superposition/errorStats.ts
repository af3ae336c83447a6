import { quantileSorted } from '../lib/stats';

/** Summaries of readoff errors (readoff − target). */

export interface ErrorSummary {
  count: number;
  /** Mean signed error: the bias. */
  mean: number;
  /** Root mean square error. */
  rms: number;
  /** 99th percentile of |error|. */
  p99Abs: number;
  maxAbs: number;
  /** Share of |error| strictly below the affine baseline's 1/4. */
  fracBelowQuarter: number;
}

export function summarizeErrors(errors: ArrayLike<number>): ErrorSummary {
  const n = errors.length;
  if (n === 0) throw new Error('summarizeErrors: no errors to summarize');
  let sum = 0;
  let sq = 0;
  let below = 0;
  const abs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const e = errors[i];
    sum += e;
    sq += e * e;
    abs[i] = Math.abs(e);
    if (abs[i] < 0.25) below++;
  }
  abs.sort();
  return { count: n, mean: sum / n, rms: Math.sqrt(sq / n), p99Abs: quantileSorted(abs, 0.99), maxAbs: abs[n - 1], fracBelowQuarter: below / n };
}
