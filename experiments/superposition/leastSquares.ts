import type { Tf } from '../runtime/backend';
import { choleskySolve } from '../runtime/linalg';

/**
 * Ridge least-squares readoffs for a batch of independent problems:
 * for each b, R_b = argmin ‖H_b R − Y_b‖² + ridge·n·‖R‖², i.e. (H_bᵀH_b + ridge·n·I) R_b = H_bᵀY_b.
 * The Gram matrices come from tfjs matmuls (the expensive part); the d×d solves run in float64.
 * H is [batch, n, d] and Y is [batch, n, k], both row-major; returns R as [batch, d, k].
 */
export function fitReadoffs(tf: Tf, H: Float32Array, Y: Float32Array, batch: number, n: number, d: number, k: number, ridge: number): Float64Array {
  const out = new Float64Array(batch * d * k);
  for (let b = 0; b < batch; b++) {
    // One 2-D matmul per problem with an explicit transpose: on wasm this is several times faster
    // than a batched 3-D matmul or the transposeA flag.
    const h = tf.tensor2d(H.subarray(b * n * d, (b + 1) * n * d), [n, d]);
    const y = tf.tensor2d(Y.subarray(b * n * k, (b + 1) * n * k), [n, k]);
    const hT = tf.transpose(h);
    const gramT = tf.matMul(hT, h);
    const rhsT = tf.matMul(hT, y);
    const G = Float64Array.from(gramT.dataSync());
    const rhs = rhsT.dataSync();
    for (const t of [h, y, hT, gramT, rhsT]) t.dispose();
    for (let p = 0; p < d; p++) G[p * d + p] += ridge * n;
    out.set(choleskySolve(G, d, rhs, k), b * d * k);
  }
  return out;
}
