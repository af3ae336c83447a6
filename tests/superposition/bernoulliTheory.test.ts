import { describe, expect, it } from 'vitest';
import { layerFromWeights, pairReadoff, sharedNeurons } from '../../experiments/superposition/bernoulliLayer';
import {
  binomialPmf,
  optimalP,
  optimalPApprox,
  outputMoments,
  plainErrorQuantile,
  postP,
  predictCase,
  predictRms,
  sharedCount,
} from '../../experiments/superposition/bernoulliTheory';

function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
  return c;
}

/** E and Var of ReLU(a + b − 1 + K), K ~ Bin(s', p), by summing over every value of K. */
function bruteOutput(a: number, b: number, sPrime: number, p: number) {
  let m1 = 0;
  let m2 = 0;
  for (let k = 0; k <= sPrime; k++) {
    const w = choose(sPrime, k) * p ** k * (1 - p) ** (sPrime - k);
    const z = Math.max(0, a + b - 1 + k);
    m1 += w * z;
    m2 += w * z * z;
  }
  return { mean: m1, variance: m2 - m1 * m1 };
}

/**
 * Every 0/1 layer of d neurons over m = 2 + sPrime features, weighted by its probability: the exact law of the
 * post's readoff for pair (0, 1) with features 2..sPrime+1 on, computed with the real readoff code.
 */
function enumerateLayers(d: number, sPrime: number, p: number, a: number, b: number) {
  const m = 2 + sPrime;
  const bits = d * m;
  const active = [...(a ? [0] : []), ...(b ? [1] : []), ...Array.from({ length: sPrime }, (_, i) => 2 + i)];
  const target = a & b;
  const atoms: { err: number; w: number; shared: number }[] = [];
  for (let code = 0; code < 1 << bits; code++) {
    let ones = 0;
    const W = Array.from({ length: d }, (_, k) =>
      Array.from({ length: m }, (_, f) => {
        const bit = (code >> (k * m + f)) & 1;
        ones += bit;
        return bit;
      }),
    );
    const w = p ** ones * (1 - p) ** (bits - ones);
    const layer = layerFromWeights(W);
    const shared = sharedNeurons(layer, 0, 1);
    atoms.push({ err: pairReadoff(layer, shared, active) - target, w, shared: shared.length });
  }
  return atoms;
}

describe('closed forms of the 0/1 construction', () => {
  it('matches brute-force enumeration of K ~ Bin(s′, p) for one neuron', () => {
    for (const sPrime of [1, 2, 4, 7]) {
      for (const p of [0.03, 0.2, 0.5]) {
        for (const [a, b] of [
          [0, 0],
          [1, 0],
          [1, 1],
        ]) {
          const exact = outputMoments(a, b, sPrime, p);
          const brute = bruteOutput(a, b, sPrime, p);
          expect(exact.mean).toBeCloseTo(brute.mean, 12);
          expect(exact.variance).toBeCloseTo(brute.variance, 12);
        }
      }
    }
  });

  it('gives the bias s′p on (1,1) and (1,0), and s′p − 1 + (1−p)^s′ ≈ C(s′,2)p² on (0,0)', () => {
    const p = 0.01;
    const s = 4;
    expect(outputMoments(1, 1, s, p).mean - 1).toBeCloseTo(s * p, 14);
    expect(outputMoments(1, 0, s, p).mean).toBeCloseTo(s * p, 14);
    const zero = outputMoments(0, 0, s, p).mean;
    expect(zero).toBeCloseTo(s * p - 1 + (1 - p) ** s, 14);
    // Leading order C(4,2)p² = 6e-4; the next term is −C(4,3)p³.
    expect(Math.abs(zero - 6 * p * p)).toBeLessThan(5 * p ** 3);
  });

  it('predicts the exact MSE, conditional bias and conditional variance of every tiny layer', () => {
    for (const [d, sPrime, p] of [
      [3, 1, 0.35],
      [2, 2, 0.5],
      [3, 2, 0.25],
    ]) {
      for (const [a, b] of [
        [0, 0],
        [1, 0],
        [1, 1],
      ]) {
        const atoms = enumerateLayers(d, sPrime, p, a, b);
        const mse = atoms.reduce((s, x) => s + x.w * x.err * x.err, 0);
        const some = atoms.filter((x) => x.shared > 0);
        const pSome = some.reduce((s, x) => s + x.w, 0);
        const bias = some.reduce((s, x) => s + x.w * x.err, 0) / pSome;
        const variance = some.reduce((s, x) => s + x.w * (x.err - bias) ** 2, 0) / pSome;
        const pred = predictCase(a, b, sPrime, p, d);
        expect(pred.mse).toBeCloseTo(mse, 12);
        expect(pred.bias).toBeCloseTo(bias, 12);
        expect(pred.variance).toBeCloseTo(variance, 12);
      }
    }
  });

  it('computes E[1/N | N ≥ 1] and P(N = 0) for N ~ Bin(d, p²) like a direct sum', () => {
    for (const [d, p] of [
      [10, 0.3],
      [50, 0.1],
      [400, 0.1],
    ]) {
      const q = p * p;
      let inv = 0;
      for (let n = 1; n <= Math.min(d, 80); n++) inv += (choose(d, n) * q ** n * (1 - q) ** (d - n)) / n;
      const pNone = (1 - q) ** d;
      const sc = sharedCount(d, p);
      expect(sc.pNone).toBeCloseTo(pNone, 12);
      expect(sc.invMeanGivenSome).toBeCloseTo(inv / (1 - pNone), 8);
    }
  });

  it('has a binomial law that sums to one and survives n = 4096, q = 0.16', () => {
    const pmf = binomialPmf(4096, 0.16);
    expect(pmf.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 10);
    const mean = pmf.reduce((s, v, k) => s + v * k, 0);
    expect(mean).toBeCloseTo(4096 * 0.16, 6);
  });

  it('finds the RMS-optimal p, which tends to (2s′d)^(−1/3) at large d', () => {
    const { p, rms } = optimalP(2, 1024);
    for (let x = 0.01; x < 0.9; x *= 1.01) expect(predictRms(2, x, 1024)).toBeGreaterThanOrEqual(rms - 1e-12);
    expect(Math.abs(predictRms(2, p * 1.05, 1024) - rms)).toBeLessThan(0.01 * rms);
    expect(optimalP(1, 1 << 18).p / optimalPApprox(1, 1 << 18)).toBeCloseTo(1, 1);
  });

  it('reads the post’s p = log²(d0)/√d as 2.12 at d0 = d = 100, as commenter X547 did', () => {
    expect(postP(100, 100)).toBeCloseTo(2.1208, 4);
  });

  it('gives the exact 99th percentile of |error| of every tiny layer', () => {
    const d = 3;
    const s = 3;
    const p = 0.4;
    for (const q of [0.5, 0.9, 0.99]) {
      // All layers over 5 features (pair + 3 others), the four cases weighted equally.
      const atoms: { v: number; w: number }[] = [];
      for (const [a, b] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ]) {
        const sPrime = s - a - b;
        for (const x of enumerateLayers(d, sPrime, p, a, b)) atoms.push({ v: Math.round(Math.abs(x.err) * 1e9) / 1e9, w: x.w / 4 });
      }
      const byValue = new Map<number, number>();
      for (const x of atoms) byValue.set(x.v, (byValue.get(x.v) ?? 0) + x.w);
      const sorted = [...byValue.entries()].sort((x, y) => y[0] - x[0]);
      let tail = 0;
      let expected = 0;
      for (const [v, w] of sorted) {
        if (tail + w > 1 - q) {
          expected = v;
          break;
        }
        tail += w;
      }
      expect(plainErrorQuantile(s, d, p, q)).toBeCloseTo(expected, 9);
    }
  });
});
