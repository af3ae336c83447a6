import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { layerFromWeights, pairReadoff, sampleBernoulliLayer, sharedNeurons, superposedPairReadoff } from '../../experiments/superposition/bernoulliLayer';
import { predictCase } from '../../experiments/superposition/bernoulliTheory';
import { pairCaseActive } from '../../experiments/superposition/sparseInputs';

// W[k][α]: four neurons over three features.
const HAND = [
  [1, 1, 0],
  [1, 1, 1],
  [0, 1, 1],
  [1, 1, 1],
];

describe('the post’s 0/1 layer', () => {
  it('reads a hand-built layer as computed by hand', () => {
    const layer = layerFromWeights(HAND);
    // Features 0 and 1 share neurons 0, 1 and 3.
    expect(Array.from(sharedNeurons(layer, 0, 1))).toEqual([0, 1, 3]);
    expect(Array.from(sharedNeurons(layer, 0, 2))).toEqual([1, 3]);
    // All three on: z0 = ReLU(2−1) = 1, z1 = ReLU(3−1) = 2, z3 = 2 → (1+2+2)/3.
    expect(pairReadoff(layer, sharedNeurons(layer, 0, 1), [0, 1, 2])).toBeCloseTo(5 / 3, 12);
    // Only feature 0 on: every shared neuron sees 1 − 1 = 0.
    expect(pairReadoff(layer, sharedNeurons(layer, 0, 1), [0])).toBe(0);
    // Features 0 and 2 on, read for the pair (0, 1): z0 = 0, z1 = 1, z3 = 1 → 2/3.
    expect(pairReadoff(layer, sharedNeurons(layer, 0, 1), [0, 2])).toBeCloseTo(2 / 3, 12);
    // Pair (0, 1) on, feature 2 off: z0 = z1 = z3 = 1 → exactly 1.
    expect(pairReadoff(layer, sharedNeurons(layer, 0, 1), [0, 1])).toBe(1);
  });

  it('reads superposed overlaps by hand, and equals the boolean readoff for orthonormal features', () => {
    const layer = layerFromWeights(HAND);
    const shared = sharedNeurons(layer, 0, 1);
    expect(superposedPairReadoff(layer, shared, [1, 1, 1])).toBeCloseTo(pairReadoff(layer, shared, [0, 1, 2]), 12);
    expect(superposedPairReadoff(layer, shared, [1, 0, 1])).toBeCloseTo(pairReadoff(layer, shared, [0, 2]), 12);
    // u = (0.9, 0.2, −0.3): neuron 0: 0.9+0.2−1 = 0.1; neuron 1: 0.8−1 < 0 → 0; neuron 3: same as 1 → 0.
    expect(superposedPairReadoff(layer, shared, [0.9, 0.2, -0.3])).toBeCloseTo(0.1 / 3, 12);
    expect(superposedPairReadoff(layer, new Int32Array(0), [1, 1, 1])).toBe(0);
  });

  it('samples iid Bernoulli(p) weights with consistent index lists', () => {
    const m = 300;
    const d = 400;
    const p = 0.1;
    const layer = sampleBernoulliLayer(new Rng(3, 'layer'), m, d, p);
    let ones = 0;
    for (const v of layer.bits) ones += v;
    const n = m * d;
    expect(Math.abs(ones - n * p)).toBeLessThan(4 * Math.sqrt(n * p * (1 - p)));
    for (const a of [0, 17, 299]) for (const k of layer.neuronsOf[a]) expect(layer.bits[a * d + k]).toBe(1);
    let total = 0;
    for (let k = 0; k < d; k++) {
      total += layer.featuresOf[k].length;
      for (const a of layer.featuresOf[k]) expect(layer.bits[a * d + k]).toBe(1);
    }
    expect(total).toBe(ones);
    // Pairs share about dp² neurons.
    let shared = 0;
    for (let i = 0; i < 100; i++) shared += sharedNeurons(layer, 2 * i, 2 * i + 1).length;
    expect(shared / 100).toBeGreaterThan(d * p * p * 0.75);
    expect(shared / 100).toBeLessThan(d * p * p * 1.25);
  });

  it('has the closed-form bias when simulated end to end', () => {
    const m = 400;
    const d = 600;
    const p = 0.12;
    const sPrime = 3;
    const rng = new Rng(9, 'inputs');
    for (const [a, b] of [
      [1, 1],
      [1, 0],
      [0, 0],
    ]) {
      const errs: number[] = [];
      for (let rep = 0; rep < 6; rep++) {
        const layer = sampleBernoulliLayer(new Rng(rep, 'layers'), m, d, p);
        for (let pair = 0; pair < 40; pair++) {
          const [i, j] = [2 * pair, 2 * pair + 1];
          const shared = sharedNeurons(layer, i, j);
          if (shared.length === 0) continue;
          for (let t = 0; t < 10; t++) errs.push(pairReadoff(layer, shared, pairCaseActive(rng, m, sPrime + a + b, i, j, a, b)) - (a & b));
        }
      }
      const mean = errs.reduce((s, v) => s + v, 0) / errs.length;
      const pred = predictCase(a, b, sPrime, p, d);
      // Pairs repeat across inputs, so allow a generous 5 standard errors of the pair-level spread.
      expect(Math.abs(mean - pred.bias)).toBeLessThan(5 * Math.sqrt(pred.variance / 240) + 1e-3);
    }
  });
});
