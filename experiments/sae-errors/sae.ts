/**
 * Sparse autoencoders on activations x ∈ R^d: z = act(W_encᵀ(x − b_dec) + b_enc), x̂ = W_decᵀ z + b_dec, with
 * unit-norm decoder rows (renormalised after every Adam step). act is TopK (the k largest pre-activations, ReLU'd;
 * the mask is computed without gradient and multiplied in) or ReLU with an L1 penalty λ·Σz. The oracle SAE has its
 * decoder fixed to the true feature directions and b_dec = 0: only the encoder learns.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../runtime/backend';
import type { Rng } from '../runtime/rng';
import { differentiableMatMul } from '../lib/differentiableMatMul';
import { unitRows } from './toyData';

export interface Sae {
  kind: 'topk' | 'l1' | 'oracle';
  d: number;
  n: number;
  /** TopK's k (topk and oracle); 0 for l1. */
  k: number;
  /** L1 coefficient (l1 only). */
  l1: number;
  /** d×n */
  Wenc: Float32Array;
  benc: Float32Array;
  /** n×d, unit rows */
  Wdec: Float32Array;
  bdec: Float32Array;
}

export interface SaeSpec {
  kind: Sae['kind'];
  n: number;
  k: number;
  l1: number;
}

export function initSae(rng: Rng, spec: SaeSpec, d: number, dataMean: Float32Array, oracleDirs?: Float32Array): Sae {
  const Wdec = spec.kind === 'oracle' ? Float32Array.from(oracleDirs!) : unitRows(rng, spec.n, d);
  const Wenc = new Float32Array(d * spec.n);
  for (let j = 0; j < spec.n; j++) for (let c = 0; c < d; c++) Wenc[c * spec.n + j] = Wdec[j * d + c];
  return { ...spec, d, Wenc, benc: new Float32Array(spec.n), Wdec, bdec: spec.kind === 'oracle' ? new Float32Array(d) : Float32Array.from(dataMean) };
}

/** 0/1 mask of each row's k largest entries (ties broken by tfjs's topk). */
export function topkMask(tf: Tf, pre: TF.Tensor2D, k: number): TF.Tensor2D {
  return tf.tidy(() => {
    const { values } = tf.topk(pre, k);
    const kth = tf.slice(values, [0, k - 1], [-1, 1]);
    return tf.cast(tf.greaterEqual(pre, kth), 'float32') as TF.Tensor2D;
  });
}

export interface SaeCurvePoint {
  step: number;
  /** Fraction of variance unexplained on the recent training batches. */
  fvu: number;
}

export interface SaeTrainOptions {
  steps: number;
  batch: number;
  lr: number;
  /** Points on the training curve. */
  curvePoints: number;
  /** Total variance of x (Σ_c Var x_c), for FVU. */
  totalVariance: number;
  sample(x: Float32Array): void;
  onStep?(step: number): void;
  /**
   * AuxK (Gao et al. 2024), TopK only: latents that have not fired for `deadAfter` training samples are dead; the
   * `k` largest dead pre-activations reconstruct the (detached) residual x − x̂, with weight `coef` on its squared error.
   */
  auxK?: { k: number; coef: number; deadAfter: number };
}

export function trainSae(tf: Tf, init: Sae, opt: SaeTrainOptions): { sae: Sae; curve: SaeCurvePoint[] } {
  const mm = differentiableMatMul(tf);
  const { d, n } = init;
  const oracle = init.kind === 'oracle';
  const Wenc = tf.variable(tf.tensor2d(init.Wenc, [d, n]));
  const benc = tf.variable(tf.tensor1d(init.benc));
  const Wdec = tf.variable(tf.tensor2d(init.Wdec, [n, d]), !oracle);
  const bdec = tf.variable(tf.tensor1d(init.bdec), !oracle);
  const vars = oracle ? [Wenc, benc] : [Wenc, benc, Wdec, bdec];
  const aux = init.kind === 'topk' ? opt.auxK : undefined;
  const sinceFired = aux ? tf.variable(tf.zeros([n]), false) : null;
  const adam = tf.train.adam(opt.lr);
  const x = new Float32Array(opt.batch * d);
  const curve: SaeCurvePoint[] = [];
  const every = Math.max(1, Math.floor(opt.steps / opt.curvePoints));
  let mseSum = 0;
  let mseCount = 0;
  try {
    for (let step = 1; step <= opt.steps; step++) {
      opt.onStep?.(step);
      opt.sample(x);
      const mse = tf.tidy(() => {
        const xs = tf.tensor2d(x, [opt.batch, d]);
        const pre0 = init.kind === 'l1' ? null : (tf.add(mm(tf.sub(xs, bdec) as TF.Tensor2D, Wenc), benc) as TF.Tensor2D);
        const mask = pre0 ? topkMask(tf, pre0, init.k) : null;
        let auxMask: TF.Tensor2D | null = null;
        let residual: TF.Tensor | null = null;
        if (aux && pre0 && mask) {
          const fired = tf.max(mask, 0);
          sinceFired!.assign(tf.mul(tf.add(sinceFired!, opt.batch), tf.sub(1, fired)));
          const dead = tf.cast(tf.greater(sinceFired!, aux.deadAfter), 'float32');
          // Only dead latents may enter: the others are pushed far down, then masked out in case fewer than k are dead.
          auxMask = tf.mul(topkMask(tf, tf.add(pre0, tf.mul(tf.sub(1, dead), -1e9)) as TF.Tensor2D, aux.k), dead) as TF.Tensor2D;
          residual = tf.sub(xs, tf.add(mm(tf.mul(tf.relu(pre0), mask) as TF.Tensor2D, Wdec), bdec));
        }
        let mseT: TF.Scalar | null = null;
        adam.minimize(
          () => {
            const pre = tf.add(mm(tf.sub(xs, bdec) as TF.Tensor2D, Wenc), benc) as TF.Tensor2D;
            const z = mask ? (tf.mul(tf.relu(pre), mask) as TF.Tensor2D) : tf.relu(pre);
            const xh = tf.add(mm(z, Wdec), bdec);
            const m = tf.div(tf.sum(tf.square(tf.sub(xh, xs))), opt.batch) as TF.Scalar;
            mseT = tf.keep(m.clone());
            if (auxMask && residual) {
              const eh = mm(tf.mul(tf.relu(pre), auxMask) as TF.Tensor2D, Wdec);
              return tf.add(m, tf.mul(aux!.coef / opt.batch, tf.sum(tf.square(tf.sub(residual, eh))))) as TF.Scalar;
            }
            return init.kind === 'l1' ? (tf.add(m, tf.mul(init.l1 / opt.batch, tf.sum(z))) as TF.Scalar) : m;
          },
          false,
          vars,
        );
        if (!oracle) Wdec.assign(tf.div(Wdec, tf.norm(Wdec, 'euclidean', 1, true)));
        return mseT!;
      });
      if (step % every === 0 || step > opt.steps - every) {
        mseSum += mse.dataSync()[0];
        mseCount++;
      }
      mse.dispose();
      if (step % every === 0) {
        curve.push({ step, fvu: mseSum / mseCount / opt.totalVariance });
        mseSum = 0;
        mseCount = 0;
      }
    }
    const sae: Sae = { ...init, Wenc: Wenc.dataSync().slice() as Float32Array, benc: benc.dataSync().slice() as Float32Array, Wdec: Wdec.dataSync().slice() as Float32Array, bdec: bdec.dataSync().slice() as Float32Array };
    return { sae, curve };
  } finally {
    adam.dispose();
    tf.dispose(vars);
    sinceFired?.dispose();
  }
}

/** Sparse codes of n activations: per row, the active latents and their values. */
export interface Codes {
  n: number;
  idx: Int32Array[];
  val: Float32Array[];
}

/** Encode on tfjs (one matmul), select TopK / ReLU support in JS. */
export function encode(tf: Tf, sae: Sae, x: Float32Array, rows: number): Codes {
  const { d, n } = sae;
  const xs = tf.tensor2d(x, [rows, d]);
  const b = tf.tensor1d(sae.bdec);
  const c = tf.sub(xs, b);
  const W = tf.tensor2d(sae.Wenc, [d, n]);
  const p = tf.matMul(c as TF.Tensor2D, W);
  const pre = p.dataSync() as Float32Array;
  tf.dispose([xs, b, c, W, p]);
  const idx: Int32Array[] = [];
  const val: Float32Array[] = [];
  for (let r = 0; r < rows; r++) {
    const cand: [number, number][] = [];
    for (let j = 0; j < n; j++) {
      const v = pre[r * n + j] + sae.benc[j];
      if (v > 0) cand.push([v, j]);
    }
    if (sae.kind !== 'l1') {
      cand.sort((a, b2) => b2[0] - a[0]);
      cand.length = Math.min(cand.length, sae.k);
    }
    idx.push(Int32Array.from(cand, (t) => t[1]));
    val.push(Float32Array.from(cand, (t) => t[0]));
  }
  return { n: rows, idx, val };
}

/** x̂ = Σ_j z_j W_dec[j] + b_dec for one sparse code, into out at offset. */
export function decodeInto(sae: Sae, idx: ArrayLike<number>, val: ArrayLike<number>, out: Float32Array, offset: number): void {
  const { d, Wdec, bdec } = sae;
  for (let c = 0; c < d; c++) out[offset + c] = bdec[c];
  for (let t = 0; t < idx.length; t++) {
    const j = idx[t];
    for (let c = 0; c < d; c++) out[offset + c] += val[t] * Wdec[j * d + c];
  }
}

export function decodeAll(sae: Sae, codes: Codes): Float32Array {
  const out = new Float32Array(codes.n * sae.d);
  for (let r = 0; r < codes.n; r++) decodeInto(sae, codes.idx[r], codes.val[r], out, r * sae.d);
  return out;
}

/** For each true direction, the best |cosine| with any decoder row: mean (MMCS) and share above 0.9. */
export function mmcs(sae: Sae, E: Float32Array, m: number): { mmcs: number; fracAbove09: number } {
  const { d, n, Wdec } = sae;
  let s = 0;
  let above = 0;
  for (let i = 0; i < m; i++) {
    let best = 0;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += E[i * d + c] * Wdec[j * d + c];
      if (dot > best) best = dot;
    }
    s += best;
    if (best > 0.9) above++;
  }
  return { mmcs: s / m, fracAbove09: above / m };
}
