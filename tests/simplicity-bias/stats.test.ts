import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { upperEnvelope } from '../../experiments/simplicity-bias/priorAnalysis';
import { poisson, poissonUpper95 } from '../../experiments/lib/poisson';
import { averageRanks, spearman } from '../../experiments/lib/ranks';
import { diagonalStrip, quadtreeMass, verticalStrip } from '../../experiments/simplicity-bias/stripCodes';

describe('statistics', () => {
  it('ranks ties by their average and computes Spearman', () => {
    expect(Array.from(averageRanks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // d = ranks differ by (0, 1, −1, 0): ρ = 1 − 6·2/(4·15) = 0.8.
    expect(spearman([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 12);
  });

  it('Poisson upper bounds match the exact values (3.00 for zero events, 16.96 for ten)', () => {
    expect(poissonUpper95(0)).toBeCloseTo(-Math.log(0.05), 6);
    expect(poissonUpper95(10)).toBeCloseTo(16.962, 2);
  });

  it('Poisson draws have the right mean and variance', () => {
    const g = new Rng(1, 'p');
    for (const lambda of [0.5, 7, 400]) {
      const xs = Array.from({ length: 20000 }, () => poisson(lambda, g));
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
      expect(Math.abs(m - lambda)).toBeLessThan(5 * Math.sqrt(lambda / xs.length));
      expect(v / lambda).toBeGreaterThan(0.93);
      expect(v / lambda).toBeLessThan(1.07);
    }
  });

  it('the envelope is a line through per-complexity maxima of trusted functions', () => {
    // Maxima at k = 1, 2, 3 are 2^−1, 2^−3, 2^−5 of N = 1024; untrusted counts (< 10) are ignored.
    const k = [1, 1, 2, 3, 3, 4];
    const counts = [512, 100, 128, 32, 12, 5];
    const env = upperEnvelope(k, counts, 1024);
    expect(env.points.map((p) => p.k)).toEqual([1, 2, 3]);
    expect(env.slope).toBeCloseTo(-2, 12);
    expect(env.intercept).toBeCloseTo(1, 12);
  });
});

describe('strip codes', () => {
  it('the mass of dyadic squares inside a strip converges to its area', () => {
    const a = verticalStrip(1 / 3, 1 / 64);
    const d = diagonalStrip(1 / 64);
    expect(d.area).toBeCloseTo(1 - (1 - Math.SQRT2 / 64) ** 2, 12);
    for (const r of [a, d]) {
      const m = quadtreeMass(r, 14).mass;
      expect(m).toBeLessThanOrEqual(r.area);
      expect(m / r.area).toBeGreaterThan(0.99);
    }
  });
});
