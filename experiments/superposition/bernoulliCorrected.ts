/**
 * A bias-corrected readoff for the post's 0/1 layer (bernoulliLayer.ts). With s′ other features on, a neuron's
 * output depends on how many of its own features are on: a neuron wired to α and β (shared) outputs
 * ReLU(a + b − 1 + K), one wired to α but not β (α-only) ReLU(a − 1 + K), with K ~ Bin(s′, p) independent across
 * neurons. Writing μ = s′p and b0 = E ReLU(K − 1) = μ − 1 + (1 − p)^{s′}, the case means of the three group averages are
 *
 *   case    shared   α-only   β-only
 *   (1,1)   1 + μ    μ        μ
 *   (1,0)   μ        μ        b0
 *   (0,0)   b0       b0       b0
 *
 * so  ŷ = (z̄_shared − z̄_α-only − z̄_β-only + b0) / (1 − p)^{s′}  has mean exactly AND(a, b) in all four cases: the
 * post's readoff z̄_shared carries the bias μ = s′p on (1,1) and (1,0), which is what forces its p down as d^(−1/3).
 * Like Kaarel's c(s), the constants need s′ known. An empty group contributes 0 to its mean.
 */
import { type BernoulliLayer, pairReadoff, sharedNeurons } from './bernoulliLayer';
import { outputMoments } from './bernoulliTheory';

/** The neurons of α's list that are not in the sorted list `shared`. */
export function exclusiveNeurons(layer: BernoulliLayer, alpha: number, shared: Int32Array): Int32Array {
  const out: number[] = [];
  let y = 0;
  for (const k of layer.neuronsOf[alpha]) {
    while (y < shared.length && shared[y] < k) y++;
    if (y < shared.length && shared[y] === k) continue;
    out.push(k);
  }
  return Int32Array.from(out);
}

export interface PairGroups {
  shared: Int32Array;
  onlyA: Int32Array;
  onlyB: Int32Array;
}

export function pairGroups(layer: BernoulliLayer, alpha: number, beta: number): PairGroups {
  const shared = sharedNeurons(layer, alpha, beta);
  return { shared, onlyA: exclusiveNeurons(layer, alpha, shared), onlyB: exclusiveNeurons(layer, beta, shared) };
}

/** Mean output ReLU(Σ_{active} W_kα − 1) over a group of neurons; 0 for an empty group (the post's readoff is this over the shared group). */
export const groupMean: (layer: BernoulliLayer, group: Int32Array, active: readonly number[]) => number = pairReadoff;

/** The correction's constants: b0 = E ReLU(K − 1) and the scale 1/(1 − p)^{s′}. */
export function correctionConstants(sPrime: number, p: number): { b0: number; scale: number } {
  return { b0: outputMoments(0, 0, sPrime, p).mean, scale: 1 / (1 - p) ** sPrime };
}

/** The bias-corrected AND estimate for the inputs `active` (the pair's own features included when on). */
export function correctedPairReadoff(layer: BernoulliLayer, g: PairGroups, active: readonly number[], sPrime: number): number {
  const { b0, scale } = correctionConstants(sPrime, layer.p);
  return (groupMean(layer, g.shared, active) - groupMean(layer, g.onlyA, active) - groupMean(layer, g.onlyB, active) + b0) * scale;
}

/**
 * Leading-order RMS of the corrected readoff, the four cases weighted equally: each group mean has variance
 * Var z / (group size), with sizes replaced by their means dp² and dp(1 − p). Unbiased, so this is all variance;
 * at fixed p it falls as d^(−1/2).
 */
export function correctedRmsApprox(sPrime: number, p: number, d: number): number {
  const { scale } = correctionConstants(sPrime, p);
  let sum = 0;
  for (const [a, b] of [
    [0, 0],
    [1, 0],
    [0, 1],
    [1, 1],
  ]) {
    const vShared = outputMoments(a, b, sPrime, p).variance;
    const vA = outputMoments(a, 0, sPrime, p).variance;
    const vB = outputMoments(0, b, sPrime, p).variance;
    sum += vShared / (d * p * p) + (vA + vB) / (d * p * (1 - p));
  }
  return scale * Math.sqrt(sum / 4);
}
