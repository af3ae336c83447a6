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

/**
 * The same loss as a function of pred alone, with a hand-written gradient p·w·sign(e)|e|^(p−1): autodiff through
 * the power chain costs about twice as many full-size elementwise ops, and these dominate a training step.
 */
export function weightedLpLossFn(tf: Tf, target: TF.Tensor, weights: TF.Tensor, p: number): (pred: TF.Tensor) => TF.Scalar {
  const op = tf.customGrad((pred, save) => {
    const e = tf.sub(pred as TF.Tensor, target);
    const below = absPower(tf, e, p - 2); // |e|^(p−2), so e·below = sign(e)|e|^(p−1)
    const ep = tf.mul(tf.square(e), below);
    (save as TF.GradSaveFunc)([e, below]);
    return {
      value: tf.sum(tf.mul(ep, weights)),
      gradFunc: (dy, saved) => {
        const [se, sbelow] = saved;
        return tf.mul(tf.mul(tf.mul(se, sbelow), tf.mul(weights, p)), dy);
      },
    };
  });
  return op as unknown as (pred: TF.Tensor) => TF.Scalar;
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

/**
 * a·b whose gradient multiplies by explicitly transposed copies: on the wasm backend a matMul with a transpose flag
 * (what tfjs's own gradient uses) runs about 10× slower than a transpose followed by a plain matMul.
 */
export function fastMatMul(tf: Tf): (a: TF.Tensor2D, b: TF.Tensor2D) => TF.Tensor2D {
  const op = tf.customGrad((a, b, save) => {
    (save as TF.GradSaveFunc)([a as TF.Tensor2D, b as TF.Tensor2D]);
    return {
      value: tf.matMul(a as TF.Tensor2D, b as TF.Tensor2D),
      gradFunc: (dy, saved) => {
        const [sa, sb] = saved as TF.Tensor2D[];
        return [tf.matMul(dy as TF.Tensor2D, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy as TF.Tensor2D)];
      },
    };
  });
  return op as unknown as (a: TF.Tensor2D, b: TF.Tensor2D) => TF.Tensor2D;
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

export interface TrainOptions {
  /** Initial network; W and bias are left as they are unless trainFirstLayer. */
  init: TwoLayerNet;
  trainFirstLayer: boolean;
  steps: number;
  batch: number;
  /** Adam step size, decayed linearly from lr to lrFinal over the steps. */
  lr: number;
  lrFinal: number;
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
}

export function trainNetwork(tf: Tf, opt: TrainOptions): TrainResult {
  const { m, d, k } = opt.init;
  const mm = fastMatMul(tf);
  // tf.variable copies its initial value, so the initial tensors are made and freed inside a tidy.
  const [W, bias, R] = tf.tidy(() => [
    tf.variable(tf.tensor2d(opt.init.W, [m, d]), opt.trainFirstLayer),
    tf.variable(tf.tensor1d(opt.init.bias), opt.trainFirstLayer),
    tf.variable(tf.tensor2d(opt.init.R, [d, k]), true),
  ]);
  const adam = tf.train.adam(opt.lr, 0.9, 0.999, opt.epsilon);
  const varList = opt.trainFirstLayer ? [W, bias, R] : [R];
  const x = new Float32Array(opt.batch * m);
  const y = new Float32Array(opt.batch * k);
  const w = new Float32Array(opt.batch * k);
  const tail = Math.max(1, Math.min(50, Math.floor(opt.steps / 10)));
  let tailSum = 0;
  let initialLoss = NaN;
  try {
    for (let step = 0; step < opt.steps; step++) {
      opt.onStep?.(step);
      opt.sampleBatch(x, y);
      // tfjs reads learningRate on every applyGradients, so a schedule is a field update.
      (adam as unknown as { learningRate: number }).learningRate = opt.lr + ((opt.lrFinal - opt.lr) * step) / Math.max(1, opt.steps - 1);
      const loss = tf.tidy(() => {
        const xs = tf.tensor2d(x, [opt.batch, m]);
        const ys = tf.tensor2d(y, [opt.batch, k]);
        const ws = tf.tensor2d(classWeights(y, opt.onesWeight, w), [opt.batch, k]);
        const loss = weightedLpLossFn(tf, ys, ws, opt.p);
        return adam.minimize(() => loss(mm(tf.relu(tf.add(mm(xs, W), bias)) as TF.Tensor2D, R)), true, varList)!;
      });
      // Reading the loss forces a sync, so only read it when it is used.
      if (step === 0 || step >= opt.steps - tail) {
        const v = loss.dataSync()[0];
        if (step === 0) initialLoss = v;
        if (step >= opt.steps - tail) tailSum += v;
      }
      loss.dispose();
    }
    return {
      net: { m, d, k, W: W.dataSync().slice() as Float32Array, bias: bias.dataSync().slice() as Float32Array, R: R.dataSync().slice() as Float32Array },
      finalLoss: tailSum / tail,
      initialLoss,
    };
  } finally {
    adam.dispose();
    W.dispose();
    bias.dispose();
    R.dispose();
  }
}

/** Network outputs for n inputs x (n×m, row-major), computed in chunks; returns n×k row-major. */
export function forward(tf: Tf, net: TwoLayerNet, x: Float32Array, n: number, chunk = 1000): Float32Array {
  const out = new Float32Array(n * net.k);
  tf.tidy(() => {
    const W = tf.tensor2d(net.W, [net.m, net.d]);
    const bias = tf.tensor1d(net.bias);
    const R = tf.tensor2d(net.R, [net.d, net.k]);
    for (let start = 0; start < n; start += chunk) {
      const rows = Math.min(chunk, n - start);
      tf.tidy(() => {
        const xs = tf.tensor2d(x.subarray(start * net.m, (start + rows) * net.m), [rows, net.m]);
        out.set(tf.matMul(tf.relu(tf.add(tf.matMul(xs, W), bias)), R).dataSync(), start * net.k);
      });
    }
  });
  return out;
}
