import { symmetricEigen } from '../lib/symmetricEigenvectors';

/** Principal directions of a sample of activations (n rows × d): the top k eigenvectors of the covariance (float64, lib/symmetricEigenvectors). */
export function principalDirections(x: ArrayLike<number>, n: number, d: number, k: number): Float64Array[] {
  const mu = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let c = 0; c < d; c++) mu[c] += x[r * d + c] / n;
  const S = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < d; c++) row[c] = x[r * d + c] - mu[c];
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) S[i * d + j] += (row[i] * row[j]) / n;
  }
  return symmetricEigen(S, d).vectors.slice(0, Math.min(k, d));
}
