/**
 * The affine readoff of (x_i, x_j) that minimises a weighted L_p loss over the four corners,
 * Σ_k w_k |A_k·c − y_k|^p. As p grows the fit approaches the minimax readoff; at p = 2 it is least squares.
 * Newton's method on a high power is badly conditioned from a cold start, so p is raised gradually
 * from 2, each stage warm-started from the last.
 */
import { choleskySolve } from '../lib/linalg';

export function lpAffineFit(design: number[][], y: number[], w: number[], p: number): number[] {
  if (p < 2) throw new Error(`lpAffineFit needs p ≥ 2, got ${p}`);
  let c = new Array<number>(design[0].length).fill(0);
  let stage = 2;
  for (;;) {
    c = newton(design, y, w, stage, c);
    if (stage === p) return c;
    stage = Math.min(p, stage * 1.25);
  }
}

function newton(design: number[][], y: number[], w: number[], p: number, start: number[]): number[] {
  const n = start.length;
  const residuals = (coef: number[]) => design.map((row, k) => row.reduce((t, a, j) => t + a * coef[j], 0) - y[k]);
  const loss = (coef: number[]) => residuals(coef).reduce((s, e, k) => s + w[k] * Math.abs(e) ** p, 0);
  let c = start;
  let current = loss(c);
  for (let it = 0; it < 200; it++) {
    const e = residuals(c);
    const biggest = Math.max(...e.map((v) => Math.abs(v) ** (p - 2)));
    const g = new Float64Array(n);
    const H = new Float64Array(n * n);
    design.forEach((row, k) => {
      const d1 = w[k] * p * Math.sign(e[k]) * Math.abs(e[k]) ** (p - 1);
      // A floor relative to the largest curvature keeps H positive definite when some errors vanish.
      const d2 = w[k] * p * (p - 1) * Math.max(Math.abs(e[k]) ** (p - 2), 1e-9 * biggest);
      for (let a = 0; a < n; a++) {
        g[a] += d1 * row[a];
        for (let b = 0; b < n; b++) H[a * n + b] += d2 * row[a] * row[b];
      }
    });
    const step = choleskySolve(H, n, g, 1);
    let t = 1;
    let next = c.map((v, j) => v - step[j]);
    let nextLoss = loss(next);
    while (!(nextLoss < current) && t > 1e-12) {
      t /= 2;
      next = c.map((v, j) => v - t * step[j]);
      nextLoss = loss(next);
    }
    if (!(nextLoss < current)) break;
    const converged = current - nextLoss <= 1e-13 * current;
    c = next;
    current = nextLoss;
    if (converged) break;
  }
  return c;
}
