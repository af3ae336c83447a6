import { describe, expect, it } from 'vitest';
import { layerConstants } from '../../experiments/superposition/kaarelAverageError';

describe('kaarel-average-error constants', () => {
  it('mix the cases by how often each pair type occurs, and balance the four cases (hand computation)', () => {
    // Per case (00, 10, 01, 11): two errors each, so mean |e| and mean e² are easy to write down.
    const sums = [
      { abs: 0.2, sq: 0.02, n: 2 }, // 00: |e| = 0.1, 0.1
      { abs: 0.4, sq: 0.08, n: 2 }, // 10: 0.2, 0.2
      { abs: 0.8, sq: 0.32, n: 2 }, // 01: 0.4, 0.4
      { abs: 1.0, sq: 0.5, n: 2 }, // 11: 0.5, 0.5
    ];
    const [s, m, d] = [3, 10, 4];
    const c = layerConstants(sums, s, m, d);
    expect(c.byCase['00'].meanAbs).toBeCloseTo(2 * 0.1, 12);
    expect(c.byCase.one.meanAbs).toBeCloseTo(2 * 0.3, 12);
    expect(c.byCase.one.rms).toBeCloseTo(2 * Math.sqrt((0.04 + 0.16) / 2), 12);
    // m = 10, s = 3: 3 pairs 11, 21 with one on, 21 with neither (45 in all).
    expect(c.allPairs.meanAbs).toBeCloseTo(2 * ((21 * 0.1 + 21 * 0.3 + 3 * 0.5) / 45), 12);
    expect(c.allPairs.rms).toBeCloseTo(2 * Math.sqrt((21 * 0.01 + 21 * 0.1 + 3 * 0.25) / 45), 12);
    expect(c.balanced.meanAbs).toBeCloseTo(2 * ((0.1 + 0.2 + 0.4 + 0.5) / 4), 12);
  });
});
