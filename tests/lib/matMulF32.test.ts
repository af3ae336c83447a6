import { describe, expect, it } from 'vitest';
import { createMatMulF32 } from '../../experiments/lib/matMulF32';
import { Rng } from '../../experiments/runtime/rng';
import { differing, tfjsProduct } from '../helpers/tfjsProduct';

/** A memory holding A, B and C (plus a guard after C), filled with ReLU-like and signed entries that round in float32. */
function setup(rng: Rng, M: number, N: number, K: number) {
  const memory = new WebAssembly.Memory({ initial: Math.ceil((4 * (M * K + K * N + M * N + 64) + 64) / 65536) });
  let at = 0;
  const view = (n: number) => {
    const v = new Float32Array(memory.buffer, at, n);
    at += Math.ceil((4 * n) / 16) * 16 + 16; // a gap between arrays: nothing is written outside C
    return v;
  };
  const A = view(M * K);
  const B = view(K * N);
  const C = view(M * N);
  const guard = view(16);
  A.set(Float32Array.from({ length: M * K }, () => rng.normal() * (rng.uniform() < 0.02 ? 1e3 : 1)));
  B.set(Float32Array.from({ length: K * N }, () => Math.max(0, rng.normal())));
  C.fill(NaN);
  guard.fill(7);
  return { memory, A, B, C, guard };
}

describe('float32 products in WebAssembly', () => {
  it("are bit-identical to tfjs-wasm's matMul, on shapes off every tile size and across blocks of the shared dimension", async () => {
    const rng = new Rng(5, 'matMulF32');
    // [M, N, K]: the training step's own shapes (forward Rᵀ·hᵀ, (dLoss/dR)ᵀ = gᵀ·h, dLoss/dh = g·Rᵀ at m = 50 frozen)
    // and odd ones: rows off 4, columns off 8 and 4, K across the 128-blocks, K = 1.
    const shapes = [[200, 100, 200], [200, 200, 100], [100, 200, 200], [7, 13, 5], [5, 7, 300], [13, 3, 129], [1, 1, 1], [3, 12, 257], [66, 20, 12], [9, 1, 40], [5, 37, 130], [4, 48, 3]];
    for (const [M, N, K] of shapes) {
      const { memory, A, B, C, guard } = setup(rng, M, N, K);
      const matMul = await createMatMulF32(memory);
      matMul(A, B, C, M, N, K);
      expect(differing(C, tfjsProduct(A, B, M, N, K)), `${M}×${K} · ${K}×${N}`).toBe(0);
      expect(Array.from(guard)).toEqual(new Array(16).fill(7));
    }
  });

  it('honours row strides (a block of a larger matrix)', async () => {
    const rng = new Rng(6, 'strides');
    const [M, N, K] = [6, 10, 9];
    const { memory, A, B, C } = setup(rng, 2 * M, 2 * N, 2 * K);
    const matMul = await createMatMulF32(memory);
    matMul(A, B, C, M, N, K, 2 * K, 2 * N, 2 * N);
    const sub = (x: Float32Array, rows: number, cols: number, ld: number) => Float32Array.from({ length: rows * cols }, (_, t) => x[Math.floor(t / cols) * ld + (t % cols)]);
    expect(differing(sub(C, M, N, 2 * N), tfjsProduct(sub(A, M, K, 2 * K), sub(B, K, N, 2 * N), M, N, K))).toBe(0);
  });

  it('the comparison can fail: the same products summed in another order, or in float64, differ from tfjs', () => {
    const rng = new Rng(7, 'inexact');
    const [M, N, K] = [50, 40, 200];
    const A = Float32Array.from({ length: M * K }, () => rng.normal());
    const B = Float32Array.from({ length: K * N }, () => Math.max(0, rng.normal()));
    const theirs = tfjsProduct(A, B, M, N, K);
    const sum = (order: 'forward' | 'backward' | 'float64') => {
      const C = new Float32Array(M * N);
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let u = 0; u < K; u++) {
            const t = order === 'backward' ? K - 1 - u : u;
            s = order === 'float64' ? s + A[i * K + t] * B[t * N + j] : Math.fround(s + Math.fround(A[i * K + t] * B[t * N + j]));
          }
          C[i * N + j] = s;
        }
      return C;
    };
    expect(differing(sum('forward'), theirs)).toBe(0); // the order the kernel reproduces
    expect(differing(sum('backward'), theirs)).toBeGreaterThan(M * N * 0.3);
    expect(differing(sum('float64'), theirs)).toBeGreaterThan(M * N * 0.3);
  });

  it('rejects arrays outside its memory and arrays too short for the shape', async () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const matMul = await createMatMulF32(memory);
    const [A, B, C] = [0, 64, 128].map((o) => new Float32Array(memory.buffer, o * 4, 16));
    expect(() => matMul(new Float32Array(16), B, C, 4, 4, 4)).toThrow(/A is not a view of the kernel's memory/);
    expect(() => matMul(A, B, C, 4, 5, 4)).toThrow(/B holds 16 floats, fewer than 4×5/);
  });
});
