import { describe, expect, it } from 'vitest';
import { logLogSlope, meanSd } from '../../experiments/superposition/seedStats';

describe('seed statistics', () => {
  it('logLogSlope recovers the exponent of an exact power law', () => {
    const x = [25, 50, 100, 200, 400];
    expect(logLogSlope(x, x.map((d) => 3 * d ** -0.5))).toBeCloseTo(-0.5, 12);
    expect(logLogSlope([2, 8], [5, 20])).toBeCloseTo(1, 12);
  });

  it('meanSd uses the n−1 sample standard deviation', () => {
    const r = meanSd([1, 2, 3, 6]);
    expect(r.mean).toBe(3);
    expect(r.sd).toBeCloseTo(Math.sqrt((4 + 1 + 0 + 9) / 3), 12);
    expect(meanSd([5]).sd).toBe(0);
  });
});
