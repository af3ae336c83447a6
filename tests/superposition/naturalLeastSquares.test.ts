import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { choleskySolve } from '../../experiments/lib/linalg';
import { Rng } from '../../experiments/runtime/rng';
import { naturalLeastSquares } from '../../experiments/superposition/naturalLeastSquares';


/**
 * Brute force: replay the same Bernoulli draws, build every hidden row, and solve the class-balanced ridge normal
 * equations with per-row weights 1/n₁ (target 1) and 1/n₀ (target 0) directly, in float64.
 */
function bruteForce(W: Float32Array, m: number, dMax: number, d: number, q: number, n: number, pair: [number, number], fn: 'and' | 'xor', ridge: number, rng: Rng) {
  const H: number[][] = [];
  const y: number[] = [];
  for (let r = 0; r < n; r++) {
    const x: number[] = Array.from({ length: m }, () => (rng.uniform() < q ? 1 : 0));
    const h = Array.from({ length: dMax }, (_, k) => Math.max(0, x.reduce((acc, on, l) => acc + on * W[l * dMax + k], 0)));
    H.push(h.slice(0, d));
    const [a, b] = [x[pair[0]], x[pair[1]]];
    y.push(fn === 'and' ? a & b : a ^ b);
  }
  const n1 = y.filter((v) => v === 1).length;
  const n0 = n - n1;
  const A = new Float64Array(d * d);
  const rhs = new Float64Array(d);
  H.forEach((h, r) => {
    const w = y[r] === 1 ? 1 / n1 : 1 / n0;
    for (let i = 0; i < d; i++) {
      rhs[i] += w * y[r] * h[i];
      for (let j = 0; j < d; j++) A[i * d + j] += w * h[i] * h[j];
    }
  });
  for (let i = 0; i < d; i++) A[i * d + i] += ridge;
  return choleskySolve(A, d, rhs, 1);
}

describe('class-balanced least squares on natural inputs', () => {
  it('matches a brute-force weighted fit for AND and XOR at every nested width, across chunks', async () => {
    const [m, dMax, q, n, ridge] = [6, 5, 0.35, 700, 1e-3];
    const W = new Rng(3, 'layer').fillNormal(new Float32Array(m * dMax));
    const pairs: [number, number][] = [[0, 1], [2, 5]];
    const widths = [3, 5];
    const fit = await naturalLeastSquares({ W, m, dMax, widths, q, samples: n, pairs, ridge, rng: new Rng(4, 'data'), chunk: 256 });
    for (const fn of ['and', 'xor'] as const) {
      widths.forEach((d, w) => {
        pairs.forEach((pair, p) => {
          const ref = bruteForce(W, m, dMax, d, q, n, pair, fn, ridge, new Rng(4, 'data'));
          for (let k = 0; k < d; k++) expect(fit[fn][w][k * pairs.length + p]).toBeCloseTo(ref[k], 4);
        });
      });
    }
    // AND's ones are the rows with both on; XOR's those with exactly one on.
    expect(fit.onesCount.and.every((c) => c > 0 && c < n)).toBe(true);
    expect(fit.onesCount.xor.every((c, p) => c > fit.onesCount.and[p])).toBe(true);
  });

  // Digests of the fit's output (readoffs at every width, ones counted) computed by the implementation before the
  // row-subset Gram kernel and the one factorisation per pair and function (session 8: tfjs matMul on gathered rows,
  // a Cholesky per width): the faster fit must not move a bit. Shapes with several chunks, widths off the kernel's
  // tile size, and nested widths.
  it('is bit-identical to the session-8 implementation', async () => {
    const digest = (r: { and: Float64Array[]; xor: Float64Array[]; onesCount: { and: number[]; xor: number[] } }) => {
      const h = createHash('sha256');
      for (const x of [...r.and, ...r.xor]) h.update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
      h.update(JSON.stringify(r.onesCount));
      return h.digest('hex').slice(0, 16);
    };
    const shapes = [
      { m: 12, dMax: 21, widths: [5, 13, 21], q: 0.2, samples: 3000, chunk: 1100, pairs: 20, expected: '5101e11395c9fa44' },
      { m: 24, dMax: 48, widths: [24, 48], q: 0.15, samples: 5000, chunk: 2000, pairs: 40, expected: '868bb7fec49b1c7b' },
    ];
    for (const { m, dMax, widths, q, samples, chunk, pairs: P, expected } of shapes) {
      const W = new Rng(3, 'layer').fillNormal(new Float32Array(m * dMax));
      const pairs: [number, number][] = [];
      for (let i = 0; i < m && pairs.length < P; i++) for (let j = i + 1; j < m && pairs.length < P; j++) pairs.push([i, j]);
      const fit = await naturalLeastSquares({ W, m, dMax, widths, q, samples, pairs, ridge: 1e-3, chunk, rng: new Rng(4, 'data') });
      expect(digest(fit), `m = ${m}, width ${dMax}`).toBe(expected);
    }
  });
});
