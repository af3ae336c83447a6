import { choleskySolve, determinant } from '../lib/linalg';

/** The corners (x_i, x_j) with a constant column: the design matrix of an affine readoff of two inputs. */
export const CORNER_DESIGN = [
  [0, 0, 1],
  [1, 0, 1],
  [0, 1, 1],
  [1, 1, 1],
];

export interface AffineFit {
  /** Coefficients on the design's columns: here (w_i, w_j, c). */
  coef: number[];
  /** Error (readoff − target) on each point. */
  errors: number[];
  maxAbsError: number;
}

/**
 * Best worst-case (Chebyshev) affine fit on exactly p+1 points with p parameters.
 * The left null vector λ of the design (λᵀA = 0, from signed minors) gives the minimax error
 * |λ·y| / ‖λ‖₁, reached with errors of equal size and signs following λ.
 */
export function minimaxAffine(design: number[][], y: number[]): AffineFit {
  const p = design[0].length;
  if (design.length !== p + 1) throw new Error(`minimaxAffine needs ${p + 1} points for ${p} parameters, got ${design.length}`);
  const lambda = design.map((_, k) => {
    const minor = design.filter((__, r) => r !== k).flat();
    return (k % 2 === 0 ? 1 : -1) * determinant(minor, p);
  });
  const dot = lambda.reduce((s, l, k) => s + l * y[k], 0);
  const norm1 = lambda.reduce((s, l) => s + Math.abs(l), 0);
  const h = Math.abs(dot) / norm1;
  const sigma = Math.sign(dot) || 1;
  // Residual y − Ac = σ·h·sign(λ) is consistent; solve it by (exact) least squares.
  const shifted = y.map((v, k) => v - sigma * h * Math.sign(lambda[k]));
  const coef = weightedLeastSquares(design, shifted, design.map(() => 1));
  const errors = design.map((row, k) => row.reduce((s, a, c) => s + a * coef[c], 0) - y[k]);
  return { coef, errors, maxAbsError: Math.max(...errors.map(Math.abs)) };
}

/** argmin_c Σ_k w_k (A_k·c − y_k)², by the normal equations. */
export function weightedLeastSquares(design: number[][], y: number[], w: number[]): number[] {
  const p = design[0].length;
  const G = new Float64Array(p * p);
  const b = new Float64Array(p);
  design.forEach((row, k) => {
    for (let r = 0; r < p; r++) {
      b[r] += w[k] * row[r] * y[k];
      for (let c = 0; c < p; c++) G[r * p + c] += w[k] * row[r] * row[c];
    }
  });
  return Array.from(choleskySolve(G, p, b, 1));
}

/**
 * The MSE-optimal affine readoff of a pair function when x_i, x_j are independent Bernoulli(q):
 * weight each corner by its probability. For AND this is q·x_i + q·x_j − q², which misses (1,1) by (1−q)².
 */
export function mseAffine(y: number[], q: number): AffineFit {
  const w = CORNER_DESIGN.map(([a, b]) => (a ? q : 1 - q) * (b ? q : 1 - q));
  const coef = weightedLeastSquares(CORNER_DESIGN, y, w);
  const errors = CORNER_DESIGN.map((row, k) => row.reduce((s, a, c) => s + a * coef[c], 0) - y[k]);
  return { coef, errors, maxAbsError: Math.max(...errors.map(Math.abs)) };
}
