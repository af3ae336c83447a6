import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { fillTargets, pairCaseBernoulliActive } from '../../experiments/superposition/jakeReplication';

describe('jake-replication inputs', () => {
  it('fillTargets writes AND and XOR of each pair (hand-made 2-input batch)', () => {
    const x = Float32Array.from([1, 1, 0, 0, 1, 1]); // m = 3: inputs 110 and 011
    const pi = Int32Array.from([0, 0, 1]);
    const pj = Int32Array.from([1, 2, 2]);
    const and = new Float32Array(6);
    const xor = new Float32Array(6);
    fillTargets('and', x, 3, pi, pj, and);
    fillTargets('xor', x, 3, pi, pj, xor);
    expect(Array.from(and)).toEqual([1, 0, 0, 0, 0, 1]);
    expect(Array.from(xor)).toEqual([0, 1, 1, 1, 1, 0]);
  });

  it('pair-conditioned Bernoulli inputs fix (x_i, x_j) and leave the others on with probability q', () => {
    const rng = new Rng(2, 'bern');
    const [m, q, n] = [20, 0.15, 20000];
    const on = new Array<number>(m).fill(0);
    for (let t = 0; t < n; t++) {
      const active = pairCaseBernoulliActive(rng, m, q, 3, 11, 1, 0);
      expect(active).toContain(3);
      expect(active).not.toContain(11);
      for (const l of active) on[l]++;
    }
    // Binomial sd of a frequency is √(q(1−q)/n) ≈ 0.0025: allow 5 sd.
    on.forEach((c, l) => {
      if (l !== 3 && l !== 11) expect(Math.abs(c / n - q)).toBeLessThan(0.0127);
    });
  });
});
