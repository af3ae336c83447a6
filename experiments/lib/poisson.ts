import type { Rng } from '../runtime/rng';

/** Poisson draws (for bootstraps of counts) and exact upper confidence bounds on a Poisson mean. */

/** A Poisson(λ) draw: inversion for λ ≤ 100, a rounded normal above (enough for the spread a bootstrap needs). */
export function poisson(lambda: number, rng: Rng): number {
  if (lambda > 100) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rng.normal()));
  let k = 0;
  let p = Math.exp(-lambda);
  let cdf = p;
  const u = rng.uniform();
  while (u > cdf && k < 1000) {
    k++;
    p *= lambda / k;
    cdf += p;
  }
  return k;
}

/**
 * One-sided 95% upper confidence bound on a Poisson mean after `count` events: exact (bisection on the Poisson CDF)
 * up to 300 events, a normal approximation above. For count 0 it is −ln 0.05 ≈ 3.00: the "3/N" rule.
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
