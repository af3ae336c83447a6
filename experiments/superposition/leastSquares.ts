import type { Tf } from '../runtime/backend';
import { choleskySolve } from '../runtime/linalg';

/**
 * Ridge least-squares readoffs for a batch of independent problems:
 * for each b, R_b = argmin ‖H_b R − Y_b‖² + ridge·n·‖R‖², i.e. (H_bᵀH_b + ridge·n·I) R_b = H_bᵀY_b.
 * The Gram matrices come from one batched tfjs matmul (the expensive part); the d×d solves run in float64.
 * H is [batch, n, d] and Y is [batch, n, k], both row-major; returns R as [batch, d, k].
 */
export function fitReadoffs(tf: Tf, H: Float32Array, Y: Float32Array, batch: number, n: number, d: number, k: number, ridge: number): Float64Array {
  const [gram, rhs] = tf.tidy(() => {
    const h = tf.tensor3d(H, [batch, n, d]);
    const y = tf.tensor3d(Y, [batch, n, k]);
    // An explicit transpose then a plain matmul: wasm's transposeA path is several times slower.
    const hT = tf.transpose(h, [0, 2, 1]);
    return [tf.matMul(hT, h).dataSync(), tf.matMul(hT, y).dataSync()];
  });
  const out = new Float64Array(batch * d * k);
  const G = new Float64Array(d * d);
  for (let b = 0; b < batch; b++) {
    for (let p = 0; p < d * d; p++) G[p] = gram[b * d * d + p];
    for (let p = 0; p < d; p++) G[p * d + p] += ridge * n;
    out.set(choleskySolve(G, d, rhs.subarray(b * d * k, (b + 1) * d * k), k), b * d * k);
  }
  return out;
}
