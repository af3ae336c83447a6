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

/** Linear-interpolated quantile of an ascending array (the "type 7" definition). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export interface HistogramBin {
  x0: number;
  x1: number;
  count: number;
}

/** Equal-width bins on [lo, hi); values outside are clamped into the end bins so none is lost. */
export function histogram(values: ArrayLike<number>, lo: number, hi: number, bins: number): HistogramBin[] {
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor((values[i] - lo) / width)));
    counts[b]++;
  }
  return counts.map((count, b) => ({ x0: lo + b * width, x1: lo + (b + 1) * width, count }));
}
