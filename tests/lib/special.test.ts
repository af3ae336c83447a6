import { describe, expect, it } from 'vitest';
import { erf, gaussianIntegral, normalCdf, normalQuantile } from '../../experiments/lib/special';

describe('special functions', () => {
  it('normal CDF matches tabulated values to near double precision', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 14);
    expect(normalCdf(-1.959963984540054)).toBeCloseTo(0.025, 14);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 15);
    expect(normalCdf(-6) / 9.865876450376946e-10).toBeCloseTo(1, 10);
  });

  it('erf matches known values and is odd', () => {
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 14);
    expect(erf(2)).toBeCloseTo(0.9953222650189527, 14);
    expect(erf(-1)).toBeCloseTo(-0.8427007929497149, 14);
  });

  it('normalQuantile inverts normalCdf, including far tails, and knows tabulated quantiles', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.5)).toBe(0);
    for (const p of [1e-12, 1e-6, 0.01, 0.3, 0.7, 0.99, 1 - 1e-9]) {
      const x = normalQuantile(p);
      const back = p > 0.5 ? 1 - normalCdf(-x) : normalCdf(x);
      expect(Math.abs(back - p) / Math.min(p, 1 - p)).toBeLessThan(1e-7);
    }
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9);
    expect(() => normalQuantile(1.5)).toThrow('p must lie');
  });

  it('gaussianIntegral gives E[Z²] = 1 and P(Z > 1)', () => {
    expect(gaussianIntegral((u) => u * u, -12, 12)).toBeCloseTo(1, 10);
    expect(gaussianIntegral(() => 1, 1, 12)).toBeCloseTo(1 - normalCdf(1), 10);
  });
});
