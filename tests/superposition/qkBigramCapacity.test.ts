import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../../experiments/runtime/backend';
import { Rng } from '../../experiments/runtime/rng';
import { fitAccuracy, randomTargets, unitFeatures } from '../../experiments/superposition/qkBigramCapacity';

let tf: Tf;
beforeAll(async () => {
  const { loadBackend } = await import('../../experiments/runtime/backend');
  tf = (await loadBackend('wasm')).tf;
});

const identity = (n: number) => Float32Array.from({ length: n * n }, (_, c) => (c % (n + 1) === 0 ? 1 : 0));
const orthonormal = (n: number) => identity(n);

describe('QK bigram fitting', () => {
  it('checks any target set when W_QK has full rank over orthonormal features', () => {
    const rng = new Rng(1, 'test');
    const target = randomTargets(rng, 6, 9);
    expect(target.reduce((s, v) => s + v, 0)).toBe(9);
    expect(fitAccuracy(tf, rng, orthonormal(6), 6, 6, 6, target, 400, 0.05)).toBe(1);
  });

  it('cannot check the "same feature" pattern on 5 orthonormal features with rank 1: its sign-rank is 3', () => {
    // sign(u_i v_j + b) has rank ≤ 2 before the sign, and the n×n identity sign pattern (n ≥ 4) needs 3.
    const rng = new Rng(2, 'test');
    expect(fitAccuracy(tf, rng, orthonormal(5), 5, 5, 1, identity(5), 600, 0.05)).toBeLessThan(1);
    expect(fitAccuracy(tf, rng, orthonormal(5), 5, 5, 3, identity(5), 600, 0.05)).toBe(1);
  });

  it('draws unit feature vectors with overlaps of order 1/√d', () => {
    const d = 64;
    const n = 200;
    const phi = unitFeatures(new Rng(3, 'phi'), n, d);
    let sq = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      let norm = 0;
      for (let k = 0; k < d; k++) norm += phi[i * d + k] ** 2;
      expect(norm).toBeCloseTo(1, 5);
      for (let j = i + 1; j < n; j++) {
        let dot = 0;
        for (let k = 0; k < d; k++) dot += phi[i * d + k] * phi[j * d + k];
        sq += dot * dot;
        count++;
      }
    }
    // For independent uniform unit vectors E⟨φ_i, φ_j⟩² = 1/d exactly.
    expect(sq / count).toBeGreaterThan(0.9 / d);
    expect(sq / count).toBeLessThan(1.1 / d);
  });
});
