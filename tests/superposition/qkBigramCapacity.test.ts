import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../../experiments/runtime/backend';
import { Rng } from '../../experiments/runtime/rng';
import { fitAccuracy, randomTargets } from '../../experiments/superposition/qkBigramCapacity';

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
});
