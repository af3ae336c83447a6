import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { layerFromWeights, sampleBernoulliLayer } from '../../experiments/superposition/bernoulliLayer';
import { correctedPairReadoff, correctedRmsApprox, correctionConstants, pairGroups } from '../../experiments/superposition/bernoulliCorrected';
import { CASES, pairCaseActive } from '../../experiments/superposition/sparseInputs';

describe('bias-corrected 0/1 readoff', () => {
  it('splits neurons into shared, α-only and β-only, and combines them as written out by hand', () => {
    // Neurons (rows) over features 0, 1, 2: n0 reads {0,1}, n1 reads {0,1,2}, n2 reads {0,2}, n3 reads {1}, n4 reads {2}.
    const layer = layerFromWeights(
      [
        [1, 1, 0],
        [1, 1, 1],
        [1, 0, 1],
        [0, 1, 0],
        [0, 0, 1],
      ],
      0.5,
    );
    const g = pairGroups(layer, 0, 1);
    expect(Array.from(g.shared)).toEqual([0, 1]);
    expect(Array.from(g.onlyA)).toEqual([2]);
    expect(Array.from(g.onlyB)).toEqual([3]);
    // Input {0, 2} (s′ = 1): outputs n0 = 0, n1 = 1, n2 = 1, n3 = 0, so shared mean ½, α-only 1, β-only 0.
    const { b0, scale } = correctionConstants(1, 0.5);
    expect(b0).toBeCloseTo(0.5 - 1 + 0.5, 12); // s′p − 1 + (1 − p)^s′ = 0
    expect(scale).toBeCloseTo(2, 12);
    expect(correctedPairReadoff(layer, g, [0, 2], 1)).toBeCloseTo((0.5 - 1 - 0 + b0) * scale, 12);
  });

  it('is unbiased in all four cases, with the leading-order RMS, on random layers (Monte Carlo)', () => {
    const m = 60;
    const d = 1500;
    const p = 0.3;
    const sPrime = 3;
    const rng = new Rng(11, 'corrected');
    const sums = CASES.map(() => ({ e: 0, e2: 0, n: 0 }));
    for (let L = 0; L < 4; L++) {
      const layer = sampleBernoulliLayer(rng, m, d, p);
      for (let t = 0; t < 60; t++) {
        const [i, j] = rng.sampleDistinct(m, 2);
        const g = pairGroups(layer, i, j);
        CASES.forEach(([a, b], ci) => {
          const active = pairCaseActive(rng, m, sPrime + a + b, i, j, a, b);
          const e = correctedPairReadoff(layer, g, active, sPrime) - (a & b);
          sums[ci].e += e;
          sums[ci].e2 += e * e;
          sums[ci].n++;
        });
      }
    }
    let ms = 0;
    for (const s of sums) {
      const mean = s.e / s.n;
      const sd = Math.sqrt(s.e2 / s.n - mean * mean);
      // Unbiased: the mean error is within 4 standard errors of 0 (the uncorrected readoff is off by s′p = 0.9 here).
      expect(Math.abs(mean)).toBeLessThan((4 * sd) / Math.sqrt(s.n));
      ms += s.e2 / s.n / 4;
    }
    expect(Math.sqrt(ms) / correctedRmsApprox(sPrime, p, d)).toBeGreaterThan(0.85);
    expect(Math.sqrt(ms) / correctedRmsApprox(sPrime, p, d)).toBeLessThan(1.15);
  });
});
