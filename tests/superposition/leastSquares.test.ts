import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../../experiments/runtime/backend';
import { choleskySolve } from '../../experiments/runtime/linalg';
import { histogram, summarizeErrors } from '../../experiments/superposition/errorStats';
import { fitReadoffs } from '../../experiments/superposition/leastSquares';
import { hiddenActivations } from '../../experiments/superposition/randomLayer';

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
    const R = fitReadoffs(tf, Float32Array.from(H.flat(2)), Float32Array.from(y.flat()), 2, 5, 3, 1, ridge);
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

describe('hidden activations and error statistics', () => {
  it('compute ReLU of summed rows by hand', () => {
    const W = Float32Array.from([1, -2, 0.5, /* row 1 */ -3, 1, 0.5, /* row 2 */ 2, 2, -2]);
    const out = new Float32Array(3);
    hiddenActivations(W, 3, [0, 2], out);
    expect(Array.from(out)).toEqual([3, 0, 0]);
    hiddenActivations(W, 3, [0, 1], out, 0, 0.5);
    expect(Array.from(out)).toEqual([0, 0, 1.5]);
  });

  it('summarize hand-computed errors', () => {
    const s = summarizeErrors([0.1, -0.3, 0.2, 0.0, 0.5]);
    expect(s.mean).toBeCloseTo(0.1, 12);
    expect(s.rms).toBeCloseTo(Math.sqrt((0.01 + 0.09 + 0.04 + 0 + 0.25) / 5), 12);
    expect(s.maxAbs).toBe(0.5);
    expect(s.fracBelowQuarter).toBe(0.6);
    // |e| sorted: 0, .1, .2, .3, .5; type-7 99th percentile = .3 + .96·(.5 − .3)
    expect(s.p99Abs).toBeCloseTo(0.492, 12);
    const h = histogram([-1, 0.05, 0.1, 0.99, 5], 0, 1, 4);
    expect(h.map((b) => b.count)).toEqual([3, 0, 0, 2]);
    expect(h[1]).toMatchObject({ x0: 0.25, x1: 0.5 });
  });
});
