import { describe, expect, it } from 'vitest';
import { choleskyFactorRows } from '../../experiments/lib/choleskyRows';
import { choleskyFactor } from '../../experiments/lib/linalg';
import { Rng } from '../../experiments/runtime/rng';

/** AᵀA + I for a random (n + 5)×n A: symmetric positive definite, summed by hand in float64. */
function randomSpd(rng: Rng, n: number): Float64Array {
  const rows = n + 5;
  const A = rng.fillNormal(new Float64Array(rows * n));
  const G = new Float64Array(n * n);
  for (let r = 0; r < rows; r++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) G[i * n + j] += A[r * n + i] * A[r * n + j];
  for (let i = 0; i < n; i++) G[i * n + i] += 1;
  return G;
}

describe('choleskyFactorRows', () => {
  // Sizes with an odd last row, the two-row blocks, and the dot products' odd tails.
  for (const n of [1, 2, 3, 4, 7, 16, 33]) {
    it(`reproduces G from L·Lᵀ and agrees with lib/linalg's choleskyFactor (n = ${n})`, () => {
      const G = randomSpd(new Rng(n, 'choleskyRows'), n);
      const L = choleskyFactorRows(G, n);
      const ref = choleskyFactor(G, n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (j > i) expect(L[i * n + j]).toBe(0);
          let s = 0;
          for (let p = 0; p < n; p++) s += L[i * n + p] * L[j * n + p];
          expect(Math.abs(s - G[i * n + j])).toBeLessThan(1e-12 * G[i * n + i]);
          expect(Math.abs(L[i * n + j] - ref[i * n + j])).toBeLessThan(1e-12 * Math.sqrt(G[i * n + i]));
        }
      }
    });
  }

  it('reads only the lower triangle', () => {
    const n = 9;
    const G = randomSpd(new Rng(5, 'lower'), n);
    const lower = G.map((v, t) => (t % n <= Math.floor(t / n) ? v : NaN));
    expect(Array.from(choleskyFactorRows(lower, n))).toEqual(Array.from(choleskyFactorRows(G, n)));
  });

  it('rejects a matrix that is not positive definite, naming the pivot', () => {
    expect(() => choleskyFactorRows([1, 2, 2, 1], 2)).toThrow(/not positive definite \(pivot 1/);
    expect(() => choleskyFactorRows([4, 0, 0, 0, 1, 0, 0, 0, -1], 3)).toThrow(/pivot 2/);
  });
});
