/** Small dense float64 linear algebra (tfjs core has no solve). Matrices are row-major. */

/** Lower-triangular L with L·Lᵀ = G for symmetric positive definite G (n×n). Throws if G is not positive definite. */
export function choleskyFactor(G: ArrayLike<number>, n: number): Float64Array {
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

/**
 * Solve G X = B for symmetric positive definite G (n×n) and B (n×k) by Cholesky.
 * G and B are not modified. Throws if G is not positive definite.
 */
export function choleskySolve(G: ArrayLike<number>, n: number, B: ArrayLike<number>, k: number): Float64Array {
  const L = choleskyFactor(G, n);
  const X = Float64Array.from({ length: n * k }, (_, idx) => B[idx]);
  solveWithCholeskyFactor(L, n, n, X, k);
  return X;
}

/**
 * Overwrite X (d×k, row-major) with (L·Lᵀ)⁻¹X, where L is the leading d×d block of a lower-triangular Cholesky
 * factor stored row-major with row stride `stride` (≥ d): a forward then a back substitution per column.
 * The leading block of a factor is the factor of the leading block, so one factorisation serves nested sizes.
 */
export function solveWithCholeskyFactor(L: ArrayLike<number>, stride: number, d: number, X: Float64Array, k: number): void {
  if (!(d >= 0 && d <= stride)) throw new Error(`solveWithCholeskyFactor: size ${d} outside 0..${stride}`);
  if (X.length !== d * k) throw new Error(`solveWithCholeskyFactor: X has ${X.length} entries, expected ${d}×${k}`);
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < d; i++) {
      let sum = X[i * k + c];
      for (let p = 0; p < i; p++) sum -= L[i * stride + p] * X[p * k + c];
      X[i * k + c] = sum / L[i * stride + i];
    }
    for (let i = d - 1; i >= 0; i--) {
      let sum = X[i * k + c];
      for (let p = i + 1; p < d; p++) sum -= L[p * stride + i] * X[p * k + c];
      X[i * k + c] = sum / L[i * stride + i];
    }
  }
}

/** Determinant by Gaussian elimination with partial pivoting. */
export function determinant(A: ArrayLike<number>, n: number): number {
  const M = Float64Array.from(A as ArrayLike<number>);
  let det = 1;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r * n + c]) > Math.abs(M[piv * n + c])) piv = r;
    if (M[piv * n + c] === 0) return 0;
    if (piv !== c) {
      for (let j = 0; j < n; j++) [M[c * n + j], M[piv * n + j]] = [M[piv * n + j], M[c * n + j]];
      det = -det;
    }
    det *= M[c * n + c];
    for (let r = c + 1; r < n; r++) {
      const f = M[r * n + c] / M[c * n + c];
      for (let j = c; j < n; j++) M[r * n + j] -= f * M[c * n + j];
    }
  }
  return det;
}

/** Row-major transpose of a rows×cols matrix. */
export function transpose(A: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = A[r * cols + c];
  return out;
}
