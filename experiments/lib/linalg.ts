/** Small dense float64 linear algebra (tfjs core has no solve). Matrices are row-major. */

/**
 * Lower-triangular L with L·Lᵀ = G for symmetric positive definite G (n×n). Throws if G is not positive definite.
 *
 * Row by row (Cholesky–Crout): L[i][j] = (G[i][j] − Σ_{p<j} L[i][p]·L[j][p]) / L[j][j], the sum subtracted term by
 * term in order of p. For speed, rows are taken two at a time and columns two at a time, so each load of L serves two
 * products and four sums run side by side; every entry still gets the same float64 operations in the same order as
 * the one-entry-at-a-time loop (tests/lib/linalgReference.ts, the test oracle), so results are bit-identical to it.
 */
export function choleskyFactor(G: ArrayLike<number>, n: number): Float64Array {
  const L = new Float64Array(n * n);
  const pivot = (i: number, sum: number): number => {
    if (!(sum > 0)) throw new Error(`cholesky: matrix is not positive definite (pivot ${i} = ${sum})`);
    return Math.sqrt(sum);
  };
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const ri = i * n;
    const rk = ri + n; // row i + 1
    // Columns j, j + 1 < i of both rows (i is even, so they pair up exactly).
    for (let j = 0; j < i; j += 2) {
      const rj = j * n;
      const rl = rj + n; // row j + 1
      let sa = G[ri + j], sb = G[ri + j + 1], sc = G[rk + j], sd = G[rk + j + 1];
      for (let p = 0; p < j; p++) {
        const a = L[ri + p], c = L[rk + p], x = L[rj + p], y = L[rl + p];
        sa -= a * x;
        sb -= a * y;
        sc -= c * x;
        sd -= c * y;
      }
      const lij = sa / L[rj + j];
      const lkj = sc / L[rj + j];
      L[ri + j] = lij;
      L[rk + j] = lkj;
      // Column j + 1 still owes its term p = j.
      sb -= lij * L[rl + j];
      sd -= lkj * L[rl + j];
      L[ri + j + 1] = sb / L[rl + j + 1];
      L[rk + j + 1] = sd / L[rl + j + 1];
    }
    // The 2×2 diagonal block.
    let sii = G[ri + i], ski = G[rk + i], skk = G[rk + i + 1];
    for (let p = 0; p < i; p++) {
      const a = L[ri + p], c = L[rk + p];
      sii -= a * a;
      ski -= c * a;
      skk -= c * c;
    }
    const lii = pivot(i, sii);
    L[ri + i] = lii;
    const lki = ski / lii;
    L[rk + i] = lki;
    skk -= lki * lki;
    L[rk + i + 1] = pivot(i + 1, skk);
  }
  if (i < n) {
    // The last row when n is odd.
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let sum = G[ri + j];
      for (let p = 0; p < j; p++) sum -= L[ri + p] * L[rj + p];
      L[ri + j] = j === i ? pivot(i, sum) : sum / L[rj + j];
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
