import type { NormalStream } from './normalStream';

/**
 * The local learning coefficient (LLC) estimated by stochastic-gradient Langevin dynamics, after Lau, Furman, Wang,
 * Murfet & Wei (AISTATS 2025): λ̂(w*) = nβ·(E[L_n(w)] − L_n(w*)), the expectation under the localised tempered
 * posterior p(w) ∝ exp(−nβ·L_n(w) − (γ/2)‖w − w*‖²). Full-batch: the gradient is exact, so the only noise is the
 * injected one. One step is
 *   w ← w − (ε/2)·(nβ·∇L_n(w) + γ·(w − w*)) + √ε·ξ,  ξ ~ N(0, I).
 */

/** A loss with its gradient: `lossGrad(w, grad)` writes ∇L_n(w) into grad and returns L_n(w). */
export interface LossModel {
  dim: number;
  lossGrad(w: Float64Array, grad: Float64Array): number;
}

export interface SgldSettings {
  /** nβ: the sample size times the inverse temperature (n/ln n for β* = 1/ln n). */
  nBeta: number;
  /** γ: strength of the localisation towards w*. */
  gamma: number;
  /** ε: the step size. */
  epsilon: number;
  /** Steps discarded before averaging. */
  burnIn: number;
  /** Steps averaged after the burn-in. */
  draws: number;
}

export interface SgldChain {
  /** nβ·(mean L_n over the draws − L_n(w*)); NaN when the chain diverged. */
  lambdaHat: number;
  /** The same over the first and the second half of the draws: a stationarity check. */
  firstHalf: number;
  secondHalf: number;
  diverged: boolean;
}

/** One chain from w*. A chain diverges when the loss stops being finite or nβ·(L − L*) exceeds `divergeAt`. */
export function sgldChain(model: LossModel, wStar: Float64Array, lossStar: number, s: SgldSettings, normals: NormalStream, divergeAt = 1e6): SgldChain {
  const d = model.dim;
  if (wStar.length !== d) throw new Error(`sgldChain: w* has ${wStar.length} entries, the model ${d}`);
  for (const [k, v] of Object.entries(s)) if (!(Number.isFinite(v) && v >= 0)) throw new Error(`sgldChain: ${k} must be a finite number ≥ 0, got ${v}`);
  const w = Float64Array.from(wStar);
  const grad = new Float64Array(d);
  const half = s.epsilon / 2;
  const noise = Math.sqrt(s.epsilon);
  let sum1 = 0;
  let sum2 = 0;
  const firstCount = Math.floor(s.draws / 2);
  for (let t = 0; t < s.burnIn + s.draws; t++) {
    const loss = model.lossGrad(w, grad);
    const excess = s.nBeta * (loss - lossStar);
    if (!Number.isFinite(excess) || excess > divergeAt) return { lambdaHat: NaN, firstHalf: NaN, secondHalf: NaN, diverged: true };
    const i = t - s.burnIn;
    if (i >= 0) {
      if (i < firstCount) sum1 += excess;
      else sum2 += excess;
    }
    const z = normals.take(d);
    for (let k = 0; k < d; k++) w[k] += -half * (s.nBeta * grad[k] + s.gamma * (w[k] - wStar[k])) + noise * z[k];
  }
  const secondCount = s.draws - firstCount;
  return {
    lambdaHat: (sum1 + sum2) / s.draws,
    firstHalf: firstCount > 0 ? sum1 / firstCount : NaN,
    secondHalf: secondCount > 0 ? sum2 / secondCount : NaN,
    diverged: false,
  };
}

/**
 * What the estimator gives on a quadratic loss L_n(w*) + ½ Σ h_i δ_i², exactly, including the step-size bias: each
 * mode is an autoregression δ ← (1 − ε a/2) δ + √ε ξ with a = nβ h + γ, whose stationary variance is
 * 1/(a (1 − ε a/4)), so E[nβ(L − L*)] = ½ Σ nβ h_i / (a_i (1 − ε a_i / 4)). With ε = 0 this is the continuous-time
 * value ½ Σ nβh/(nβh + γ), which tends to d/2 (the regular model's λ) as γ → 0. Infinite when ε a ≥ 4 (unstable).
 */
export function quadraticLlc(curvatures: ArrayLike<number>, nBeta: number, gamma: number, epsilon = 0): number {
  let total = 0;
  for (let i = 0; i < curvatures.length; i++) {
    const h = curvatures[i];
    const a = nBeta * h + gamma;
    const shrink = 1 - (epsilon * a) / 4;
    if (shrink <= 0) return Infinity;
    total += (nBeta * h) / (a * shrink);
  }
  return total / 2;
}
