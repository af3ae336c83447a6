/**
 * Kaarel's readoff from a random ReLU layer, h_k = ReLU(Σ_l W_lk x_l) with W_lk iid N(0,1), zero bias and
 * exactly s features on. Closed forms and 1-D quadratures for its constants and error moments
 * (superposition.md §3), and the readoff vectors themselves. Nothing here is fitted.
 *
 * Per neuron k, a readoff that is a function f(σ_i, σ_j) of the signs of W_ik, W_jk contributes f·h_k; neurons
 * are iid given the input, so the width-d readoff (1/d)Σ_k f·h_k has mean μ = E[f h] and variance (E[f²h²] − μ²)/d.
 * Both expectations reduce to 1-D integrals: in case (1,1) over u = (w_i + w_j)/√2, in case (1,0) over w_i.
 */

import { erfc, gaussianIntegral, normalCdf, normalPdf } from '../lib/special';

const SQRT2 = Math.SQRT2;
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** E[ReLU(a + Z)^p] for Z ~ N(0, σ²), p ∈ {1, 2}. */
export function reluMoment(a: number, sigma: number, p: 1 | 2): number {
  if (sigma === 0) return a > 0 ? a ** p : 0;
  const t = a / sigma;
  const Phi = normalCdf(t);
  const phi = normalPdf(t);
  return p === 1 ? a * Phi + sigma * phi : (a * a + sigma * sigma) * Phi + a * sigma * phi;
}

const TAIL = 12;

/** The four sign patterns (sign W_ik, sign W_jk). */
export const QUADRANTS = [
  [1, 1],
  [1, -1],
  [-1, 1],
  [-1, -1],
] as const;

/**
 * E[h^p · 1{(sign W_ik, sign W_jk) = q}] for each quadrant q in QUADRANTS order, for one neuron when x_i = a,
 * x_j = b and s features are on in all.
 */
export function quadrantMoments(s: number, a: 0 | 1, b: 0 | 1, p: 1 | 2): number[] {
  const key = `${s}/${a}${b}/${p}`;
  let cached = momentCache.get(key);
  if (!cached) momentCache.set(key, (cached = computeQuadrantMoments(s, a, b, p)));
  return cached.slice();
}

// The quadratures are pure and each costs milliseconds; experiments ask for the same few many times.
const momentCache = new Map<string, number[]>();

function computeQuadrantMoments(s: number, a: 0 | 1, b: 0 | 1, p: 1 | 2): number[] {
  const on = a + b;
  if (s < on) throw new Error(`quadrantMoments: s = ${s} < ${on} active pair features`);
  const sigma = Math.sqrt(s - on);
  if (on === 0) return QUADRANTS.map(() => reluMoment(0, sigma, p) / 4);
  if (on === 1) {
    // h depends on the active weight w only; the other sign is an independent fair coin.
    const pos = gaussianIntegral((w) => reluMoment(w, sigma, p), 0, TAIL) / 2;
    const neg = gaussianIntegral((w) => reluMoment(w, sigma, p), -TAIL, 0) / 2;
    // QUADRANTS: (+,+), (+,−), (−,+), (−,−); the active feature's sign is the first if a, else the second.
    return a ? [pos, pos, neg, neg] : [pos, neg, pos, neg];
  }
  // Both on: h = ReLU(√2 u + Z) with u = (w_i + w_j)/√2; given u, v = (w_i − w_j)/√2 ~ N(0,1) sets the quadrant.
  const m = (u: number) => reluMoment(SQRT2 * u, sigma, p);
  const same = (u: number) => 2 * normalCdf(Math.abs(u)) - 1; // P(|v| < |u|): both signs equal sign(u)
  const mixed = (u: number) => 1 - normalCdf(Math.abs(u)); // P(v > |u|), and likewise P(v < −|u|)
  const pp = gaussianIntegral((u) => same(u) * m(u), 0, TAIL);
  const nn = gaussianIntegral((u) => same(u) * m(u), -TAIL, 0);
  const pn = gaussianIntegral((u) => mixed(u) * m(u), -TAIL, 0) + gaussianIntegral((u) => mixed(u) * m(u), 0, TAIL);
  return [pp, pn, pn, nn];
}

/** A readoff weight that depends on the two weight signs only: r_k = f(σ_i, σ_j)/d. */
export type SignReadoff = (si: number, sj: number) => number;

/** Per-neuron mean E[f·h] and second moment E[f²·h²] of a sign-only readoff in case (a, b). */
export function signReadoffMoments(f: SignReadoff, s: number, a: 0 | 1, b: 0 | 1): { mean: number; second: number } {
  const m1 = quadrantMoments(s, a, b, 1);
  const m2 = quadrantMoments(s, a, b, 2);
  let mean = 0;
  let second = 0;
  QUADRANTS.forEach(([si, sj], q) => {
    const v = f(si, sj);
    mean += v * m1[q];
    second += v * v * m2[q];
  });
  return { mean, second };
}

/** c(s) = E[sign(w_i w_j)·ReLU(w_i + w_j + Z)], Z ~ N(0, s−2): the (1,1) mean of the unscaled sign readoff. */
export function signConstant(s: number): number {
  return signReadoffMoments((si, sj) => si * sj, s, 1, 1).mean;
}

/** c(2) in closed form. */
export const SIGN_CONSTANT_S2 = (Math.SQRT2 - 1) / Math.sqrt(Math.PI);

/** c_prod(s) = E[w_i w_j ReLU(S)] = E[δ(S)] = 1/√(2πs) by Stein's lemma twice, S ~ N(0, s). */
export function productConstant(s: number): number {
  return 1 / Math.sqrt(2 * Math.PI * s);
}

/** c1 = E[sign(w)·ReLU(w + Z)] = ∫_0^∞ w φ(w) dw = 1/√(2π), the same for every s (ReLU(t) − ReLU(−t) = t). */
export const FEATURE_CONSTANT = 1 / SQRT_2PI;

/**
 * E[(w_i w_j)² h²] = (s + 2a + 2b)/2 for the unscaled product readoff: write w = S/s + e with e ⟂ S and use
 * E[S^{2n} 1{S>0}] = (2n−1)!!·sⁿ/2 (derivation in the tests' brute-force check).
 */
export function productSecondMoment(s: number, a: 0 | 1, b: 0 | 1): number {
  return (s + 2 * a + 2 * b) / 2;
}

export interface CasePrediction {
  /** Mean readoff (not error) in this case, independent of d. */
  mean: number;
  /** RMS error times √d when the readoff is unbiased: the width-free constant K. */
  k: number;
}

/** Predicted mean and K for the sign readoff scaled by 1/c(sCal), on inputs with s features on, per case. */
export function signAndPrediction(s: number, a: 0 | 1, b: 0 | 1, sCal = s): CasePrediction {
  const c = signConstant(sCal);
  const mom = signReadoffMoments((si, sj) => (si * sj) / c, s, a, b);
  return { mean: mom.mean, k: Math.sqrt(mom.second - mom.mean ** 2) };
}

/** Predicted mean and K for the product readoff scaled by 1/c_prod(sCal). */
export function productAndPrediction(s: number, a: 0 | 1, b: 0 | 1, sCal = s): CasePrediction {
  const c = productConstant(sCal);
  const mean = a && b ? productConstant(s) / c : 0;
  return { mean, k: Math.sqrt(productSecondMoment(s, a, b) / (c * c) - mean ** 2) };
}

/** Predicted mean and K for the XOR readoff r_i + r_j − 2·r_ij, with r_ij scaled by 1/c(sCal). */
export function xorPrediction(s: number, a: 0 | 1, b: 0 | 1, sCal = s): CasePrediction {
  const c = signConstant(sCal);
  const mom = signReadoffMoments((si, sj) => (si + sj) / FEATURE_CONSTANT - (2 * si * sj) / c, s, a, b);
  return { mean: mom.mean, k: Math.sqrt(mom.second - mom.mean ** 2) };
}

/** K(s) = √(s/2)/c(s): RMS·√d of the sign readoff on the zero cases (E[h²] = s/2 whatever the case). */
export function kaarelK(s: number): number {
  return Math.sqrt(s / 2) / signConstant(s);
}

/** Σ_k sign(W_ik)·h_k: the unscaled single-feature readoff; divide by d·c1 to read x_i. */
export function featureSum(wi: ArrayLike<number>, h: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < wi.length; k++) sum += wi[k] > 0 ? h[k] : -h[k];
  return sum;
}

/**
 * Unscaled readoff sums over the first d neurons, for every d in `widths` (ascending): Σ_{k<d} sign(W_ik W_jk)·h_k
 * into outSign and Σ_{k<d} W_ik W_jk·h_k into outProd. One pass over the widest layer serves all narrower ones.
 */
export function prefixPairSums(
  wi: ArrayLike<number>,
  wj: ArrayLike<number>,
  h: ArrayLike<number>,
  widths: readonly number[],
  outSign: Float64Array,
  outProd: Float64Array,
): void {
  let accS = 0;
  let accP = 0;
  let k = 0;
  for (let w = 0; w < widths.length; w++) {
    const end = widths[w];
    for (; k < end; k++) {
      const hk = h[k];
      if (hk === 0) continue;
      const p = wi[k] * wj[k];
      accS += p > 0 ? hk : -hk;
      accP += p * hk;
    }
    outSign[w] = accS;
    outProd[w] = accP;
  }
}

/** E[max of N iid |N(0,1)|] = ∫_0^∞ 1 − (2Φ(x) − 1)^N dx: what the largest of N Gaussian errors should be, in RMS units. */
export function expectedMaxAbsNormal(N: number): number {
  const f = (x: number) => 1 - Math.exp(N * Math.log1p(-erfc(x / SQRT2)));
  const n = 4000;
  const hi = 12;
  const h = hi / n;
  let sum = 0;
  for (let k = 0; k <= n; k++) sum += (k === 0 || k === n ? 1 : k % 2 === 1 ? 4 : 2) * f(k * h);
  return (sum * h) / 3;
}
