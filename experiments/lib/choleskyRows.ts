/**
 * A faster Cholesky factor for the least-squares fits (lib/nestedRidge.ts). The same row-by-row algorithm as
 * lib/linalg's choleskyFactor (each entry a dot product of two contiguous rows of L), but rows are computed two at a
 * time, so each entry of row j is loaded once for both, and every dot product keeps two partial sums: four
 * independent additions in flight instead of one running sum that waits on the previous addition. Measured here on
 * 200×200 (scripts/kernelBench.ts): about 2× faster. Sums are taken in a different order, so entries differ from
 * choleskyFactor's in the last bits.
 *
 * Not used by lib/linalg yet: switching it there re-keys experiments on every page (do it with a full re-run).
 */

/** Lower-triangular L (row-major, float64) with L·Lᵀ = G for symmetric positive definite G (n×n); only G's lower triangle is read. Throws if G is not positive definite. */
export function choleskyFactorRows(G: ArrayLike<number>, n: number): Float64Array {
  const L = new Float64Array(n * n);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const ra = i * n;
    const rb = ra + n;
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      let a0 = 0;
      let a1 = 0;
      let b0 = 0;
      let b1 = 0;
      let p = 0;
      for (; p + 1 < j; p += 2) {
        const l0 = L[rj + p];
        const l1 = L[rj + p + 1];
        a0 += L[ra + p] * l0;
        a1 += L[ra + p + 1] * l1;
        b0 += L[rb + p] * l0;
        b1 += L[rb + p + 1] * l1;
      }
      if (p < j) {
        a0 += L[ra + p] * L[rj + p];
        b0 += L[rb + p] * L[rj + p];
      }
      L[ra + j] = (G[ra + j] - (a0 + a1)) / L[rj + j];
      L[rb + j] = (G[rb + j] - (b0 + b1)) / L[rj + j];
    }
    L[ra + i] = pivot(G[ra + i] - rowDot(L, ra, ra, i), i);
    L[rb + i] = (G[rb + i] - rowDot(L, rb, ra, i)) / L[ra + i];
    L[rb + i + 1] = pivot(G[rb + i + 1] - rowDot(L, rb, rb, i + 1), i + 1);
  }
  if (i < n) {
    const ra = i * n;
    for (let j = 0; j < i; j++) L[ra + j] = (G[ra + j] - rowDot(L, ra, j * n, j)) / L[j * n + j];
    L[ra + i] = pivot(G[ra + i] - rowDot(L, ra, ra, i), i);
  }
  return L;
}

/** Σ_{p<len} L[a+p]·L[b+p], with two partial sums. */
function rowDot(L: Float64Array, a: number, b: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let p = 0;
  for (; p + 1 < len; p += 2) {
    s0 += L[a + p] * L[b + p];
    s1 += L[a + p + 1] * L[b + p + 1];
  }
  if (p < len) s0 += L[a + p] * L[b + p];
  return s0 + s1;
}

function pivot(sum: number, i: number): number {
  if (!(sum > 0)) throw new Error(`cholesky: matrix is not positive definite (pivot ${i} = ${sum})`);
  return Math.sqrt(sum);
}
