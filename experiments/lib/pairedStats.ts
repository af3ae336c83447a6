/**
 * Statistics of paired per-sample measurements: ratios of means with bootstrap intervals, percentiles within a
 * reference sample, and rank correlations (plain and partial).
 */
import type { Rng } from '../runtime/rng';
import { bootstrapInterval } from './bootstrap';
import { quantileSorted } from './stats';

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

/** Ranks 1..n, ties averaged. */
export function ranks(xs: ArrayLike<number>): Float64Array {
  const n = xs.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((i, j) => xs[i] - xs[j]);
  const r = new Float64Array(n);
  for (let s = 0; s < n; ) {
    let e = s;
    while (e + 1 < n && xs[idx[e + 1]] === xs[idx[s]]) e++;
    for (let t = s; t <= e; t++) r[idx[t]] = (s + e) / 2 + 1;
    s = e + 1;
  }
  return r;
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

export const spearman = (x: ArrayLike<number>, y: ArrayLike<number>) => pearson(ranks(x), ranks(y));

/** Spearman correlation of x and y with z partialled out: ρ_xy·z = (ρxy − ρxz ρyz)/√((1 − ρxz²)(1 − ρyz²)). */
export function partialSpearman(x: ArrayLike<number>, y: ArrayLike<number>, z: ArrayLike<number>): number {
  const rxy = spearman(x, y);
  const rxz = spearman(x, z);
  const ryz = spearman(y, z);
  const den = Math.sqrt((1 - rxz ** 2) * (1 - ryz ** 2));
  return den > 0 ? (rxy - rxz * ryz) / den : 0;
}
