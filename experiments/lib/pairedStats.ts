/**
 * Statistics of paired per-sample measurements: ratios of means with bootstrap intervals, percentiles within a
 * reference sample, and rank correlations (plain and partial).
 */
import type { Rng } from '../runtime/rng';
import { bootstrapInterval } from './bootstrap';
import { spearman } from './ranks';
import { quantileSorted } from './stats';

/**
 * Spearman's ρ is lib/ranks.ts's (one implementation for every page). It is NaN where the correlation is undefined
 * (fewer than 3 points, or a constant input): an undefined correlation never enters an average as 0, and a result
 * schema's `z.number()` rejects NaN, so a degenerate sample fails the run loudly instead of shifting a mean.
 */
export { spearman };

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Linear-interpolated quantile of unsorted values. */
export function quantile(xs: ArrayLike<number>, q: number): number {
  return xs.length === 0 ? NaN : quantileSorted(Float64Array.from(xs).sort(), q);
}

export const median = (xs: ArrayLike<number>) => quantile(xs, 0.5);

export interface RatioCi {
  /** mean(a)/mean(b) on all samples. */
  ratio: number;
  /** 2.5% and 97.5% percentile-bootstrap bounds, resampling samples (pairs kept together). */
  lo: number;
  hi: number;
  /** Median of per-sample log(a/b), over samples where both are positive. */
  medianLogRatio: number;
  /** Share of samples with a > b. */
  fracGreater: number;
}

/** Ratio of means of paired measurements a_i, b_i with a percentile bootstrap over samples. */
export function ratioOfMeans(rng: Rng, a: ArrayLike<number>, b: ArrayLike<number>, resamples: number): RatioCi {
  const n = a.length;
  if (b.length !== n) throw new Error(`ratioOfMeans: ${n} vs ${b.length} values`);
  const ci = bootstrapInterval(
    n,
    (idx) => {
      let sa = 0;
      let sb = 0;
      for (let i = 0; i < idx.length; i++) {
        sa += a[idx[i]];
        sb += b[idx[i]];
      }
      return sa / sb;
    },
    rng,
    { resamples },
  );
  const logs: number[] = [];
  let greater = 0;
  for (let i = 0; i < n; i++) {
    if (a[i] > 0 && b[i] > 0) logs.push(Math.log(a[i] / b[i]));
    if (a[i] > b[i]) greater++;
  }
  return { ratio: mean(a) / mean(b), lo: ci.lo, hi: ci.hi, medianLogRatio: logs.length ? median(logs) : NaN, fracGreater: greater / n };
}

/** Percentile (0–100) of v within values: the share of values below v, ties counted half. */
export function percentileOf(values: ArrayLike<number>, v: number): number {
  let below = 0;
  for (let i = 0; i < values.length; i++) below += values[i] < v ? 1 : values[i] === v ? 0.5 : 0;
  return (100 * below) / values.length;
}

/**
 * Spearman correlation of x and y with z partialled out: ρ_xy·z = (ρxy − ρxz ρyz)/√((1 − ρxz²)(1 − ρyz²)).
 * NaN where it is undefined: fewer than 3 points, a constant input, or x or y a monotone function of z (see `spearman`).
 */
export function partialSpearman(x: ArrayLike<number>, y: ArrayLike<number>, z: ArrayLike<number>): number {
  const rxy = spearman(x, y);
  const rxz = spearman(x, z);
  const ryz = spearman(y, z);
  const den = Math.sqrt((1 - rxz ** 2) * (1 - ryz ** 2));
  return den > 0 ? (rxy - rxz * ryz) / den : NaN;
}
