import { describe, expect, it } from 'vitest';
import { choleskySolve } from '../../experiments/lib/linalg';
import { lowerGram, nestedRidgeLeastSquares } from '../../experiments/lib/nestedRidge';
import { loadBackend } from '../../experiments/runtime/backend';
import { Rng } from '../../experiments/runtime/rng';

const { tf } = await loadBackend('wasm');

describe('nestedRidgeLeastSquares', () => {
  it('gives, at every nested width, the ridge solution of that width alone (float64 normal equations)', () => {
    const rng = new Rng(4, 'nested');
    const [n, dMax, k, ridge] = [60, 12, 2, 1e-2];
    const widths = [3, 7, 12];
    const H = Float32Array.from({ length: n * dMax }, () => Math.max(0, rng.normal()));
    const Y = Float32Array.from({ length: n * k }, () => (rng.uniform() < 0.3 ? 1 : 0));
    const got = nestedRidgeLeastSquares(tf, H, Y, n, dMax, k, widths, ridge);
    widths.forEach((d, w) => {
      // (H_dᵀH_d + ridge·n·I) R = H_dᵀY, summed by hand in float64 on the first d columns.
      const G = new Float64Array(d * d);
      const rhs = new Float64Array(d * k);
      for (let r = 0; r < n; r++) {
        for (let a = 0; a < d; a++) {
          for (let b = 0; b < d; b++) G[a * d + b] += H[r * dMax + a] * H[r * dMax + b];
          for (let c = 0; c < k; c++) rhs[a * k + c] += H[r * dMax + a] * Y[r * k + c];
        }
      }
      for (let a = 0; a < d; a++) G[a * d + a] += ridge * n;
      const want = choleskySolve(G, d, rhs, k);
      expect(got[w]).toHaveLength(d * k);
      want.forEach((v, i) => expect(got[w][i]).toBeCloseTo(v, 4));
    });
  });

  it('rejects a width beyond the matrix', () => {
    expect(() => nestedRidgeLeastSquares(tf, new Float32Array(8), new Float32Array(4), 4, 2, 1, [3], 0.1)).toThrow(/width 3 outside 1..2/);
  });
});

describe('lowerGram', () => {
  it('is the lower triangle of HᵀH and YᵀH, against float64 sums, across several column blocks', () => {
    const rng = new Rng(6, 'lowerGram');
    const [n, dMax, k] = [37, 101, 2]; // 101 columns: three blocks of 48, the last one short
    const H = Float32Array.from({ length: n * dMax }, () => Math.max(0, rng.normal()));
    const Y = Float32Array.from({ length: n * k }, () => (rng.uniform() < 0.3 ? 1 : 0));
    const { G, rhs } = lowerGram(tf, H, Y, n, dMax, k);
    for (let i = 0; i < dMax; i++) {
      for (let j = 0; j < dMax; j++) {
        let s = 0;
        for (let r = 0; r < n; r++) s += H[r * dMax + i] * H[r * dMax + j];
        if (j > i) expect(G[i * dMax + j]).toBe(0);
        else expect(Math.abs(G[i * dMax + j] - s)).toBeLessThan(1e-5 * Math.max(1, s));
      }
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let r = 0; r < n; r++) s += H[r * dMax + i] * Y[r * k + c];
        expect(Math.abs(rhs[c * dMax + i] - s)).toBeLessThan(1e-5 * Math.max(1, s));
      }
    }
  });
});
