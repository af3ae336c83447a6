/**
 * Test oracle: lib/linalg's Cholesky factor as it was before it was blocked two rows by two columns (session 8), one
 * entry at a time. The blocked factor must reproduce it bit for bit: every entry by the same float64 operations in the
 * same order.
 */
export function choleskyFactorOneByOne(G: ArrayLike<number>, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = G[i * n + j];
      for (let p = 0; p < j; p++) sum -= L[i * n + p] * L[j * n + p];
      if (i === j) {
        if (!(sum > 0)) throw new Error(`cholesky: matrix is not positive definite (pivot ${i} = ${sum})`);
        L[i * n + i] = Math.sqrt(sum);
      } else {
        L[i * n + j] = sum / L[j * n + j];
      }
    }
  }
  return L;
}
