import { symmetricEigen } from './symmetricEigenvectors';

/**
 * Eigenvalues (descending) of a small symmetric matrix by the cyclic Jacobi method of lib/symmetricEigenvectors (one
 * solver in the repository). Accurate to a few ulps of the largest eigenvalue; O(n³) per sweep, so for matrices up to
 * a few hundred rows (a Gram matrix JJᵀ of a small network, say).
 */
export function symmetricEigenvalues(matrix: ArrayLike<number>, n: number, maxSweeps = 60): Float64Array {
  return symmetricEigen(matrix, n, maxSweeps).values;
}
