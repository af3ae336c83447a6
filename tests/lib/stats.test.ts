import { describe, expect, it } from 'vitest';
import { fitLine, fitPowerLaw, logLogSlope } from '../../experiments/lib/fits';
import { ErrorAccumulator, histogram, meanSd, meanSdSchema, quantileSorted } from '../../experiments/lib/stats';

describe('seed statistics', () => {
  it('meanSd uses the n−1 sample standard deviation and matches its schema', () => {
    const r = meanSd([1, 2, 3, 6]);
    expect(r.mean).toBe(3);
    expect(r.sd).toBeCloseTo(Math.sqrt((4 + 1 + 0 + 9) / 3), 12);
    expect(meanSd([5]).sd).toBe(0);
    expect(meanSdSchema.parse(r)).toEqual(r);
    expect(() => meanSd([])).toThrow('no values');
  });

  it('quantileSorted is the type-7 quantile; histogram clamps outliers into the end bins', () => {
    // |e| sorted: 0, .1, .2, .3, .5; type-7 99th percentile = .3 + .96·(.5 − .3)
    expect(quantileSorted([0, 0.1, 0.2, 0.3, 0.5], 0.99)).toBeCloseTo(0.492, 12);
    expect(quantileSorted([1, 2, 3], 0.5)).toBe(2);
    const h = histogram([-1, 0.05, 0.1, 0.99, 5], 0, 1, 4);
    expect(h.map((b) => b.count)).toEqual([3, 0, 0, 2]);
    expect(h[1]).toMatchObject({ x0: 0.25, x1: 0.5 });
  });

  it('ErrorAccumulator agrees with direct sums', () => {
    const acc = new ErrorAccumulator();
    for (const e of [0.1, -0.3, 0.2]) acc.add(e);
    expect(acc.mean).toBeCloseTo(0, 12);
    expect(acc.rms).toBeCloseTo(Math.sqrt(0.14 / 3), 12);
    expect(acc.maxAbs).toBeCloseTo(0.3, 12);
  });
});

describe('fits', () => {
  it('logLogSlope recovers the exponent of an exact power law', () => {
    const x = [25, 50, 100, 200, 400];
    expect(logLogSlope(x, x.map((d) => 3 * d ** -0.5))).toBeCloseTo(-0.5, 12);
    expect(logLogSlope([2, 8], [5, 20])).toBeCloseTo(1, 12);
    expect(fitPowerLaw(x, x.map((d) => 3 * d ** -0.5)).prefactor).toBeCloseTo(3, 10);
  });

  it('fitLine gives the hand-computed slope, intercept and standard error', () => {
    // y = 1 + 2x with residuals +0.1, −0.1, −0.1, +0.1 at x = 0..3: slope 2, intercept 1; rss 0.04, sxx 5.
    const f = fitLine([0, 1, 2, 3], [1.1, 2.9, 4.9, 7.1]);
    expect(f.slope).toBeCloseTo(2, 12);
    expect(f.intercept).toBeCloseTo(1, 12);
    expect(f.slopeSe).toBeCloseTo(Math.sqrt(0.04 / 2 / 5), 12);
    expect(Number.isNaN(fitPowerLaw([1, 2], [0, 1]).exponent)).toBe(true);
  });
});
