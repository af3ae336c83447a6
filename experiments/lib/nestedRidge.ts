import type { Tf } from '../runtime/backend';
import { choleskyFactorRows } from './choleskyRows';
import { solveWithCholeskyFactor } from './linalg';

/**
 * Ridge least-squares readoffs at several nested widths from one Gram matrix: for each width d (ascending), the
 * readoff from the first d columns of H, R_d = argmin ‖H_d R − Y‖² + ridge·n·‖R‖². The leading d×d block of HᵀH is
 * H_dᵀH_d, and the Cholesky factor of a leading block is the leading block of the factor, so one Gram of [H | Y]
 * and one factorisation serve every width; each width then costs two triangular solves (lib/linalg.ts).
 * H is n×dMax and Y is n×k, row-major; returns one d×k readoff (row-major, float64) per width.
 */
export function nestedRidgeLeastSquares(tf: Tf, H: Float32Array, Y: Float32Array, n: number, dMax: number, k: number, widths: readonly number[], ridge: number): Float64Array[] {
  for (const d of widths) if (!(d >= 1 && d <= dMax)) throw new Error(`nestedRidgeLeastSquares: width ${d} outside 1..${dMax}`);
  const { G, rhs } = lowerGram(tf, H, Y, n, dMax, k);
  for (let i = 0; i < dMax; i++) G[i * dMax + i] += ridge * n;
  const L = choleskyFactorRows(G, dMax);
  return widths.map((d) => {
    const X = new Float64Array(d * k);
    for (let i = 0; i < d; i++) for (let c = 0; c < k; c++) X[i * k + c] = rhs[c * dMax + i];
    solveWithCholeskyFactor(L, dMax, d, X, k);
    return X;
  });
}

/** Columns of H per block of lowerGram: four blocks at the fits' widths (200), none narrower than this. */
const MIN_BLOCK = 48;

/**
 * The lower triangle of HᵀH (dMax×dMax, float64, upper triangle left 0) and YᵀH (k×dMax), from float32 matmuls on the
 * tfjs backend. Z = [H | Y] is cut into column blocks b; block b's matmul is Zᵀ[from b's first column on] · Z[:, b],
 * the part of ZᵀZ on and below the diagonal, so a Gram costs about 5/8 of the full product at four blocks. Zᵀ is built
 * here (a transposed operand takes the wasm backend's slow path), and its rows from a block on are one contiguous
 * slice.
 */
export function lowerGram(tf: Tf, H: Float32Array, Y: Float32Array, n: number, dMax: number, k: number): { G: Float64Array; rhs: Float64Array } {
  const cols = dMax + k;
  const Zt = new Float32Array(cols * n);
  // In tiles of 16 rows, so the rows read and the runs written both stay in cache.
  for (let r0 = 0; r0 < n; r0 += 16) {
    const r1 = Math.min(n, r0 + 16);
    for (let c = 0; c < dMax; c++) for (let r = r0; r < r1; r++) Zt[c * n + r] = H[r * dMax + c];
    for (let c = 0; c < k; c++) for (let r = r0; r < r1; r++) Zt[(dMax + c) * n + r] = Y[r * k + c];
  }
  const G = new Float64Array(dMax * dMax);
  const rhs = new Float64Array(k * dMax);
  const width = Math.max(MIN_BLOCK, Math.ceil(dMax / 4));
  for (let c0 = 0; c0 < dMax; c0 += width) {
    const w = Math.min(width, dMax - c0);
    const block = new Float32Array(n * w);
    for (let r = 0; r < n; r++) block.set(H.subarray(r * dMax + c0, r * dMax + c0 + w), r * w);
    const a = tf.tensor2d(Zt.subarray(c0 * n), [cols - c0, n]);
    const b = tf.tensor2d(block, [n, w]);
    const prod = tf.matMul(a, b);
    const v = prod.dataSync(); // (cols − c0)×w: rows c0.. of ZᵀZ, columns c0..c0+w
    tf.dispose([a, b, prod]);
    for (let i = c0; i < cols; i++) {
      const src = (i - c0) * w;
      if (i < dMax) for (let j = c0; j < Math.min(c0 + w, i + 1); j++) G[i * dMax + j] = v[src + j - c0];
      else for (let j = 0; j < w; j++) rhs[(i - dMax) * dMax + c0 + j] = v[src + j];
    }
  }
  return { G, rhs };
}
