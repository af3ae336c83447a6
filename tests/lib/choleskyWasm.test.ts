import { describe, expect, it } from 'vitest';
import { createCholeskyKernel } from '../../experiments/lib/choleskyWasm';
import { choleskyFactor } from '../../experiments/lib/linalg';
import { choleskyFactorOneByOne, spd } from './linalgReference';

const same = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, t) => Object.is(v, b[t]));
const message = (f: () => unknown) => {
  try {
    f();
    return 'no error';
  } catch (e) {
    return (e as Error).message;
  }
};

/** Factor G (n×n row-major, only its lower triangle read) on the kernel, filling its upper triangle and padding with junk first. */
function factorOnKernel(kernel: Awaited<ReturnType<typeof createCholeskyKernel>>, G: Float64Array, n: number): Float64Array {
  kernel.A.fill(Number.NaN);
  for (let c = 0; c < n; c++) for (let r = c; r < n; r++) kernel.A[c * kernel.ld + r] = G[r * n + c];
  kernel.factor();
  return kernel.lowerRowMajor(new Float64Array(n * n));
}

describe('the WebAssembly Cholesky factor', () => {
  it('is bit-identical to the one-entry-at-a-time factor (and lib/linalg) on SPD matrices of many sizes, even and odd', async () => {
    for (const n of [1, 2, 3, 4, 5, 8, 9, 10, 17, 30, 31, 50, 64, 99, 100, 200, 201]) {
      const kernel = await createCholeskyKernel(n);
      for (const [cols, ridge, seed] of [[n + 3, 0, 1], [Math.max(1, n >> 1), 1e-3, 2], [2 * n, 1e-9, 3]] as const) {
        const G = spd(n, cols, ridge, seed);
        const oracle = choleskyFactorOneByOne(G, n);
        const ours = factorOnKernel(kernel, G, n);
        const moved = ours.reduce((c, v, t) => c + (Object.is(v, oracle[t]) ? 0 : 1), 0);
        expect(moved, `n = ${n}, ${cols} columns, ridge ${ridge}`).toBe(0);
        expect(same(ours, choleskyFactor(G, n))).toBe(true);
      }
    }
  });

  it('reuses one kernel for many matrices, and fails on the same pivot with the same message as lib/linalg', async () => {
    const n = 9;
    const kernel = await createCholeskyKernel(n);
    const G = spd(n, 12, 0, 4);
    for (const bad of [0, 1, 3, 4, 8]) {
      const H = Float64Array.from(G);
      H[bad * n + bad] = -1;
      const expected = message(() => choleskyFactor(H, n));
      expect(expected).toMatch(new RegExp(`pivot ${bad} = `));
      expect(message(() => factorOnKernel(kernel, H, n))).toBe(expected);
    }
    expect(same(factorOnKernel(kernel, G, n), choleskyFactorOneByOne(G, n))).toBe(true);
  });

  it('rejects a size that is not a positive integer and an output of the wrong size', async () => {
    await expect(createCholeskyKernel(0)).rejects.toThrow(/n must be a positive integer/);
    const kernel = await createCholeskyKernel(3);
    expect(() => kernel.lowerRowMajor(new Float64Array(8))).toThrow(/expected 3×3/);
  });
});
