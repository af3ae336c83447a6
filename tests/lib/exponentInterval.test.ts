import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { pooledExponent } from '../../experiments/lib/exponentInterval';

describe('pooled exponent with a bootstrap interval over units', () => {
  it('recovers an exact power law with a zero-width interval', () => {
    const xs = [1, 2, 4, 8];
    const ys = [0, 1, 2].map((u) => xs.map((x) => (u + 1) * 0 + 3 * x ** -0.5));
    const e = pooledExponent(xs, ys, new Rng(1, 't'));
    expect(e.estimate).toBeCloseTo(-0.5, 12);
    expect(e.hi - e.lo).toBeLessThan(1e-12);
  });
  it('covers the true exponent when units carry independent noise, and widens with it', () => {
    const rng = new Rng(2, 'noise');
    const xs = [10, 20, 40, 80, 160];
    const noisy = (sd: number) => Array.from({ length: 6 }, () => xs.map((x) => 2 * x ** -0.4 * Math.exp(sd * rng.normal())));
    const a = pooledExponent(xs, noisy(0.02), new Rng(3, 'b'));
    const b = pooledExponent(xs, noisy(0.2), new Rng(3, 'b'));
    expect(a.lo).toBeLessThan(-0.4);
    expect(a.hi).toBeGreaterThan(-0.4);
    expect(b.hi - b.lo).toBeGreaterThan(a.hi - a.lo);
  });
});
