import type { Tf } from '../runtime/backend';
import { choleskySolve } from './linalg';

/**
 * TensorFlow.js helpers, and the speed rules they follow. Measured by `npx tsx scripts/measureTfjs.ts` on the wasm
 * backend (tfjs 4.22, Node 20, one core of a shared 2-core x86-64 machine; ranges over two runs):
 * - a matMul with `transposeA` runs 7–15× slower than `tf.transpose` followed by a plain matMul (2048×256 Gram);
 * - reading `dataSync()` of a result returned from inside `tf.tidy` ran 4–10× slower than building the same
 *   tensors outside tidy, reading them, and disposing them by hand;
 * - one 2-D matMul per problem beat one batched 3-D matMul over 16 problems by 1.6–2×.
 * Hence: plain 2-D matmuls on explicitly transposed operands, `dataSync()` outside tidy, `tf.dispose` by hand.
 * Re-measure before relying on these on another backend.
 */

/** A·B for row-major A (rows×inner) and B (inner×cols), by one plain 2-D matmul; pass B already transposed where needed. */
export function matMul(tf: Tf, A: Float32Array, rows: number, inner: number, B: Float32Array, cols: number): Float32Array {
  const a = tf.tensor2d(A, [rows, inner]);
  const b = tf.tensor2d(B, [inner, cols]);
  const c = tf.matMul(a, b);
  const out = c.dataSync() as Float32Array;
  tf.dispose([a, b, c]);
  return out;
}

/**
 * Ridge least squares for a batch of independent problems:
 * for each b, R_b = argmin ‖H_b R − Y_b‖² + ridge·n·‖R‖², i.e. (H_bᵀH_b + ridge·n·I) R_b = H_bᵀY_b.
 * The Gram matrices come from tfjs matmuls (the expensive part); the d×d solves run in float64.
 * H is [batch, n, d] and Y is [batch, n, k], both row-major; returns R as [batch, d, k].
 */
export function batchedRidgeLeastSquares(tf: Tf, H: Float32Array, Y: Float32Array, batch: number, n: number, d: number, k: number, ridge: number): Float64Array {
  const out = new Float64Array(batch * d * k);
  for (let b = 0; b < batch; b++) {
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
