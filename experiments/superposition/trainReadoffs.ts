/**
 * Training a one-hidden-layer network y = R·ReLU(W x + b) with Adam on a class-weighted L_p loss, the setup of
 * Jake Mendel's U-AND experiment: either everything is trained, or the first layer stays frozen and only R learns.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../runtime/backend';

/**
 * Per-entry weights that make Σ w·|e|^p equal onesWeight·mean_{y=1}|e|^p + mean_{y=0}|e|^p: each class is averaged
 * over its own entries, so the rare ones count as much as the many zeros. A class absent from the batch gets no weight.
 */
export function classWeights(y: ArrayLike<number>, onesWeight: number, out = new Float32Array(y.length)): Float32Array {
  let ones = 0;
  for (let t = 0; t < y.length; t++) ones += y[t];
  const zeros = y.length - ones;
  const wOne = ones > 0 ? onesWeight / ones : 0;
  const wZero = zeros > 0 ? 1 / zeros : 0;
  for (let t = 0; t < y.length; t++) out[t] = y[t] === 1 ? wOne : wZero;
  return out;
}

/** Σ w·|pred − target|^p. With classWeights this is the class-balanced L_p loss. */
export function weightedLpLoss(tf: Tf, pred: TF.Tensor, target: TF.Tensor, weights: TF.Tensor, p: number): TF.Scalar {
  return tf.tidy(() => {
    const e = tf.sub(pred, target);
    return tf.sum(tf.mul(absPower(tf, e, p), weights));
  });
}

/** |e|^p: repeated squaring for even p (pow/abs are slower and abs has a kink at 0), pow otherwise. */
function absPower(tf: Tf, e: TF.Tensor, p: number): TF.Tensor {
  if (p === 0) return tf.onesLike(e);
  if (!Number.isInteger(p / 2) || p < 0) return tf.pow(tf.abs(e), p);
  let result: TF.Tensor | null = null;
  let base = tf.square(e);
  for (let k = p / 2; k > 0; k >>= 1) {
    if (k & 1) result = result ? tf.mul(result, base) : base;
    if (k > 1) base = tf.square(base);
  }
  return result!;
}

/** Weights of y = R·ReLU(x W + bias), row-major: W is m×d, R is d×k. */
export interface TwoLayerNet {
  m: number;
  d: number;
  k: number;
  W: Float32Array;
  bias: Float32Array;
  R: Float32Array;
}

/**
 * The stopping rule: the loss is averaged over consecutive windows of `window` steps; a window that is not at least
 * `minImprovement` (relative) below the best earlier window halves the step size, and training stops at the
 * `halvings`-th halving (or at the step cap).
 */
export interface PlateauStopping {
  window: number;
  minImprovement: number;
  halvings: number;
}

export interface TrainOptions {
  /** Initial network; W and bias are left as they are unless trainFirstLayer. */
  init: TwoLayerNet;
  trainFirstLayer: boolean;
  /** Steps to run; with `stopping`, the cap. */
  steps: number;
  batch: number;
  /** Adam step size, decayed linearly from lr to lrFinal over the steps; with `stopping`, lr halved on each plateau (lrFinal unused). */
  lr: number;
  lrFinal: number;
  stopping?: PlateauStopping;
  /** Steps (counted as steps taken) after which onCheckpoint sees the network. */
  checkpoints?: readonly number[];
  onCheckpoint?(stepsTaken: number, net: TwoLayerNet): void;
  /** Adam's ε: small, because L_p gradients with p ≈ 6 are tiny once errors are below 1. */
  epsilon: number;
  p: number;
  onesWeight: number;
  /** Fill one batch: x is batch×m, y is batch×k, both row-major. */
  sampleBatch(x: Float32Array, y: Float32Array): void;
  /** Called between steps (abort checks, progress). */
  onStep?(step: number): void;
}

export interface TrainResult {
  net: TwoLayerNet;
  /** Loss of the last few steps, averaged: a check that training went somewhere. */
  finalLoss: number;
  initialLoss: number;
  /** Steps taken, and whether the stopping rule ('plateau') or the step count ('cap') ended training. */
  stepsTaken: number;
  stoppedBy: 'plateau' | 'cap';
  /** With `stopping`: the mean loss of each completed window. */
  windowLosses: number[];
}

/**
 * Adam on y = R·ReLU(x W + b) with the class-weighted L_p loss, gradients written out by hand rather than taped:
 * with a frozen layer only R's gradient is computed (autodiff computed the hidden layer's too, and discarded it),
 * and the readoffs are stored transposed (Rᵀ, k×d) so the large, changing matrix stays on the left of each matmul
 * (the wasm matmul re-packs its right operand on every call). The update is tfjs's AdamOptimizer's, written out;
 * tests/superposition/trainReadoffs.test.ts checks it against autodiff with tf.train.adam.
 */
export function trainNetwork(tf: Tf, opt: TrainOptions): TrainResult {
  const { m, d, k } = opt.init;
  const { batch, p } = opt;
  const b1 = 0.9;
  const b2 = 0.999;
  // tf.variable copies its initial value, so the initial tensors are made and freed inside a tidy.
  const [W, bias, Rt] = tf.tidy(() => [
    tf.variable(tf.tensor2d(opt.init.W, [m, d]), false),
    tf.variable(tf.tensor2d(opt.init.bias, [1, d]), false),
    tf.variable(tf.transpose(tf.tensor2d(opt.init.R, [d, k])), false),
  ]);
  const vars = opt.trainFirstLayer ? [W, bias, Rt] : [Rt];
  const moments = vars.map((v) => tf.tidy(() => [tf.variable(tf.zerosLike(v), false), tf.variable(tf.zerosLike(v), false)]));
  const x = new Float32Array(batch * m);
  const y = new Float32Array(batch * k);
  const yT = new Float32Array(k * batch);
  const wT = new Float32Array(k * batch);
  const tail = Math.max(1, Math.min(50, Math.floor(opt.steps / 10)));
  const stop = opt.stopping;
  const checkpoints = new Set(opt.checkpoints ?? []);
  const snapshot = (): TwoLayerNet => {
    const R = tf.tidy(() => tf.transpose(Rt));
    const net = { m, d, k, W: W.dataSync().slice() as Float32Array, bias: bias.dataSync().slice() as Float32Array, R: R.dataSync().slice() as Float32Array };
    R.dispose();
    return net;
  };
  const recent: number[] = []; // the last `tail` losses
  const windowLosses: number[] = [];
  let windowSum = 0;
  let best = Infinity;
  let halvings = 0;
  let plateauLr = opt.lr;
  let stepsTaken = 0;
  let stoppedBy: TrainResult['stoppedBy'] = 'cap';
  let initialLoss = NaN;
  try {
    for (let step = 0; step < opt.steps; step++) {
      opt.onStep?.(step);
      opt.sampleBatch(x, y);
      // Targets and class weights, transposed to k×batch to match the layout of the outputs.
      let ones = 0;
      for (let t = 0; t < y.length; t++) ones += y[t];
      const zeros = y.length - ones;
      const wOne = ones > 0 ? opt.onesWeight / ones : 0;
      const wZero = zeros > 0 ? 1 / zeros : 0;
      for (let r = 0; r < batch; r++) {
        for (let o = 0; o < k; o++) {
          const v = y[r * k + o];
          yT[o * batch + r] = v;
          wT[o * batch + r] = v === 1 ? wOne : wZero;
        }
      }
      const lr = stop ? plateauLr : opt.lr + ((opt.lrFinal - opt.lr) * step) / Math.max(1, opt.steps - 1);
      const wantLoss = stop !== undefined || step === 0 || step >= opt.steps - tail;
      const loss = tf.tidy(() => {
        const xs = tf.tensor2d(x, [batch, m]);
        const h = tf.relu(tf.add(tf.matMul(xs, W), bias)); // batch×d
        const predT = tf.matMul(Rt, tf.transpose(h)); // k×batch
        const e = tf.sub(predT, tf.tensor2d(yT, [k, batch]));
        const ws = tf.tensor2d(wT, [k, batch]);
        const eBelow = absPower(tf, e, p - 2); // |e|^(p−2)
        // dLoss/dpred = p·w·|e|^(p−2)·e
        const gT = tf.mul(tf.mul(e, eBelow), tf.mul(ws, p));
        const grads: TF.Tensor[] = [];
        if (opt.trainFirstLayer) {
          const dh = tf.mul(tf.matMul(tf.transpose(gT), Rt), tf.step(h)); // batch×d
          grads.push(tf.matMul(tf.transpose(xs), dh), tf.sum(dh, 0, true));
        }
        grads.push(tf.matMul(gT, h)); // k×d = (dLoss/dR)ᵀ
        // Adam, as tfjs's AdamOptimizer computes it.
        const c1 = 1 - b1 ** (step + 1);
        const c2 = 1 - b2 ** (step + 1);
        vars.forEach((v, i) => {
          const [m1, m2] = moments[i];
          const g = grads[i];
          m1.assign(tf.add(tf.mul(m1, b1), tf.mul(g, 1 - b1)));
          m2.assign(tf.add(tf.mul(m2, b2), tf.mul(tf.square(g), 1 - b2)));
          v.assign(tf.sub(v, tf.div(tf.mul(tf.div(m1, c1), lr), tf.add(tf.sqrt(tf.div(m2, c2)), opt.epsilon))));
        });
        return wantLoss ? tf.sum(tf.mul(tf.mul(tf.square(e), eBelow), ws)) : undefined;
      }) as TF.Tensor | undefined;
      stepsTaken = step + 1;
      if (loss) {
        // Loss before this step's update, as the tape-based trainer reports it.
        const v = loss.dataSync()[0];
        loss.dispose();
        if (step === 0) initialLoss = v;
        recent.push(v);
        if (recent.length > tail) recent.shift();
        windowSum += v;
      }
      if (checkpoints.has(stepsTaken)) opt.onCheckpoint?.(stepsTaken, snapshot());
      if (stop && stepsTaken % stop.window === 0) {
        const mean = windowSum / stop.window;
        windowSum = 0;
        windowLosses.push(mean);
        if (mean <= best * (1 - stop.minImprovement)) best = Math.min(best, mean);
        else {
          best = Math.min(best, mean);
          halvings++;
          plateauLr /= 2;
          if (halvings >= stop.halvings) {
            stoppedBy = 'plateau';
            break;
          }
        }
      }
    }
    const finalLoss = recent.reduce((a, b) => a + b, 0) / recent.length;
    return { net: snapshot(), finalLoss, initialLoss, stepsTaken, stoppedBy, windowLosses };
  } finally {
    tf.dispose([W, bias, Rt, ...moments.flat()]);
  }
}

/** Network outputs for n inputs x (n×m, row-major), computed in chunks; returns n×k row-major. */
export function forward(tf: Tf, net: TwoLayerNet, x: Float32Array, n: number, chunk = 1000): Float32Array {
  const out = new Float32Array(n * net.k);
  const [W, bias, R] = [tf.tensor2d(net.W, [net.m, net.d]), tf.tensor1d(net.bias), tf.tensor2d(net.R, [net.d, net.k])];
  try {
    for (let start = 0; start < n; start += chunk) {
      const rows = Math.min(chunk, n - start);
      // Read outside the tidy: dataSync inside one is many times slower on wasm.
      const y = tf.tidy(() => {
        const xs = tf.tensor2d(x.subarray(start * net.m, (start + rows) * net.m), [rows, net.m]);
        return tf.matMul(tf.relu(tf.add(tf.matMul(xs, W), bias)), R);
      });
      out.set(y.dataSync(), start * net.k);
      y.dispose();
    }
  } finally {
    tf.dispose([W, bias, R]);
  }
  return out;
}
