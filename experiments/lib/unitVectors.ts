import type { Rng } from '../runtime/rng';

/**
 * m random unit vectors of R^d (normalised Gaussians, so uniform on the sphere and ⟨φ_α, φ_β⟩ ≈ N(0, 1/d)),
 * as the rows of an m×d matrix. Used for feature directions in superposition by more than one writeup.
 */
export function randomUnitVectors(rng: Rng, m: number, d: number): Float32Array {
  const out = rng.fillNormal(new Float32Array(m * d));
  for (let a = 0; a < m; a++) {
    let sq = 0;
    for (let c = 0; c < d; c++) sq += out[a * d + c] ** 2;
    const inv = 1 / Math.sqrt(sq);
    for (let c = 0; c < d; c++) out[a * d + c] *= inv;
  }
  return out;
}
