import { describe, expect, it } from 'vitest';
import { choleskySolve } from '../../experiments/lib/linalg';
import { Rng } from '../../experiments/runtime/rng';
import { classWeights, fastMatMul, forward, trainNetwork, weightedLpLoss, weightedLpLossFn } from '../../experiments/superposition/trainReadoffs';

const { loadBackend } = await import('../../experiments/runtime/backend');
const { tf } = await loadBackend('wasm');

// A 2×2 batch: column 0 has targets 1, 1; column 1 has targets 0, 0.
const pred = [0.5, 0.2, 1.1, -0.1];
const tgt = [1, 0, 1, 0];

describe('class-weighted L_p loss', () => {
  it('averages each class separately, then weights the ones (hand computation, p = 6)', () => {
    const w = classWeights(tgt, 2);
    expect(Array.from(w)).toEqual([1, 0.5, 1, 0.5]); // ones: 2/2 each; zeros: 1/2 each
    // ones errors −0.5, 0.1; zeros errors 0.2, −0.1
    const ones = (0.015625 + 0.000001) / 2;
    const zeros = (0.000064 + 0.000001) / 2;
    const loss = weightedLpLoss(tf, tf.tensor2d(pred, [2, 2]), tf.tensor2d(tgt, [2, 2]), tf.tensor2d(w, [2, 2]), 6).dataSync()[0];
    expect(loss).toBeCloseTo(2 * ones + zeros, 7);
  });

  it('uses |e| for odd p (p = 3)', () => {
    const w = classWeights(tgt, 1);
    const expected = (0.125 + 0.001) / 2 + (0.008 + 0.001) / 2;
    const loss = weightedLpLoss(tf, tf.tensor2d(pred, [2, 2]), tf.tensor2d(tgt, [2, 2]), tf.tensor2d(w, [2, 2]), 3).dataSync()[0];
    expect(loss).toBeCloseTo(expected, 6);
  });

  it('gives an absent class no weight', () => {
    expect(Array.from(classWeights([0, 0, 0, 0], 5))).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(Array.from(classWeights([1, 1], 3))).toEqual([1.5, 1.5]);
  });

  it('custom-gradient version matches the value and a float64 finite difference', () => {
    const w = classWeights(tgt, 2);
    const f64 = (x: number[]) => x.reduce((s, v, t) => s + w[t] * Math.abs(v - tgt[t]) ** 6, 0);
    const fn = weightedLpLossFn(tf, tf.tensor2d(tgt, [2, 2]), tf.tensor2d(w, [2, 2]), 6);
    const { value, grads } = tf.variableGrads(() => fn(predVar), [predVar]);
    expect(value.dataSync()[0]).toBeCloseTo(f64(pred), 7);
    const g = grads[predVar.name].dataSync();
    pred.forEach((_, t) => {
      const h = 1e-5;
      const up = pred.map((v, u) => (u === t ? v + h : v));
      const dn = pred.map((v, u) => (u === t ? v - h : v));
      expect(g[t]).toBeCloseTo((f64(up) - f64(dn)) / (2 * h), 5);
    });
  });
});
const predVar = tf.variable(tf.tensor2d(pred, [2, 2]));

describe('fastMatMul', () => {
  it('has the gradient G·Bᵀ and Aᵀ·G of Σ G ⊙ (A·B), checked by hand loops', () => {
    const rng = new Rng(3, 'mm');
    const [n, k, m] = [3, 4, 2];
    const A = rng.fillNormal(new Float32Array(n * k));
    const B = rng.fillNormal(new Float32Array(k * m));
    const G = rng.fillNormal(new Float32Array(n * m));
    const a = tf.variable(tf.tensor2d(A, [n, k]));
    const b = tf.variable(tf.tensor2d(B, [k, m]));
    const mm = fastMatMul(tf);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(mm(a, b), tf.tensor2d(G, [n, m]))), [a, b]);
    const gA = grads[a.name].dataSync();
    const gB = grads[b.name].dataSync();
    for (let i = 0; i < n; i++) for (let p = 0; p < k; p++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += G[i * m + j] * B[p * m + j];
      expect(gA[i * k + p]).toBeCloseTo(s, 4);
    }
    for (let p = 0; p < k; p++) for (let j = 0; j < m; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += A[i * k + p] * G[i * m + j];
      expect(gB[p * m + j]).toBeCloseTo(s, 4);
    }
  });
});

// All 8 inputs of 3 boolean features; the output is x0 ∧ x1.
const CORNERS = Array.from({ length: 8 }, (_, c) => [c & 1, (c >> 1) & 1, (c >> 2) & 1]);
const fillCorners = (x: Float32Array, y: Float32Array) => {
  CORNERS.forEach((v, r) => {
    x.set(v, r * 3);
    y[r] = v[0] & v[1];
  });
};

describe('trainNetwork', () => {
  it('solves one AND of 3 features with a 4-neuron layer when the layer is trained', () => {
    const rng = new Rng(7, 'tiny');
    const init = { m: 3, d: 4, k: 1, W: rng.fillNormal(new Float32Array(12)), bias: new Float32Array(4), R: new Float32Array(4) };
    const run = trainNetwork(tf, { init, trainFirstLayer: true, steps: 3000, batch: 8, lr: 2e-2, lrFinal: 1e-3, epsilon: 1e-10, p: 2, onesWeight: 1, sampleBatch: fillCorners });
    const x = new Float32Array(24);
    const y = new Float32Array(8);
    fillCorners(x, y);
    const out = forward(tf, run.net, x, 8);
    const maxErr = Math.max(...Array.from(out, (v, r) => Math.abs(v - y[r])));
    expect(maxErr).toBeLessThan(0.05);
    expect(run.finalLoss).toBeLessThan(run.initialLoss / 100);
  });

  it('with a frozen layer reaches the weighted least-squares readoff (p = 2) and leaves W, bias untouched', () => {
    const rng = new Rng(8, 'frozen');
    const W = rng.fillNormal(new Float32Array(12));
    const bias = Float32Array.from([0.1, -0.2, 0.3, 0]);
    const init = { m: 3, d: 4, k: 1, W, bias, R: new Float32Array(4) };
    const run = trainNetwork(tf, { init, trainFirstLayer: false, steps: 4000, batch: 8, lr: 2e-2, lrFinal: 1e-4, epsilon: 1e-10, p: 2, onesWeight: 3, sampleBatch: fillCorners });
    expect(Array.from(run.net.W)).toEqual(Array.from(W));
    expect(Array.from(run.net.bias)).toEqual(Array.from(bias));
    // Normal equations Σ w h hᵀ r = Σ w h y in float64, with the class weights written out by hand: 2 ones, 6 zeros.
    const G = new Float64Array(16);
    const rhs = new Float64Array(4);
    CORNERS.forEach((v) => {
      const y = v[0] & v[1];
      const w = y ? 3 / 2 : 1 / 6;
      const h = [0, 1, 2, 3].map((k) => Math.max(0, bias[k] + v.reduce((s, xi, l) => s + xi * W[l * 4 + k], 0)));
      for (let a = 0; a < 4; a++) {
        rhs[a] += w * h[a] * y;
        for (let b = 0; b < 4; b++) G[a * 4 + b] += w * h[a] * h[b];
      }
    });
    const r = choleskySolve(G, 4, rhs, 1);
    r.forEach((v, k) => expect(run.net.R[k]).toBeCloseTo(v, 2));
  });
});
