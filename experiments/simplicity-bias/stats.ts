import type { FastNormal } from './fastNormal';

/** Small statistics for frequency estimates: ranks, least squares, Poisson draws and bounds. */

/** Ranks 1..n with ties given their average rank. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]] === values[order[i]]) j++;
    const r = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) ranks[order[t]] = r;
    i = j + 1;
  }
  return ranks;
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Spearman's rank correlation (Pearson correlation of average ranks). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new Error('spearman: lengths differ');
  if (x.length < 3) return NaN;
  return pearson(averageRanks(x), averageRanks(y));
}

/** Ordinary least-squares line y = slope·x + intercept. */
export function fitLine(x: readonly number[], y: readonly number[]): { slope: number; intercept: number } {
  const n = x.length;
  if (n < 2) return { slope: NaN, intercept: NaN };
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/** A Poisson(λ) draw: inversion for small λ, a rounded normal for λ > 100 (the bootstrap only needs the spread). */
export function poisson(lambda: number, g: FastNormal): number {
  if (lambda > 100) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * g.normal()));
  let k = 0;
  let p = Math.exp(-lambda);
  let cdf = p;
  const u = g.uniform();
  while (u > cdf && k < 1000) {
    k++;
    p *= lambda / k;
    cdf += p;
  }
  return k;
}

/**
 * One-sided 95% upper confidence bound on a Poisson mean after observing `count` events (exact, via the
 * chi-square / gamma relation, by bisection on the Poisson CDF). For count 0 it is −ln 0.05 ≈ 3.00: the "3/N" rule.
 */
export function poissonUpper95(count: number): number {
  if (count > 300) return count + 1.645 * Math.sqrt(count) + 1;
  const cdf = (k: number, mu: number) => {
    let p = Math.exp(-mu);
    let s = p;
    for (let i = 1; i <= k; i++) {
      p *= mu / i;
      s += p;
    }
    return s;
  };
  let lo = count;
  let hi = count + 10 + 6 * Math.sqrt(count + 1);
  for (let it = 0; it < 80; it++) {
    const mid = (lo + hi) / 2;
    if (cdf(count, mid) > 0.05) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Percentile (linear interpolation) of a sample. */
export function quantile(values: readonly number[], q: number): number {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const i = Math.floor(pos);
  return i + 1 < s.length ? s[i] + (pos - i) * (s[i + 1] - s[i]) : s[i];
}
