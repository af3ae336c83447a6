/**
 * Training a one-hidden-layer network y = R·ReLU(W x + b) with Adam on a class-weighted L_p loss, the setup of
 * Jake Mendel's U-AND experiment: either everything is trained, or the first layer stays frozen and only R learns.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../runtime/backend';
import { createWasmStep, type AdamState, type StepFactory } from './trainStepWasm';

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
 * Adam on y = R·ReLU(x W + b) with the class-weighted L_p loss, gradients written out by hand rather than taped. The
 * whole step runs in WebAssembly (trainStepWasm.ts), on buffers that live in the kernel's memory for the whole run:
 * the hidden layer over the inputs' nonzero entries; the three products pred = h·R, dLoss/dR = hᵀ·g (both skipping
 * the layer's zeros) and, when the first layer trains, (dLoss/dh)ᵀ = R·gᵀ, each summed as tfjs-wasm's matMul sums it;
 * the loss and its gradient, the first layer's gradient and Adam as tfjs's AdamOptimizer computes it, in float64
 * arithmetic with float32 storage. With a frozen layer no hidden-layer gradient is computed at all.
 * tests/superposition/trainReadoffs.test.ts checks the steps against autodiff with tf.train.adam, and bit for bit
 * against the loop this kernel replaced (JavaScript elementwise work around tfjs's matMul), which a test passes in
 * as `createStep`. `tf` is not used by the step itself.
 */
export async function trainNetwork(_tf: Tf, opt: TrainOptions, createStep: StepFactory = createWasmStep): Promise<TrainResult> {
  const { m, d, k } = opt.init;
  const { batch, p } = opt;
  const trainFirst = opt.trainFirstLayer;
  const b1 = 0.9;
  const b2 = 0.999;
  // Every float32 buffer of the run, in the kernel's memory.
  const lengths = {
    W: m * d, bias: d, R: d * k, x: batch * m, y: batch * k, h: batch * d, hT: d * batch, pred: batch * k, g: batch * k, gR: d * k,
    rM1: d * k, rM2: d * k,
    ...(trainFirst ? { gT: k * batch, dhT: d * batch, dh: batch * d, gW: m * d, gB: d, wM1: m * d, wM2: m * d, bM1: d, bM2: d } : {}),
  };
  const names = Object.keys(lengths) as (keyof typeof lengths)[];
  const step0 = await createStep(names.map((n) => lengths[n]!), { m, d, k, batch });
  const buf = Object.fromEntries(names.map((n, i) => [n, step0.arrays[i]])) as Record<keyof typeof lengths, Float32Array>;
  const ops = step0.ops;
  const { W, bias, R, x, y, h, hT, pred, g, gR } = buf; // W: m×d; R: d×k; h: batch×d; pred, g = dLoss/dpred: batch×k
  W.set(opt.init.W);
  bias.set(opt.init.bias);
  R.set(opt.init.R);
  const adamR: AdamState = { m1: buf.rM1, m2: buf.rM2 };
  const adamW: AdamState | null = trainFirst ? { m1: buf.wM1, m2: buf.wM2 } : null;
  const adamB: AdamState | null = trainFirst ? { m1: buf.bM1, m2: buf.bM2 } : null;
  const gT = trainFirst ? buf.gT : null; // gᵀ, k×batch
  const tail = Math.max(1, Math.min(50, Math.floor(opt.steps / 10)));
  const stop = opt.stopping;
  const checkpoints = new Set(opt.checkpoints ?? []);
  const snapshot = (): TwoLayerNet => ({ m, d, k, W: W.slice(), bias: bias.slice(), R: R.slice() });
  const recent: number[] = []; // the last `tail` losses
  const windowLosses: number[] = [];
  let windowSum = 0;
  let best = Infinity;
  let halvings = 0;
  let plateauLr = opt.lr;
  let stepsTaken = 0;
  let stoppedBy: TrainResult['stoppedBy'] = 'cap';
  let initialLoss = NaN;
  for (let step = 0; step < opt.steps; step++) {
    opt.onStep?.(step);
    opt.sampleBatch(x, y);
    ops.hidden(x, W, bias, batch, m, d, h, hT);
    ops.matMulSkipZeros(h, R, pred, batch, k, d);
    const loss = ops.lossAndGradient(pred, y, opt.onesWeight, p, k, batch, g, gT);
    ops.matMulSkipZeros(hT, g, gR, d, k, batch);
    if (trainFirst) {
      ops.matMul(R, gT!, buf.dhT, d, batch, k);
      ops.firstLayerGradient(h, buf.dhT, x, batch, m, d, buf.dh, buf.gW, buf.gB);
    }
    const lr = stop ? plateauLr : opt.lr + ((opt.lrFinal - opt.lr) * step) / Math.max(1, opt.steps - 1);
    const c1 = 1 - b1 ** (step + 1);
    const c2 = 1 - b2 ** (step + 1);
    if (trainFirst) {
      ops.adam(W, buf.gW, adamW!, b1, b2, c1, c2, lr, opt.epsilon);
      ops.adam(bias, buf.gB, adamB!, b1, b2, c1, c2, lr, opt.epsilon);
    }
    ops.adam(R, gR, adamR, b1, b2, c1, c2, lr, opt.epsilon);
    stepsTaken = step + 1;
    if (step === 0) initialLoss = loss;
    recent.push(loss);
    if (recent.length > tail) recent.shift();
    windowSum += loss;
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
