import { createMatMulF32 } from '../lib/matMulF32';

/**
 * Float32 matrix products equal bit for bit to tfjs-wasm's `matMul` (lib/matMulF32.ts sums every entry as XNNPACK
 * does), without tfjs's tensor copies, on one WebAssembly memory that grows to the largest product asked for.
 */
export interface Products {
  /** A (M×K) · B (K×N), row-major, as a new array. */
  matMul(A: Float32Array, M: number, K: number, B: Float32Array, N: number): Float32Array;
  /**
   * Φ·Φᵀ (m×m) for Φ (m×d0), given Φᵀ (d0×m) too: equal to `matMul(Φ, m, d0, Φᵀ, m)`. Entries (i, j) and (j, i) are
   * sums of the same products (float multiplication commutes) in the same order, so they are equal bit for bit: only
   * the blocks on and above the diagonal are multiplied, and the rest is mirrored.
   */
  gram(Phi: Float32Array, PhiT: Float32Array, m: number, d0: number): Float32Array;
}

/** Rows of the Gram matrix per product call (any size gives the same entries). */
const GRAM_ROWS = 256;

export async function createProducts(): Promise<Products> {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const mm = await createMatMulF32(memory);
  /** Views of the memory for arrays of these lengths (16-byte aligned starts), growing it first if needed. */
  const views = (lengths: number[]): Float32Array[] => {
    const padded = lengths.map((n) => Math.ceil(n / 4) * 16);
    const bytes = padded.reduce((s, b) => s + b, 0);
    const have = memory.buffer.byteLength;
    if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
    let at = 0;
    return lengths.map((n, i) => {
      const v = new Float32Array(memory.buffer, at, n);
      at += padded[i];
      return v;
    });
  };
  return {
    matMul(A, M, K, B, N) {
      const [a, b, c] = views([M * K, K * N, M * N]);
      a.set(A.subarray(0, M * K));
      b.set(B.subarray(0, K * N));
      mm(a, b, c, M, N, K);
      return c.slice();
    },
    gram(Phi, PhiT, m, d0) {
      const [a, b, c] = views([m * d0, d0 * m, m * m]);
      a.set(Phi.subarray(0, m * d0));
      b.set(PhiT.subarray(0, d0 * m));
      for (let i0 = 0; i0 < m; i0 += GRAM_ROWS) {
        const rows = Math.min(GRAM_ROWS, m - i0);
        mm(a.subarray(i0 * d0), b.subarray(i0), c.subarray(i0 * m + i0), rows, m - i0, d0, d0, m, m);
      }
      // Left of each row's diagonal block: mirrored (the diagonal blocks were multiplied whole).
      const G = c.slice();
      for (let i = GRAM_ROWS; i < m; i++) {
        const block = i - (i % GRAM_ROWS);
        for (let j = 0; j < block; j++) G[i * m + j] = G[j * m + i];
      }
      return G;
    },
  };
}
