import { choleskySolve, transpose } from '../lib/linalg';
import type { Products } from './wasmProducts';

/**
 * Ridge least squares for a batch of independent problems, the numbers of lib/tfjs's `batchedRidgeLeastSquares` bit
 * for bit: for each b, (H_bᵀH_b + ridge·n·I) R_b = H_bᵀY_b, solved in float64. The products come from
 * wasmProducts.ts (tfjs-wasm's matMul sums, the Gram matrix from its upper triangle) instead of tfjs.
 * H is [batch, n, d] and Y is [batch, n, k], both row-major; returns R as [batch, d, k].
 */
export function ridgeLeastSquares(products: Products, H: Float32Array, Y: Float32Array, batch: number, n: number, d: number, k: number, ridge: number): Float64Array {
  const out = new Float64Array(batch * d * k);
  for (let b = 0; b < batch; b++) {
    const h = H.subarray(b * n * d, (b + 1) * n * d);
    const hT = transpose(h, n, d);
    const G = Float64Array.from(products.gram(hT, h, d, n));
    const rhs = products.matMul(hT, d, n, Y.subarray(b * n * k, (b + 1) * n * k), k);
    for (let p = 0; p < d; p++) G[p * d + p] += ridge * n;
    out.set(choleskySolve(G, d, rhs, k), b * d * k);
  }
  return out;
}
