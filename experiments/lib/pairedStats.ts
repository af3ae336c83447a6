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
  /**
   * Median over all samples of the floored log ratio: 0 where |a_i − b_i| ≤ floor (no difference the measurements
   * resolve), else log((a_i + floor)/(b_i + floor)). The floor is the caller's stated resolution of a and b (for
   * KLs: far above the float64 rounding of the sums they come from). Without it, pairs of rounding-level KLs entered
   * as the log of two rounding errors, and this median moved by up to 0.117 between two JavaScript engines whose
   * Math.exp/log differ in the last bit.
   */
  medianLogRatio: number;
  /** Share of samples with a_i − b_i > floor; pairs within the floor of each other count one half (a tie). */
  fracGreater: number;
}

/**
 * Ratio of means of paired measurements a_i, b_i with a percentile bootstrap over samples. `floor` (≥ 0, required):
 * the resolution of the measurements, used by the per-sample statistics (see RatioCi); the ratio of means and its
 * interval do not use it.
 */
export function ratioOfMeans(rng: Rng, a: ArrayLike<number>, b: ArrayLike<number>, resamples: number, floor: number): RatioCi {
  const n = a.length;
  if (b.length !== n) throw new Error(`ratioOfMeans: ${n} vs ${b.length} values`);
  if (!(floor >= 0)) throw new Error(`ratioOfMeans: floor must be a number ≥ 0, got ${floor}`);
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
  return { ratio: mean(a) / mean(b), lo: ci.lo, hi: ci.hi, ...flooredPairStats(a, b, floor) };
}

/** The per-sample statistics of RatioCi: the median floored log ratio and the share of a > b beyond the floor. */
export function flooredPairStats(a: ArrayLike<number>, b: ArrayLike<number>, floor: number): Pick<RatioCi, 'medianLogRatio' | 'fracGreater'> {
  const n = a.length;
  const logs = new Float64Array(n);
  let greater = 0;
  for (let i = 0; i < n; i++) {
    const diff = a[i] - b[i];
    const tie = Math.abs(diff) <= floor;
    logs[i] = tie ? 0 : Math.log1p(diff / (b[i] + floor));
    greater += tie ? 0.5 : diff > 0 ? 1 : 0;
  }
  return { medianLogRatio: n ? median(logs) : NaN, fracGreater: n ? greater / n : NaN };
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
