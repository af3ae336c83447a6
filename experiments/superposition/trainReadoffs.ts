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
 * Adam on y = R·ReLU(x W + b) with the class-weighted L_p loss, gradients written out by hand rather than taped.
 * Only the three large products run as tfjs (wasm) matmuls, untransposed (a transposed operand takes the wasm
 * backend's slow path, 2.5 against 14–23 GFLOP/s here), with the large changing matrix on the left: predᵀ = Rᵀ·hᵀ,
 * (dLoss/dR)ᵀ = gᵀ·h and, when the first layer trains, dLoss/dh = g·Rᵀ. Everything elementwise is one fused loop in
 * JavaScript (float64 arithmetic, float32 storage) instead of tens of small kernels: the hidden layer (a sum over the
 * inputs' nonzero entries, which skips the zeros of sparse inputs), the loss and its gradient, the first layer's
 * gradient, and Adam (tfjs's AdamOptimizer update, written out). With a frozen layer no hidden-layer gradient is
 * computed at all. tests/superposition/trainReadoffs.test.ts checks the steps against autodiff with tf.train.adam.
 */
export function trainNetwork(tf: Tf, opt: TrainOptions): TrainResult {
  const { m, d, k } = opt.init;
  const { batch, p } = opt;
  const trainFirst = opt.trainFirstLayer;
  const b1 = 0.9;
  const b2 = 0.999;
  const W = Float32Array.from(opt.init.W); // m×d
  const bias = Float32Array.from(opt.init.bias);
  const Rt = new Float32Array(k * d); // Rᵀ, k×d
  for (let a = 0; a < d; a++) for (let o = 0; o < k; o++) Rt[o * d + a] = opt.init.R[a * k + o];
  const adamW = trainFirst ? adamState(m * d) : null;
  const adamB = trainFirst ? adamState(d) : null;
  const adamR = adamState(k * d);
  const x = new Float32Array(batch * m);
  const y = new Float32Array(batch * k);
  const h = new Float32Array(batch * d); // ReLU(x W + b), batch×d
  const hT = new Float32Array(d * batch);
  const predT = new Float32Array(k * batch);
  const gT = new Float32Array(k * batch); // dLoss/dpred, transposed
  const gRt = new Float32Array(k * d); // (dLoss/dR)ᵀ
  const dh = trainFirst ? new Float32Array(batch * d) : null; // dLoss/dh
  const g = trainFirst ? new Float32Array(batch * k) : null;
  const gW = trainFirst ? new Float32Array(m * d) : null;
  const gB = trainFirst ? new Float32Array(d) : null;
  const tail = Math.max(1, Math.min(50, Math.floor(opt.steps / 10)));
  const stop = opt.stopping;
  const checkpoints = new Set(opt.checkpoints ?? []);
  const snapshot = (): TwoLayerNet => {
    const R = new Float32Array(d * k);
    for (let o = 0; o < k; o++) for (let a = 0; a < d; a++) R[a * k + o] = Rt[o * d + a];
    return { m, d, k, W: W.slice(), bias: bias.slice(), R };
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
  for (let step = 0; step < opt.steps; step++) {
    opt.onStep?.(step);
    opt.sampleBatch(x, y);
    hiddenLayer(x, W, bias, batch, m, d, h, hT);
    matMulInto(tf, Rt, [k, d], hT, [d, batch], predT);
    const loss = lossAndGradient(predT, y, opt.onesWeight, p, k, batch, gT, g);
    matMulInto(tf, gT, [k, batch], h, [batch, d], gRt);
    if (trainFirst) {
      matMulInto(tf, g!, [batch, k], Rt, [k, d], dh!);
      gW!.fill(0);
      gB!.fill(0);
      for (let r = 0; r < batch; r++) {
        for (let a = 0; a < d; a++) {
          const v = h[r * d + a] > 0 ? dh![r * d + a] : 0;
          dh![r * d + a] = v;
          gB![a] += v;
        }
        for (let l = 0; l < m; l++) {
          const xv = x[r * m + l];
          if (xv === 0) continue;
          const row = l * d;
          for (let a = 0; a < d; a++) gW![row + a] += xv * dh![r * d + a];
        }
      }
    }
    const lr = stop ? plateauLr : opt.lr + ((opt.lrFinal - opt.lr) * step) / Math.max(1, opt.steps - 1);
    const c1 = 1 - b1 ** (step + 1);
    const c2 = 1 - b2 ** (step + 1);
    if (trainFirst) {
      adamStep(W, gW!, adamW!, b1, b2, c1, c2, lr, opt.epsilon);
      adamStep(bias, gB!, adamB!, b1, b2, c1, c2, lr, opt.epsilon);
    }
    adamStep(Rt, gRt, adamR, b1, b2, c1, c2, lr, opt.epsilon);
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

/**
 * h = ReLU(x W + b) for a batch, row-major into h and transposed into hT, summing W's rows over the nonzero entries
 * of x only (the inputs here are sparse).
 */
function hiddenLayer(x: Float32Array, W: Float32Array, bias: Float32Array, batch: number, m: number, d: number, h: Float32Array, hT: Float32Array): void {
  const active = new Int32Array(m);
  for (let r = 0; r < batch; r++) {
    let n = 0;
    for (let l = 0; l < m; l++) if (x[r * m + l] !== 0) active[n++] = l;
    const out = r * d;
    h.set(bias, out);
    for (let i = 0; i < n; i++) {
      const l = active[i];
      const xv = x[r * m + l];
      const row = l * d;
      for (let a = 0; a < d; a++) h[out + a] += xv * W[row + a];
    }
    for (let a = 0; a < d; a++) {
      const v = h[out + a] > 0 ? h[out + a] : 0;
      h[out + a] = v;
      hT[a * batch + r] = v;
    }
  }
}

/**
 * The class-weighted L_p loss Σ w·|e|^p of predᵀ (k×batch) against y (batch×k), with each class averaged over its
 * own entries and the ones weighted by onesWeight (classWeights), and its gradient p·w·|e|^(p−2)·e into gT (k×batch)
 * and, when given, g (batch×k). Returns the loss.
 */
function lossAndGradient(predT: Float32Array, y: Float32Array, onesWeight: number, p: number, k: number, batch: number, gT: Float32Array, g: Float32Array | null): number {
  let ones = 0;
  for (let t = 0; t < y.length; t++) ones += y[t];
  const wOne = ones > 0 ? onesWeight / ones : 0;
  const wZero = y.length - ones > 0 ? 1 / (y.length - ones) : 0;
  const half = (p - 2) / 2; // |e|^(p−2) = (e²)^half
  let loss = 0;
  for (let o = 0; o < k; o++) {
    for (let r = 0; r < batch; r++) {
      const t = y[r * k + o];
      const w = t === 1 ? wOne : wZero;
      const e = predT[o * batch + r] - t;
      const e2 = e * e;
      const eb = half === 2 ? e2 * e2 : half === 1 ? e2 : half === 0 ? 1 : Math.pow(e2, half);
      loss += w * e2 * eb;
      const grad = p * w * eb * e;
      gT[o * batch + r] = grad;
      if (g !== null) g[r * k + o] = grad;
    }
  }
  return loss;
}

/**
 * out = A·B on the tfjs backend for row-major arrays. The product is copied straight out of the wasm heap into `out`
 * where the backend is wasm: dataSync() allocates a fresh buffer per read, and at these sizes that allocation (and
 * the garbage it leaves) cost more than the matmul. Other backends read by dataSync().
 */
function matMulInto(tf: Tf, A: Float32Array, aShape: [number, number], B: Float32Array, bShape: [number, number], out: Float32Array): Float32Array {
  const a = tf.tensor2d(A, aShape);
  const b = tf.tensor2d(B, bShape);
  const c = tf.matMul(a, b);
  const backend = tf.backend() as unknown as { wasm?: { HEAPF32?: Float32Array }; dataIdMap?: { get(id: object): { memoryOffset?: number } | undefined } };
  const offset = backend.wasm?.HEAPF32 ? backend.dataIdMap?.get(c.dataId)?.memoryOffset : undefined;
  if (offset !== undefined) out.set(backend.wasm!.HEAPF32!.subarray(offset >> 2, (offset >> 2) + out.length));
  else out.set(c.dataSync());
  tf.dispose([a, b, c]);
  return out;
}

interface AdamState {
  m1: Float32Array;
  m2: Float32Array;
}
const adamState = (n: number): AdamState => ({ m1: new Float32Array(n), m2: new Float32Array(n) });

/** One Adam update in place, as tfjs's AdamOptimizer computes it: θ −= lr·(m₁/c₁)/(√(m₂/c₂) + ε). */
function adamStep(theta: Float32Array, grad: Float32Array, s: AdamState, b1: number, b2: number, c1: number, c2: number, lr: number, eps: number): void {
  const { m1, m2 } = s;
  const step = lr / c1;
  const inv2 = 1 / c2;
  for (let t = 0; t < theta.length; t++) {
    const gt = grad[t];
    const a = b1 * m1[t] + (1 - b1) * gt;
    const v = b2 * m2[t] + (1 - b2) * gt * gt;
    m1[t] = a;
    m2[t] = v;
    theta[t] -= (step * a) / (Math.sqrt(v * inv2) + eps);
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
