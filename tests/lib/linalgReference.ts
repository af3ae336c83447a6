import { Rng } from '../../experiments/runtime/rng';

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

/** A seeded SPD matrix XXᵀ/cols + ridge·I (n×n, float64) from a Gaussian X with `cols` columns; few columns make it ill-conditioned. */
export function spd(n: number, cols: number, ridge: number, seed: number): Float64Array {
  const rng = new Rng(seed, `spd${n}`);
  const X = Float64Array.from({ length: n * cols }, () => rng.normal());
  const G = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b <= a; b++) {
      let t = 0;
      for (let c = 0; c < cols; c++) t += X[a * cols + c] * X[b * cols + c];
      G[a * n + b] = G[b * n + a] = t / cols + (a === b ? ridge : 0);
    }
  }
  return G;
}
