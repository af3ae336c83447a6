import { choleskyFactor } from '../lib/linalg';
import type { Rng } from '../runtime/rng';
import type { Products } from './wasmProducts';

/** Inputs in superposition: features are random unit vectors φ_α ∈ R^{d0} (lib/unitVectors), and an input with active set A is x = Σ_{α∈A} φ_α. */
/** The n×d0 matrix of inputs x_t = Σ_{α∈A_t} φ_α. */
export function embedInputs(Phi: Float32Array, d0: number, inputs: readonly (readonly number[])[]): Float32Array {
  const X = new Float32Array(inputs.length * d0);
  inputs.forEach((active, t) => {
    for (const a of active) for (let c = 0; c < d0; c++) X[t * d0 + c] += Phi[a * d0 + c];
  });
  return X;
}

/**
 * PT[k, α] = g_k·φ_α for a d×d0 layer G with iid N(0, 1) entries, as a d×m matrix. Only the law of these projections
 * matters (each row is N(0, ΦΦᵀ), rows independent), so with few features (m ≤ d0/4) they are drawn as Z·Lᵀ with
 * L·Lᵀ = ΦΦᵀ and Z d×m iid normal: d·m normals instead of d·d0. Otherwise G is drawn and multiplied. `gram` gives
 * ΦΦᵀ (a caller that needs it too computes it once).
 */
export function gaussianProjections(products: Products, rng: Rng, PhiT: Float32Array, m: number, d0: number, d: number, gram: () => Float32Array): Float32Array {
  if (4 * m > d0) return products.matMul(rng.fillNormal(new Float32Array(d * d0)), d, d0, PhiT, m);
  const L = choleskyFactor(gram(), m);
  const LT = new Float32Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) LT[j * m + i] = L[i * m + j];
  return products.matMul(rng.fillNormal(new Float32Array(d * m)), d, m, LT, m);
}
