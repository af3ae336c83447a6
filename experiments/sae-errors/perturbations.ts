/**
 * Perturbations compared with the SAE splice. Every baseline is scaled to exactly the norm it is compared at, per
 * sample: ε-random (Gurnee's l2_error_preserving: a uniform direction on the sphere), a covariance-matched random
 * direction (Lee & Heimersheim's cov-random mixture: the difference of two draws from N(μ, Σ) fitted to the data),
 * and another sample's SAE error.
 */
import { choleskyFactor } from '../lib/linalg';
import type { Rng } from '../runtime/rng';

/**
 * The resolution of a per-sample output KL (nats): the floor of the per-sample ratio statistics (medianLogRatio,
 * fracGreater in lib/pairedStats). Each KL is a float64 sum, by cancellation, over at most a few thousand outputs of
 * terms no larger than about |logit| + 1 ≤ 100, so its rounding error is below 4,096 · 100 · 2⁻⁵² ≈ 10⁻¹⁰ nats; the
 * floor is 100 times that, and orders of magnitude below the mean KLs the comparisons report (≥ 10⁻² nats).
 */
export const KL_RESOLUTION = 1e-8;

export function norm(v: ArrayLike<number>, offset = 0, d = v.length): number {
  let s = 0;
  for (let c = 0; c < d; c++) s += v[offset + c] ** 2;
  return Math.sqrt(s);
}

/** out[offset..] = x[xOff..] + eps·dir/‖dir‖ (a zero direction adds nothing). */
export function addScaled(x: ArrayLike<number>, xOff: number, dir: ArrayLike<number>, dirOff: number, d: number, eps: number, out: Float32Array, offset: number): void {
  const n = norm(dir, dirOff, d);
  const s = n > 0 ? eps / n : 0;
  for (let c = 0; c < d; c++) out[offset + c] = x[xOff + c] + s * dir[dirOff + c];
}

/** A uniform unit direction in R^d. */
export function randomUnit(rng: Rng, d: number): Float64Array {
  const g = new Float64Array(d);
  for (let c = 0; c < d; c++) g[c] = rng.normal();
  const n = norm(g);
  for (let c = 0; c < d; c++) g[c] /= n;
  return g;
}

/** Sampler of directions a − b with a, b ~ N(μ, Σ): a − b ~ N(0, 2Σ), so directions are L·g (LLᵀ = Σ), normalised. */
export class CovDirections {
  private readonly L: Float64Array;
  constructor(readonly d: number, x: Float32Array, n: number, ridge = 1e-6) {
    const mu = new Float64Array(d);
    for (let r = 0; r < n; r++) for (let c = 0; c < d; c++) mu[c] += x[r * d + c] / n;
    const S = new Float64Array(d * d);
    for (let r = 0; r < n; r++)
      for (let i = 0; i < d; i++) {
        const a = x[r * d + i] - mu[i];
        for (let j = 0; j <= i; j++) S[i * d + j] += (a * (x[r * d + j] - mu[j])) / (n - 1);
      }
    let tr = 0;
    for (let i = 0; i < d; i++) tr += S[i * d + i];
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < i; j++) S[j * d + i] = S[i * d + j];
      S[i * d + i] += (ridge * tr) / d;
    }
    this.L = choleskyFactor(S, d);
  }
  sample(rng: Rng): Float64Array {
    const { d, L } = this;
    const g = new Float64Array(d);
    for (let c = 0; c < d; c++) g[c] = rng.normal();
    const v = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j <= i; j++) s += L[i * d + j] * g[j];
      v[i] = s;
    }
    const n = norm(v);
    for (let c = 0; c < d; c++) v[c] /= n;
    return v;
  }
}
