import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { NormalStream } from '../../experiments/lib/normalStream';
import { subsetSimulation } from '../../experiments/lib/subsetSimulation';
import { fitLine } from '../../experiments/lib/fits';
import { npnClasses } from '../../experiments/simplicity-bias/npn';

/** P(χ²_6 < x) = P(3, x/2), the regularised lower gamma function, by its series Σ_{k≥3} e^{−y} y^k/k!. */
function chi2Cdf6(x: number): number {
  const y = x / 2;
  let term = (Math.exp(-y) * y ** 3) / 6;
  let s = 0;
  for (let k = 3; k < 400; k++) {
    s += term;
    term *= y / (k + 1);
  }
  return s;
}

describe('subset simulation', () => {
  it('estimates P(|w|² < t) for a 6-d standard normal down to 1e-12 within half a bit, and the volume exponent d = 6', () => {
    const ts = [0.5, 0.1, 0.01, 0.0025, 0.0004];
    const runs = 4;
    const mean = new Array(ts.length).fill(0);
    for (let r = 0; r < runs; r++) {
      const res = subsetSimulation(new Float64Array(6).fill(1), (w) => w.reduce((a, b) => a + b * b, 0), ts, { particles: 1000, levelProbability: 0.1, maxLevels: 40, movesPerState: 3 }, new NormalStream(new Rng(r, 'chi2')));
      res.probabilities.forEach((p, j) => (mean[j] += p / runs));
    }
    ts.forEach((t, j) => expect(Math.abs(Math.log2(mean[j]) - Math.log2(chi2Cdf6(t)))).toBeLessThan(0.5));
    expect(chi2Cdf6(0.0004)).toBeLessThan(2e-12);
    // log P against log ε (t = ε²) over the small thresholds: slope d = 6, i.e. λ = d/2 = 3 in K = |w|².
    const small = [2, 3, 4];
    const fit = fitLine(small.map((j) => Math.log2(Math.sqrt(ts[j]))), small.map((j) => Math.log2(mean[j])));
    expect(fit.slope).toBeGreaterThan(5.6);
    expect(fit.slope).toBeLessThan(6.4);
  });

  it('rejects a particle count that p0 does not divide', () => {
    expect(() => subsetSimulation(new Float64Array(2).fill(1), () => 1, [0.1], { particles: 1000, levelProbability: 0.3, maxLevels: 5, movesPerState: 1 }, new NormalStream(new Rng(1, 'x')))).toThrow(/divide/);
  });
});

describe('NPN classes', () => {
  it('number 2, 4, 14 and 222 for n = 1 … 4 (OEIS A000370), and partition all functions', () => {
    expect([1, 2, 3, 4].map((n) => npnClasses(n).length)).toEqual([2, 4, 14, 222]);
    for (const n of [2, 3]) expect(npnClasses(n).reduce((a, c) => a + c.members.length, 0)).toBe(2 ** (1 << n));
    // At n = 3 the parity class holds parity and its negation only.
    const parity = npnClasses(3).find((c) => c.members.includes(0x96))!;
    expect(parity.members).toEqual([0x69, 0x96]);
  });
});
