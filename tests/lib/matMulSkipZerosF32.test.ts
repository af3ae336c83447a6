import { describe, expect, it } from 'vitest';
import { createMatMulSkipZerosF32, skipZerosScratchBytes } from '../../experiments/lib/matMulSkipZerosF32';
import { Rng } from '../../experiments/runtime/rng';
import { differing, tfjsProduct } from '../helpers/tfjsProduct';

/**
 * A memory holding A (a ReLU layer: about `zeros` of it +0, some −0, rows that are all zero), B (signed, some large),
 * C (NaN, so an unwritten entry shows) with a guard after it, and the kernel's scratch.
 */
async function setup(rng: Rng, M: number, N: number, K: number, zeros: number) {
  const scratchBytes = skipZerosScratchBytes(M, K);
  const memory = new WebAssembly.Memory({ initial: Math.ceil((4 * (M * K + K * N + M * N + 64) + scratchBytes + 128) / 65536) });
  let at = 0;
  const view = (n: number) => {
    const v = new Float32Array(memory.buffer, at, n);
    at += Math.ceil((4 * n) / 16) * 16 + 16;
    return v;
  };
  const A = view(M * K);
  const B = view(K * N);
  const C = view(M * N);
  const guard = view(16);
  A.set(Float32Array.from({ length: M * K }, (_, t) => (t % K === 0 && Math.floor(t / K) % 5 === 4 ? 0 : rng.uniform() < zeros ? (rng.uniform() < 0.2 ? -0 : 0) : Math.abs(rng.normal()))));
  for (let i = 4; i < M; i += 5) A.fill(0, i * K, (i + 1) * K); // every fifth row all zero
  B.set(Float32Array.from({ length: K * N }, () => rng.normal() * (rng.uniform() < 0.02 ? 1e3 : 1)));
  C.fill(NaN);
  guard.fill(7);
  const matMul = await createMatMulSkipZerosF32(memory, at, scratchBytes);
  return { A, B, C, guard, matMul };
}

describe('float32 products that skip the zeros of their left factor', () => {
  it("are bit-identical to tfjs-wasm's matMul over every entry, on the training step's shapes and off every band width, mostly zero (lists) or mostly nonzero (the dense kernel)", async () => {
    const rng = new Rng(8, 'matMulSkipZerosF32');
    // [M, N, K]: pred = h·R and dLoss/dR = hᵀ·g at m = 50 and 100, then odd ones: columns off 16 and 4, one row, K = 1.
    const shapes = [[100, 1225, 50], [50, 1225, 100], [100, 4950, 100], [7, 13, 5], [5, 37, 300], [13, 3, 129], [1, 1, 1], [3, 20, 12], [9, 1, 40], [1, 33, 7]];
    for (const [M, N, K] of shapes) {
      for (const zeros of [0, 0.5, 1]) {
        const { A, B, C, guard, matMul } = await setup(rng, M, N, K, zeros);
        matMul(A, B, C, M, N, K);
        expect(differing(C, tfjsProduct(A, B, M, N, K)), `${M}×${K} · ${K}×${N}, ${zeros} zeros`).toBe(0);
        expect(Array.from(guard)).toEqual(new Array(16).fill(7));
      }
    }
  });

  it('the comparison can fail: dropping the last nonzero term of each row changes the result', async () => {
    const rng = new Rng(9, 'dropped');
    const [M, N, K] = [20, 24, 30];
    const { A, B, C, matMul } = await setup(rng, M, N, K, 0.5);
    const theirs = tfjsProduct(A, B, M, N, K);
    for (let i = 0; i < M; i++) {
      let last = K - 1;
      while (last >= 0 && A[i * K + last] === 0) last--;
      if (last >= 0) A[i * K + last] = 0;
    }
    matMul(A, B, C, M, N, K);
    expect(differing(C, theirs)).toBeGreaterThan(M * N * 0.5);
  });

  it('rejects arrays outside its memory, arrays too short for the shape and a scratch too small', async () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const matMul = await createMatMulSkipZerosF32(memory, 1024, skipZerosScratchBytes(2, 2));
    const [A, B, C] = [0, 64, 128].map((o) => new Float32Array(memory.buffer, o * 4, 16));
    expect(() => matMul(new Float32Array(16), B, C, 4, 4, 4)).toThrow(/A is not a view of the kernel's memory/);
    expect(() => matMul(A, B, C, 4, 5, 4)).toThrow(/B holds 16 floats, fewer than 4×5/);
    expect(() => matMul(A, B, C, 2, 2, 8)).toThrow(/needs \d+ bytes of scratch/);
  });
});
