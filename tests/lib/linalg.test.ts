import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { choleskyFactor, choleskySolve, solveWithCholeskyFactor } from '../../experiments/lib/linalg';
import { loadBackend } from '../../experiments/runtime/backend';
import { Rng } from '../../experiments/runtime/rng';
import { choleskyFactorOneByOne, spd } from './linalgReference';

const { tf } = await loadBackend('wasm');

const digest = (xs: Float64Array[]) => {
  const h = createHash('sha256');
  for (const x of xs) h.update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  return h.digest('hex').slice(0, 16);
};

/** A seeded least-squares problem: ReLU features H (n×dMax), sparse 0/1 targets Y (n×k), and HᵀH + 0.1·I in float64. */
function problem() {
  const rng = new Rng(11, 'golden');
  const [n, dMax, k] = [200, 40, 3];
  const H = Float32Array.from({ length: n * dMax }, () => Math.max(0, rng.normal()));
  const Y = Float32Array.from({ length: n * k }, () => (rng.uniform() < 0.3 ? 1 : 0));
  const G = new Float64Array(dMax * dMax);
  for (let r = 0; r < n; r++) for (let a = 0; a < dMax; a++) for (let b = 0; b < dMax; b++) G[a * dMax + b] += H[r * dMax + a] * H[r * dMax + b];
  for (let a = 0; a < dMax; a++) G[a * dMax + a] += 0.1;
  const B = Float64Array.from({ length: dMax * k }, () => rng.normal());
  return { n, dMax, k, H, Y, G, B };
}

describe('choleskySolve', () => {
  it('solves a hand-worked 3×3 system', () => {
    // G = L Lᵀ with L = [[2,0,0],[1,3,0],[−1,2,1]]; x = [1, −1, 2] gives B = G x.
    const G = [4, 2, -2, 2, 10, 5, -2, 5, 6];
    const B = [4 * 1 + 2 * -1 + -2 * 2, 2 * 1 + 10 * -1 + 5 * 2, -2 * 1 + 5 * -1 + 6 * 2];
    const x = choleskySolve(G, 3, B, 1);
    [1, -1, 2].forEach((v, i) => expect(x[i]).toBeCloseTo(v, 12));
    expect(Array.from(choleskyFactor(G, 3))).toEqual([2, 0, 0, 1, 3, 0, -1, 2, 1]);
  });

  it('leaves a residual at rounding level on a seeded 40×40 system with 3 right-hand sides', () => {
    const { dMax: n, k, G, B } = problem();
    const X = choleskySolve(G, n, B, k);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        let r = -B[i * k + c];
        for (let j = 0; j < n; j++) r += G[i * n + j] * X[j * k + c];
        expect(Math.abs(r)).toBeLessThan(1e-9);
      }
    }
  });
});

describe('solveWithCholeskyFactor', () => {
  it('on the leading d×d block of a larger factor gives exactly the solve of the leading block of G', () => {
    const { dMax, k, G, B } = problem();
    const L = choleskyFactor(G, dMax);
    for (const d of [1, 5, 17, dMax]) {
      const Gd = new Float64Array(d * d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) Gd[i * d + j] = G[i * dMax + j];
      const Bd = B.slice(0, d * k);
      const X = Float64Array.from(Bd);
      solveWithCholeskyFactor(L, dMax, d, X, k);
      expect(Array.from(X)).toEqual(Array.from(choleskySolve(Gd, d, Bd, k)));
    }
  });

  it('rejects a block larger than the factor and a right-hand side of the wrong size', () => {
    expect(() => solveWithCholeskyFactor(new Float64Array(4), 2, 3, new Float64Array(3), 1)).toThrow(/size 3 outside 0..2/);
    expect(() => solveWithCholeskyFactor(new Float64Array(4), 2, 2, new Float64Array(3), 2)).toThrow(/expected 2×2/);
  });
});

describe('one implementation of the triangular solves', () => {
  // Digest of the output computed by the code before the substitution loops were deduplicated into
  // solveWithCholeskyFactor (commit 529dc31): the dedupe must not move any number.
  it('leaves choleskySolve bit-identical to its previous implementation', () => {
    const { dMax, k, G, B } = problem();
    expect(digest([choleskySolve(G, dMax, B, k)])).toBe('fce0a84c5a422ad4');
  });
});

describe('the blocked Cholesky factor', () => {
  const same = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, t) => Object.is(v, b[t]));

  it('is bit-identical to the one-entry-at-a-time factor on random SPD matrices of many sizes, even and odd', () => {
    for (const n of [1, 2, 3, 4, 5, 8, 17, 30, 31, 50, 64, 99, 100, 200, 201]) {
      for (const [cols, ridge, seed] of [[n + 3, 0, 1], [Math.max(1, n >> 1), 1e-3, 2], [2 * n, 1e-9, 3]] as const) {
        const G = spd(n, cols, ridge, seed);
        expect(same(choleskyFactor(G, n), choleskyFactorOneByOne(G, n)), `n = ${n}, ${cols} columns, ridge ${ridge}`).toBe(true);
      }
    }
  });

  it('reads only the lower triangle, as before, and fails on the same pivot with the same message', () => {
    const n = 9;
    const G = spd(n, 12, 0, 4);
    const lowerOnly = G.map((v, t) => (t % n <= Math.floor(t / n) ? v : NaN));
    expect(same(choleskyFactor(lowerOnly, n), choleskyFactorOneByOne(G, n))).toBe(true);
    for (const bad of [0, 3, 4, 8]) {
      const H = Float64Array.from(G);
      H[bad * n + bad] = -1;
      const message = (f: () => unknown) => { try { f(); return 'no error'; } catch (e) { return (e as Error).message; } };
      const expected = message(() => choleskyFactorOneByOne(H, n));
      expect(expected).toMatch(new RegExp(`pivot ${bad} = `));
      expect(message(() => choleskyFactor(H, n))).toBe(expected);
    }
  });
});
