/**
 * The downstream heads of Setting A, which read the activation x ∈ R^d and give sigmoid outputs:
 * an MLP z = W2ᵀ·ReLU(W1ᵀx + b1) + b2, or a linear head z = W1ᵀx + b1 (W2 absent). Trained with BCE by Adam
 * to a plateau stopping rule; evaluated in batches; Jacobian-vector products in float64 for the quadratic KL term.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../runtime/backend';
import type { Rng } from '../runtime/rng';
import { tfLmOps, type LmOps } from './lmOps';
import { sigmoid } from './bernoulliKl';

export interface Head {
  kind: 'mlp' | 'linear';
  d: number;
  /** Hidden width (MLP) or o (linear). */
  h: number;
  o: number;
  /** d×h */
  W1: Float32Array;
  b1: Float32Array;
  /** h×o, MLP only. */
  W2?: Float32Array;
  b2?: Float32Array;
}

/** He-initialised MLP (or linear head) with output biases at the logit of the base rate, so training starts calibrated. */
export function initHead(rng: Rng, kind: Head['kind'], d: number, h: number, o: number, baseLogit: number): Head {
  if (kind === 'linear') {
    return { kind, d, h: o, o, W1: rng.fillNormal(new Float32Array(d * o), 0, 1 / Math.sqrt(d)), b1: new Float32Array(o).fill(baseLogit) };
  }
  return {
    kind,
    d,
    h,
    o,
    W1: rng.fillNormal(new Float32Array(d * h), 0, Math.sqrt(2 / d)),
    b1: new Float32Array(h),
    W2: rng.fillNormal(new Float32Array(h * o), 0, Math.sqrt(1 / h)),
    b2: new Float32Array(o).fill(baseLogit),
  };
}

export interface CurvePoint {
  step: number;
  /** Mean BCE per sample (summed over outputs) on the training batches since the last point. */
  train: number;
  /** Mean BCE per sample on a fixed held-out set. */
  heldOut: number;
}

export interface HeadTrainOptions {
  maxSteps: number;
  batch: number;
  lr: number;
  /** Held-out evaluation every evalEvery steps; stop when the best held-out loss has not fallen by relTol over `patience` evaluations. */
  evalEvery: number;
  patience: number;
  relTol: number;
  /** Std of isotropic Gaussian noise per input coordinate during training (0: none). */
  inputNoise: number;
  sample(x: Float32Array, y: Float32Array): void;
  heldOut: { x: Float32Array; y: Float32Array; n: number };
  noiseRng: Rng;
  onStep?(step: number): void;
}

export interface TrainedHead {
  head: Head;
  curve: CurvePoint[];
  steps: number;
  stoppedBy: 'plateau' | 'maxSteps';
}

/** Σ_o BCE(logits, y) averaged over rows, with the gradient σ(z) − y written out (no autodiff through softplus). */
export function bceLoss(tf: Tf, y: TF.Tensor): (z: TF.Tensor) => TF.Scalar {
  const op = tf.customGrad((z, save) => {
    const zz = z as TF.Tensor;
    (save as TF.GradSaveFunc)([zz]);
    const rows = zz.shape[0]!;
    // softplus(z) − y·z = relu(z) − y·z + log(1 + e^{−|z|})
    const value = tf.div(tf.sum(tf.add(tf.sub(tf.relu(zz), tf.mul(y, zz)), tf.log(tf.add(1, tf.exp(tf.neg(tf.abs(zz))))))), rows);
    return { value, gradFunc: (dy, saved) => tf.mul(tf.sub(tf.sigmoid(saved[0]), y), tf.div(dy, rows)) };
  });
  return op as unknown as (z: TF.Tensor) => TF.Scalar;
}

function headVars(tf: Tf, head: Head) {
  const v = [tf.variable(tf.tensor2d(head.W1, [head.d, head.h])), tf.variable(tf.tensor1d(head.b1))];
  if (head.kind === 'mlp') v.push(tf.variable(tf.tensor2d(head.W2!, [head.h, head.o])), tf.variable(tf.tensor1d(head.b2!)));
  return v;
}

/** The ops a head's training graph uses: the product and bias add of lmOps (bit-identical to tfjs's on wasm, faster). */
export type HeadOps = Pick<LmOps, 'matMul' | 'inputMatMul' | 'addBias'>;

function forwardT(tf: Tf, ops: HeadOps, vars: TF.Variable[], x: TF.Tensor2D): TF.Tensor2D {
  const z1 = ops.addBias(ops.inputMatMul(x, vars[0] as TF.Tensor2D), vars[1]);
  if (vars.length === 2) return z1;
  return ops.addBias(ops.matMul(tf.relu(z1), vars[2] as TF.Tensor2D), vars[3]);
}

/** `ops`: createLmOps(tf) for speed on wasm; tfjs's own ops by default (the same values). */
export function trainHead(tf: Tf, init: Head, opt: HeadTrainOptions, ops: HeadOps = tfLmOps(tf)): TrainedHead {
  const vars = tf.tidy(() => headVars(tf, init));
  const adam = tf.train.adam(opt.lr);
  const x = new Float32Array(opt.batch * init.d);
  const y = new Float32Array(opt.batch * init.o);
  const curve: CurvePoint[] = [];
  let best = Infinity;
  let bestAt = 0;
  let trainSum = 0;
  let trainCount = 0;
  let step = 0;
  let stoppedBy: TrainedHead['stoppedBy'] = 'maxSteps';
  const hx = tf.tensor2d(opt.heldOut.x, [opt.heldOut.n, init.d]);
  const hy = tf.tensor2d(opt.heldOut.y, [opt.heldOut.n, init.o]);
  try {
    for (step = 1; step <= opt.maxSteps; step++) {
      opt.onStep?.(step);
      opt.sample(x, y);
      if (opt.inputNoise > 0) for (let t = 0; t < x.length; t++) x[t] += opt.inputNoise * opt.noiseRng.normal();
      const loss = tf.tidy(() => {
        const xs = tf.tensor2d(x, [opt.batch, init.d]);
        const ys = tf.tensor2d(y, [opt.batch, init.o]);
        const f = bceLoss(tf, ys);
        return adam.minimize(() => f(forwardT(tf, ops, vars, xs)), true, vars)!;
      });
      if (step % opt.evalEvery === 0 || step === opt.maxSteps) {
        trainSum += loss.dataSync()[0];
        trainCount++;
      }
      loss.dispose();
      if (step % opt.evalEvery === 0) {
        const held = tf.tidy(() => bceLoss(tf, hy)(forwardT(tf, ops, vars, hx)).dataSync()[0]);
        curve.push({ step, train: trainSum / trainCount, heldOut: held });
        trainSum = 0;
        trainCount = 0;
        if (held < best * (1 - opt.relTol)) {
          best = held;
          bestAt = curve.length;
        } else if (curve.length - bestAt >= opt.patience) {
          stoppedBy = 'plateau';
          break;
        }
      }
    }
    const w = vars.map((v) => v.dataSync().slice() as Float32Array);
    const head: Head = init.kind === 'linear' ? { ...init, W1: w[0], b1: w[1] } : { ...init, W1: w[0], b1: w[1], W2: w[2], b2: w[3] };
    return { head, curve, steps: Math.min(step, opt.maxSteps), stoppedBy };
  } finally {
    adam.dispose();
    tf.dispose([...vars, hx, hy]);
  }
}

/**
 * Logits of n rows of x (n×d) as an n×o Float32Array. The weight tensors live in a HeadRunner that is reused across
 * calls and disposed by hand (on wasm, matMul inside tf.tidy is markedly slower).
 */
export class HeadRunner {
  private readonly w: TF.Tensor[];
  constructor(private readonly tf: Tf, readonly head: Head, private readonly chunk = 4096) {
    this.w = [tf.tensor2d(head.W1, [head.d, head.h]), tf.tensor1d(head.b1)];
    if (head.kind === 'mlp') this.w.push(tf.tensor2d(head.W2!, [head.h, head.o]), tf.tensor1d(head.b2!));
  }
  logits(x: Float32Array, n: number): Float32Array {
    const { tf, head } = this;
    const out = new Float32Array(n * head.o);
    for (let s = 0; s < n; s += this.chunk) {
      const rows = Math.min(this.chunk, n - s);
      const xs = tf.tensor2d(x.subarray(s * head.d, (s + rows) * head.d), [rows, head.d]);
      const a = tf.matMul(xs, this.w[0] as TF.Tensor2D);
      const z1 = tf.add(a, this.w[1]);
      let z: TF.Tensor = z1;
      const extra: TF.Tensor[] = [];
      if (head.kind === 'mlp') {
        const r = tf.relu(z1);
        const b = tf.matMul(r as TF.Tensor2D, this.w[2] as TF.Tensor2D);
        z = tf.add(b, this.w[3]);
        extra.push(r, b, z);
      }
      out.set(z.dataSync(), s * head.o);
      tf.dispose([xs, a, z1, ...extra]);
    }
    return out;
  }
  dispose(): void {
    this.tf.dispose(this.w);
  }
}

/**
 * q(u) = ½ Σ_o p_o(1 − p_o)(J u)_o², the second-order term of the output KL at x along u (J = ∂logits/∂x):
 * what a smooth readout predicts for a small step u. Float64; `x` is one activation.
 */
export function quadraticKl(head: Head, x: ArrayLike<number>, dirs: Float32Array, nDirs: number, invTemp = 1): Float64Array {
  const { d, h, o, W1, b1 } = head;
  const pre = new Float64Array(h);
  for (let j = 0; j < h; j++) {
    let s = b1[j];
    for (let c = 0; c < d; c++) s += x[c] * W1[c * h + j];
    pre[j] = s;
  }
  let fisher: Float64Array;
  const logits = new Float64Array(o);
  if (head.kind === 'mlp') {
    for (let k = 0; k < o; k++) logits[k] = head.b2![k];
    for (let j = 0; j < h; j++) if (pre[j] > 0) for (let k = 0; k < o; k++) logits[k] += pre[j] * head.W2![j * o + k];
  } else logits.set(pre);
  fisher = new Float64Array(o);
  for (let k = 0; k < o; k++) {
    const p = sigmoid(logits[k] * invTemp);
    fisher[k] = p * (1 - p) * invTemp * invTemp;
  }
  const out = new Float64Array(nDirs);
  const a = new Float64Array(h);
  // W1 and W2 transposed, so that each sum reads memory in order; every sum adds the same terms in the same order
  // (and skips the same zero terms) as with the weights as stored, so q is the same float64 value.
  const W2t = head.kind === 'mlp' ? new Float32Array(o * h) : null;
  if (W2t) for (let j = 0; j < h; j++) for (let k = 0; k < o; k++) W2t[k * h + j] = head.W2![j * o + k];
  const W1t = new Float32Array(h * d);
  for (let c = 0; c < d; c++) for (let j = 0; j < h; j++) W1t[j * d + c] = W1[c * h + j];
  const nz = new Int32Array(h);
  for (let r = 0; r < nDirs; r++) {
    let nnz = 0;
    const dr = r * d;
    for (let j = 0; j < h; j++) {
      let s = 0;
      const wj = j * d;
      if (head.kind === 'linear' || pre[j] > 0) for (let c = 0; c < d; c++) s += dirs[dr + c] * W1t[wj + c];
      a[j] = s;
      if (s !== 0) nz[nnz++] = j;
    }
    let q = 0;
    if (head.kind === 'linear') for (let k = 0; k < o; k++) q += fisher[k] * a[k] * a[k];
    else {
      for (let k = 0; k < o; k++) {
        let s = 0;
        const row = k * h;
        for (let t = 0; t < nnz; t++) {
          const j = nz[t];
          s += a[j] * W2t![row + j];
        }
        q += fisher[k] * s * s;
      }
    }
    out[r] = q / 2;
  }
  return out;
}

/** Unit first-layer read directions: columns of W1 (the MLP's neurons, or the linear head's output rows). */
export function readoffDirections(head: Head): Float32Array {
  const { d, h, W1 } = head;
  const out = new Float32Array(h * d);
  for (let j = 0; j < h; j++) {
    let sq = 0;
    for (let c = 0; c < d; c++) sq += W1[c * h + j] ** 2;
    const inv = sq > 0 ? 1 / Math.sqrt(sq) : 0;
    for (let c = 0; c < d; c++) out[j * d + c] = W1[c * h + j] * inv;
  }
  return out;
}
