import type { Tf } from '../runtime/backend';
import { choleskyFactor, solveWithCholeskyFactor } from './linalg';

/**
 * Ridge least-squares readoffs at several nested widths from one Gram matrix: for each width d (ascending), the
 * readoff from the first d columns of H, R_d = argmin ‖H_d R − Y‖² + ridge·n·‖R‖². The leading d×d block of HᵀH is
 * H_dᵀH_d, and the Cholesky factor of a leading block is the leading block of the factor, so one matmul ([H | Y]ᵀ[H | Y])
 * and one factorisation serve every width; each width then costs two triangular solves (lib/linalg.ts).
 * H is n×dMax and Y is n×k, row-major; returns one d×k readoff (row-major, float64) per width.
 */
export function nestedRidgeLeastSquares(tf: Tf, H: Float32Array, Y: Float32Array, n: number, dMax: number, k: number, widths: readonly number[], ridge: number): Float64Array[] {
  const cols = dMax + k;
  const Z = new Float32Array(n * cols);
  for (let r = 0; r < n; r++) {
    Z.set(H.subarray(r * dMax, (r + 1) * dMax), r * cols);
    Z.set(Y.subarray(r * k, (r + 1) * k), r * cols + dMax);
  }
  // ZᵀZ by a plain matmul on an explicitly transposed operand (see lib/tfjs.ts for why).
  const z = tf.tensor2d(Z, [n, cols]);
  const zT = tf.transpose(z);
  const gram = tf.matMul(zT, z);
  const ZtZ = gram.dataSync();
  tf.dispose([z, zT, gram]);
  const G = new Float64Array(dMax * dMax);
  for (let i = 0; i < dMax; i++) {
    for (let j = 0; j < dMax; j++) G[i * dMax + j] = ZtZ[i * cols + j];
    G[i * dMax + i] += ridge * n;
  }
  const L = choleskyFactor(G, dMax);
  return widths.map((d) => {
    if (!(d >= 1 && d <= dMax)) throw new Error(`nestedRidgeLeastSquares: width ${d} outside 1..${dMax}`);
    const X = new Float64Array(d * k);
    for (let i = 0; i < d; i++) for (let c = 0; c < k; c++) X[i * k + c] = ZtZ[i * cols + dMax + c];
    solveWithCholeskyFactor(L, dMax, d, X, k);
    return X;
  });
}
