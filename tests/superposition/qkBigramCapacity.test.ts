import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../../experiments/runtime/backend';
import { Rng } from '../../experiments/runtime/rng';
import { fitAccuracy, fitScores, lenientHitRates, logLogFit, randomTargets, strictlySeparated } from '../../experiments/superposition/qkBigramCapacity';

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

describe('the two criteria', () => {
  it('lenient hit rates and strict per-query separation, on a hand-made score matrix', () => {
    // Rows are queries. Row 0: target 0.5 above non-targets −1, 0.2; row 1: target −0.5 below non-target −0.2.
    const target = [1, 0, 0, 0, 1, 0, 0, 0, 0];
    const z = [0.5, -1, 0.2, -0.2, -0.5, -1, 3, 3, 3];
    expect(lenientHitRates(z, target)).toEqual({ targets: 0.5, nonTargets: 3 / 7 });
    expect(strictlySeparated(z, target, 3)).toBe(false);
    // Shifting row 1 changes nothing for the strict criterion; swapping its scores makes it hold.
    expect(strictlySeparated([0.5, -1, 0.2, 9, 10, 8, 3, 3, 3], target, 3)).toBe(true);
  });

  it('a per-query bias fit separates any target set on orthonormal features at full rank', () => {
    const rng = new Rng(4, 'test');
    const target = randomTargets(rng, 6, 12);
    expect(strictlySeparated(fitScores(tf, rng, orthonormal(6), 6, 6, 6, target, 400, 0.05, true), target, 6)).toBe(true);
  });

  it('the log-log fit recovers known exponents', () => {
    const rows = [2, 4, 8].flatMap((dHead) => [16, 32].flatMap((dResid) => [32, 128].map((features) => ({ dHead, dResid, features, capacity: 0.3 * dHead * dResid ** 0.8 * features ** 0.2, falsePairs: 0 }))));
    const [a, b, c, e] = logLogFit(rows, true, true);
    expect(a).toBeCloseTo(Math.log(0.3), 6);
    expect([b, c, e].map((x) => Number(x.toFixed(6)))).toEqual([1, 0.8, 0.2]);
  });
});

