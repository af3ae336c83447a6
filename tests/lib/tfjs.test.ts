import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../../experiments/runtime/backend';
import { choleskySolve } from '../../experiments/lib/linalg';
import { batchedRidgeLeastSquares } from '../../experiments/lib/tfjs';

let tf: Tf;
beforeAll(async () => {
  const { loadBackend } = await import('../../experiments/runtime/backend');
  tf = (await loadBackend('wasm')).tf;
});

/** Solve a 3×3 system by Cramer's rule: an independent route to the least-squares solution. */
function cramer3(A: number[][], b: number[]): number[] {
  const det = (M: number[][]) =>
    M[0][0] * (M[1][1] * M[2][2] - M[1][2] * M[2][1]) - M[0][1] * (M[1][0] * M[2][2] - M[1][2] * M[2][0]) + M[0][2] * (M[1][0] * M[2][1] - M[1][1] * M[2][0]);
  const D = det(A);
  return [0, 1, 2].map((c) => det(A.map((row, r) => row.map((v, k) => (k === c ? b[r] : v)))) / D);
}

describe('least-squares readoffs', () => {
  it('match a direct solve of the normal equations on a tiny batched case', () => {
    // Two problems, 5 samples, 3 features, one target each.
    const H = [
      [[1, 0, 2], [0, 1, 1], [1, 1, 0], [2, 0, 1], [0, 3, 1]],
      [[1, 2, 0], [0, 1, 0], [3, 0, 1], [1, 1, 1], [0, 0, 2]],
    ];
    const y = [[1, 0, 1, 2, 0], [0, 1, 2, 1, 1]];
    const ridge = 0.01;
    const R = batchedRidgeLeastSquares(tf, Float32Array.from(H.flat(2)), Float32Array.from(y.flat()), 2, 5, 3, 1, ridge);
    for (let b = 0; b < 2; b++) {
      const G = [0, 1, 2].map((i) => [0, 1, 2].map((j) => H[b].reduce((s, row) => s + row[i] * row[j], 0) + (i === j ? ridge * 5 : 0)));
      const rhs = [0, 1, 2].map((i) => H[b].reduce((s, row, n) => s + row[i] * y[b][n], 0));
      const direct = cramer3(G, rhs);
      for (let i = 0; i < 3; i++) expect(R[b * 3 + i]).toBeCloseTo(direct[i], 4);
    }
  });

  it('Cholesky solves a known system and rejects an indefinite one', () => {
    const x = choleskySolve([4, 2, 2, 3], 2, [2, 1], 1);
    expect(x[0]).toBeCloseTo(0.5, 12);
    expect(x[1]).toBeCloseTo(0, 12);
    expect(() => choleskySolve([1, 2, 2, 1], 2, [1, 1], 1)).toThrow('not positive definite');
  });
});

