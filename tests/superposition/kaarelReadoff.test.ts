import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import {
  FEATURE_CONSTANT,
  SIGN_CONSTANT_S2,
  expectedMaxAbsNormal,
  featureSum,
  prefixPairSums,
  productAndPrediction,
  productConstant,
  productSecondMoment,
  signAndPrediction,
  signConstant,
  signReadoffMoments,
  xorPrediction,
} from '../../experiments/superposition/kaarelReadoff';

const relu = (x: number) => (x > 0 ? x : 0);

/** Monte Carlo mean and standard error of f over n draws. */
function monteCarlo(n: number, f: () => number): { mean: number; se: number } {
  let s = 0;
  let s2 = 0;
  for (let t = 0; t < n; t++) {
    const v = f();
    s += v;
    s2 += v * v;
  }
  const mean = s / n;
  return { mean, se: Math.sqrt((s2 / n - mean * mean) / n) };
}

describe('readoff constants', () => {
  it('c(2) by quadrature equals the closed form (√2−1)/√π', () => {
    expect(SIGN_CONSTANT_S2).toBeCloseTo(0.23369497725510915, 14);
    expect(signConstant(2)).toBeCloseTo(SIGN_CONSTANT_S2, 9);
  });

  for (const s of [3, 6]) {
    it(`c(${s}) by quadrature agrees with Monte Carlo of sign(w1 w2)·ReLU(w1 + w2 + Z)`, () => {
      const rng = new Rng(11, `c${s}`);
      const sd = Math.sqrt(s - 2);
      const mc = monteCarlo(400_000, () => {
        const w1 = rng.normal();
        const w2 = rng.normal();
        return Math.sign(w1 * w2) * relu(w1 + w2 + sd * rng.normal());
      });
      expect(Math.abs(mc.mean - signConstant(s))).toBeLessThan(4 * mc.se);
    });
  }

  it('the product constant 1/√(2πs) and second moments (s+2a+2b)/2 agree with Monte Carlo', () => {
    const s = 4;
    const rng = new Rng(12, 'prod');
    for (const [a, b] of [[0, 0], [1, 0], [1, 1]] as const) {
      const draws = { first: [] as number[], second: [] as number[] };
      const mc1 = monteCarlo(300_000, () => {
        const w1 = rng.normal();
        const w2 = rng.normal();
        let pre = a * w1 + b * w2;
        for (let l = 0; l < s - a - b; l++) pre += rng.normal();
        const v = w1 * w2 * relu(pre);
        draws.second.push(v * v);
        return v;
      });
      const mc2 = monteCarlo(draws.second.length, (() => { let k = 0; return () => draws.second[k++]; })());
      expect(Math.abs(mc1.mean - (a && b ? productConstant(s) : 0))).toBeLessThan(4 * mc1.se);
      expect(Math.abs(mc2.mean - productSecondMoment(s, a, b))).toBeLessThan(4 * mc2.se);
    }
    expect(productConstant(2)).toBeCloseTo(1 / Math.sqrt(4 * Math.PI), 15);
  });

  it('the single-feature constant is 1/√(2π) for every s, by quadrature and by Monte Carlo', () => {
    for (const s of [1, 2, 5, 9]) {
      expect(signReadoffMoments((si) => si, s, 1, 0).mean).toBeCloseTo(FEATURE_CONSTANT, 9);
    }
    const rng = new Rng(13, 'c1');
    const mc = monteCarlo(300_000, () => {
      const w = rng.normal();
      return Math.sign(w) * relu(w + Math.sqrt(4) * rng.normal());
    });
    expect(Math.abs(mc.mean - FEATURE_CONSTANT)).toBeLessThan(4 * mc.se);
  });

  it('the expected maximum of N Gaussians matches the closed forms at N = 1 and 2', () => {
    expect(expectedMaxAbsNormal(1)).toBeCloseTo(Math.sqrt(2 / Math.PI), 9);
    expect(expectedMaxAbsNormal(2)).toBeCloseTo(2 / Math.sqrt(Math.PI), 9);
  });
});

describe('readoffs on a hand-computed 2-neuron layer', () => {
  // Rows: feature i, feature j, feature l; columns: the two neurons.
  const wi = [1, -2];
  const wj = [3, 1];
  const wl = [-1, 2.5];
  it('reads AND, the product, x_i and XOR as computed by hand', () => {
    const c = 0.5;
    const cp = 0.25;
    const c1 = 0.4;
    // Input {i, j}: pre-activations (4, −1), so h = (4, 0); sign(W_i·W_j) = (+, −); W_i·W_j = (3, −2).
    const h = [4, 0];
    const d = 2;
    const sign = new Float64Array(1);
    const prod = new Float64Array(1);
    prefixPairSums(wi, wj, h, [d], sign, prod);
    expect(sign[0] / (d * c)).toBeCloseTo(4, 12);
    expect(prod[0] / (d * cp)).toBeCloseTo(24, 12);
    expect(featureSum(wi, h) / (d * c1)).toBeCloseTo(5, 12);
    // XOR: (1/(2c1))·(sign W_i + sign W_j) − 2·(1/(2c))·sign(W_i W_j) = (2.5, 0) − (2, −2) on h = (4, 0).
    expect((featureSum(wi, h) + featureSum(wj, h)) / (d * c1) - (2 * sign[0]) / (d * c)).toBeCloseTo(2, 12);
  });

  it('prefix sums give the unscaled readoffs of the first d neurons', () => {
    // Input {i, l}: pre-activations (0, 0.5), so h = (0, 0.5).
    const h = [relu(wi[0] + wl[0]), relu(wi[1] + wl[1])];
    const outS = new Float64Array(2);
    const outP = new Float64Array(2);
    prefixPairSums(wi, wj, h, [1, 2], outS, outP);
    expect(Array.from(outS)).toEqual([0, -0.5]);
    expect(Array.from(outP)).toEqual([0, -1]);
  });
});

describe('RMS law K/√d against a brute-force random layer', () => {
  // Fresh layer per trial: d neurons, each with its own weights for i, j and the other active features.
  function bruteForce(s: number, d: number, a: 0 | 1, b: 0 | 1, trials: number, seed: number) {
    const rng = new Rng(seed, `brute/${s}/${a}${b}`);
    const c = signConstant(s);
    const cp = productConstant(s);
    const errs = { sign: [] as number[], product: [] as number[], xor: [] as number[] };
    for (let t = 0; t < trials; t++) {
      let sign = 0;
      let prod = 0;
      let xor = 0;
      for (let k = 0; k < d; k++) {
        const w1 = rng.normal();
        const w2 = rng.normal();
        let pre = a * w1 + b * w2;
        for (let l = 0; l < s - a - b; l++) pre += rng.normal();
        const h = relu(pre);
        sign += Math.sign(w1 * w2) * h;
        prod += w1 * w2 * h;
        xor += (Math.sign(w1) + Math.sign(w2)) * h;
      }
      errs.sign.push(sign / (d * c) - a * b);
      errs.product.push(prod / (d * cp) - a * b);
      errs.xor.push(xor / (d * FEATURE_CONSTANT) - (2 * sign) / (d * c) - (a ^ b));
    }
    const rms = (e: number[]) => Math.sqrt(e.reduce((x, v) => x + v * v, 0) / e.length);
    const mean = (e: number[]) => e.reduce((x, v) => x + v, 0) / e.length;
    return { rms: { sign: rms(errs.sign), product: rms(errs.product), xor: rms(errs.xor) }, mean: { sign: mean(errs.sign), product: mean(errs.product), xor: mean(errs.xor) } };
  }

  for (const [a, b] of [[0, 0], [1, 0], [1, 1]] as const) {
    it(`s = 3, d = 16, case (${a},${b}): unbiased, RMS = K/√d for sign, product and XOR readoffs`, () => {
      const s = 3;
      const d = 16;
      const trials = 20_000;
      const bf = bruteForce(s, d, a, b, trials, 21);
      const predicted = {
        sign: signAndPrediction(s, a, b).k / Math.sqrt(d),
        product: productAndPrediction(s, a, b).k / Math.sqrt(d),
        xor: xorPrediction(s, a, b).k / Math.sqrt(d),
      };
      for (const r of ['sign', 'product', 'xor'] as const) {
        // RMS of 20 000 draws has relative standard error ≈ √(kurtosis−1)/(2√N) ≲ 1.5% here.
        expect(bf.rms[r] / predicted[r]).toBeGreaterThan(0.96);
        expect(bf.rms[r] / predicted[r]).toBeLessThan(1.04);
        expect(Math.abs(bf.mean[r])).toBeLessThan((4 * predicted[r]) / Math.sqrt(trials));
      }
      if (a + b === 0) expect(predicted.sign * Math.sqrt(d)).toBeCloseTo(Math.sqrt(s / 2) / signConstant(s), 9);
    });
  }
});
