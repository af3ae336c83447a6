import { describe, expect, it } from 'vitest';
import { bceRows, cleanOutputs, klRows, matchEntropy, meanEntropy, softplus } from '../../experiments/sae-errors/bernoulliKl';

const klDirect = (p: number, q: number) => p * Math.log(p / q) + (1 - p) * Math.log((1 - p) / (1 - q));
const sig = (z: number) => 1 / (1 + Math.exp(-z));

describe('Bernoulli KL from logits, float64', () => {
  it('matches a hand computation: p = 1/2, q = 3/4 gives ½·ln(4/3)', () => {
    const clean = cleanOutputs([0], 1, 1);
    const kl = klRows(clean, [Math.log(3)], 1, () => 0);
    expect(kl[0]).toBeCloseTo(0.5 * Math.log(4 / 3), 14);
  });

  it('sums over outputs and agrees with the direct formula on moderate logits', () => {
    const a = [2, -1, 0.3];
    const b = [-1, 0.5, 0.3];
    const kl = klRows(cleanOutputs(a, 1, 3), b, 1, () => 0)[0];
    const direct = a.reduce((s, ai, k) => s + klDirect(sig(ai), sig(b[k])), 0);
    expect(kl).toBeCloseTo(direct, 13);
  });

  it('is zero for an unchanged output and stays finite and accurate for saturated logits', () => {
    expect(klRows(cleanOutputs([30], 1, 1), [30], 1, () => 0)[0]).toBe(0);
    // p ≈ 1 − e^{−40}, q ≈ e^{−40}: KL = 40p + O(e^{−40}) ≈ 40
    const kl = klRows(cleanOutputs([40], 1, 1), [-40], 1, () => 0)[0];
    expect(kl).toBeCloseTo(40, 10);
  });

  it('applies a temperature to both sides: KL at inverse temperature s equals KL of s-scaled logits', () => {
    const s = 0.37;
    const kl = klRows(cleanOutputs([1.5, -2], 1, 2, s), [0.2, 1], 1, () => 0)[0];
    const direct = klDirect(sig(1.5 * s), sig(0.2 * s)) + klDirect(sig(-2 * s), sig(1 * s));
    expect(kl).toBeCloseTo(direct, 13);
  });

  it('BCE against labels: softplus(b) − y·b per output', () => {
    const bce = bceRows([1, 0], 2, [0.5, -0.25], 1, () => 0)[0];
    expect(bce).toBeCloseTo(-Math.log(sig(0.5)) - Math.log(1 - sig(-0.25)), 14);
    expect(softplus(-800)).toBe(0);
    expect(softplus(800)).toBe(800);
  });

  it('matchEntropy finds the inverse temperature that gives the target mean entropy', () => {
    const logits = [3, -4, -6, 5, -2];
    const s = matchEntropy(logits, 0.2);
    expect(meanEntropy(logits, s)).toBeCloseTo(0.2, 8);
  });
});
