/**
 * The character-level language model of Setting B: a pre-LN transformer (learned positions, untied unembedding,
 * ReLU MLP, causal multi-head attention). Token embedding is a one-hot matmul (the wasm backend has no gradient for
 * gather). Trained by Adam with autodiff through tfjs ops; on wasm the slow ones (batched products, sums over rows,
 * transposes) are kernels of lmOps with bit-identical results.
 *
 * `hook` = the residual stream before block `hook` (resid_pre): `residAt` returns it, `logitsFrom` runs the rest.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../runtime/backend';
import type { Rng } from '../runtime/rng';
import { createLmOps, tfLmOps, type LmOps } from './lmOps';

export interface LmShape {
  vocab: number;
  ctx: number;
  dModel: number;
  heads: number;
  dMlp: number;
  layers: number;
}

export type LmParams = Record<string, Float32Array>;

/** Names and shapes of every parameter, in a fixed order. */
export function paramShapes(s: LmShape): [string, number[]][] {
  const d = s.dModel;
  const out: [string, number[]][] = [
    ['wte', [s.vocab, d]],
    ['wpe', [s.ctx, d]],
  ];
  for (let l = 0; l < s.layers; l++)
    out.push([`l${l}.ln1g`, [d]], [`l${l}.ln1b`, [d]], [`l${l}.wqkv`, [d, 3 * d]], [`l${l}.wo`, [d, d]], [`l${l}.bo`, [d]], [`l${l}.ln2g`, [d]], [`l${l}.ln2b`, [d]], [`l${l}.w1`, [d, s.dMlp]], [`l${l}.b1`, [s.dMlp]], [`l${l}.w2`, [s.dMlp, d]], [`l${l}.b2`, [d]]);
  out.push(['lnfg', [d]], ['lnfb', [d]], ['wu', [d, s.vocab]], ['bu', [s.vocab]]);
  return out;
}

export function paramCount(s: LmShape): number {
  return paramShapes(s).reduce((a, [, sh]) => a + sh.reduce((x, y) => x * y, 1), 0);
}

/** GPT-2-style initialisation: N(0, 0.02²) weights, residual-output weights scaled by 1/√(2·layers), LN gains 1. */
export function initLm(rng: Rng, s: LmShape): LmParams {
  const p: LmParams = {};
  for (const [name, shape] of paramShapes(s)) {
    const a = new Float32Array(shape.reduce((x, y) => x * y, 1));
    const leaf = name.split('.').pop()!;
    if (leaf.startsWith('ln') && leaf.endsWith('g')) a.fill(1);
    else if (shape.length === 2) rng.fillNormal(a, 0, leaf === 'wo' || leaf === 'w2' ? 0.02 / Math.sqrt(2 * s.layers) : 0.02);
    p[name] = a;
  }
  return p;
}

/**
 * Training FLOP per token (forward + backward = 3 × forward; a matmul of m×k by k×n is 2mkn): the dense layers,
 * the embedding one-hot matmul, and the attention scores and mixing over the full context.
 */
export function trainFlopPerToken(s: LmShape): number {
  const d = s.dModel;
  const dense = s.vocab * d + s.layers * (3 * d * d + d * d + 2 * d * s.dMlp) + d * s.vocab;
  const attention = s.layers * 2 * s.ctx * d;
  return 3 * 2 * (dense + attention);
}

type T2 = TF.Tensor2D;

/** The forward pass on tensors (variables while training, constants when evaluating). */
export class LmGraph {
  private readonly mm: (a: T2, b: T2) => T2;
  private readonly mask: TF.Tensor;
  constructor(
    private readonly tf: Tf,
    readonly s: LmShape,
    private readonly ops: LmOps = tfLmOps(tf),
  ) {
    this.mm = ops.matMul;
    const T = s.ctx;
    const m = new Float32Array(T * T);
    for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) m[i * T + j] = -1e9;
    this.mask = tf.keep(tf.tensor2d(m, [T, T]));
  }

  dispose(): void {
    this.mask.dispose();
  }

  private ln(x: T2, g: TF.Tensor, b: TF.Tensor): T2 {
    const tf = this.tf;
    const mu = tf.mean(x, 1, true);
    const c = tf.sub(x, mu);
    const v = tf.mean(tf.square(c), 1, true);
    return this.ops.scaleShift(tf.mul(c, tf.rsqrt(tf.add(v, 1e-5))) as T2, g, b);
  }

  /** Residual stream after the embedding: [B·T, d]. */
  embed(P: Record<string, TF.Tensor>, tokens: TF.Tensor1D, B: number): T2 {
    const tf = this.tf;
    const { ctx: T, dModel: d, vocab } = this.s;
    const oh = tf.cast(tf.oneHot(tokens, vocab), 'float32') as T2;
    return tf.reshape(this.ops.addBias(tf.reshape(this.mm(oh, P.wte as T2), [B, T, d]), P.wpe), [B * T, d]) as T2;
  }

  /** One block on x [B·T, d]; sequences have length T (the context) each. */
  block(P: Record<string, TF.Tensor>, l: number, x: T2, B: number): T2 {
    const tf = this.tf;
    const { ctx: T, dModel: d, heads: H } = this.s;
    const dh = d / H;
    const N = B * T;
    const h = this.ln(x, P[`l${l}.ln1g`], P[`l${l}.ln1b`]);
    const qkv = this.mm(h, P[`l${l}.wqkv`] as T2);
    const split = (i: number) => tf.reshape(tf.transpose(tf.reshape(tf.slice(qkv, [0, i * d], [N, d]), [B, T, H, dh]), [0, 2, 1, 3]), [B * H, T, dh]) as TF.Tensor3D;
    const q = split(0);
    const k = split(1);
    const v = split(2);
    // q·kᵀ reads k transposed (the same products and sums as an explicit transpose, without its copy).
    const scores = tf.add(tf.mul(this.ops.batchMatMul(q, k, false, true), 1 / Math.sqrt(dh)), this.mask);
    const att = this.ops.batchMatMul(tf.softmax(scores) as TF.Tensor3D, v);
    const merged = tf.reshape(tf.transpose(tf.reshape(att, [B, H, T, dh]), [0, 2, 1, 3]), [N, d]) as T2;
    const x1 = tf.add(x, this.ops.addBias(this.mm(merged, P[`l${l}.wo`] as T2), P[`l${l}.bo`])) as T2;
    const h2 = this.ln(x1, P[`l${l}.ln2g`], P[`l${l}.ln2b`]);
    const mlp = this.ops.addBias(this.mm(tf.relu(this.ops.addBias(this.mm(h2, P[`l${l}.w1`] as T2), P[`l${l}.b1`])), P[`l${l}.w2`] as T2), P[`l${l}.b2`]);
    return tf.add(x1, mlp) as T2;
  }

  unembed(P: Record<string, TF.Tensor>, x: T2): T2 {
    return this.ops.addBias(this.mm(this.ln(x, P.lnfg, P.lnfb), P.wu as T2), P.bu);
  }

  /** Mean next-character cross-entropy (nats) of logits [N, V] against targets [N]. */
  crossEntropy(logits: T2, targets: TF.Tensor1D): TF.Scalar {
    const tf = this.tf;
    const oh = tf.cast(tf.oneHot(targets, this.s.vocab), 'float32');
    return tf.neg(tf.div(tf.sum(tf.mul(oh, tf.logSoftmax(logits))), logits.shape[0])) as TF.Scalar;
  }

  logits(P: Record<string, TF.Tensor>, tokens: TF.Tensor1D, B: number): T2 {
    let x = this.embed(P, tokens, B);
    for (let l = 0; l < this.s.layers; l++) x = this.block(P, l, x, B);
    return this.unembed(P, x);
  }
}

export interface LmCurvePoint {
  step: number;
  tokens: number;
  /** Mean training loss over the steps since the last point. */
  train: number;
  heldOut: number;
}

export interface LmTrainOptions {
  maxSteps: number;
  batch: number;
  lr: number;
  /** Final learning rate of the cosine decay (after `warmup` linear steps). */
  lrMin: number;
  warmup: number;
  evalEvery: number;
  /** Stop when the best held-out loss has not fallen by a relative relTol over `patience` evaluations. */
  patience: number;
  relTol: number;
  /** Windows of ctx + 1 tokens: inputs are the first ctx, targets the last ctx. */
  sample(tokens: Int32Array): void;
  heldOut: { tokens: Int32Array; windows: number };
  onStep?(step: number): void;
  /** The model's kernels; createLmOps(tf) by default (tfLmOps gives the same results, slower on wasm). */
  ops?: LmOps;
}

export interface TrainedLm {
  params: LmParams;
  curve: LmCurvePoint[];
  steps: number;
  stoppedBy: 'plateau' | 'maxSteps';
  bestHeldOut: number;
  /** Wall and CPU seconds of the optimisation steps alone (held-out evaluations excluded). */
  stepSeconds: number;
  stepCpuSeconds: number;
}

function splitWindows(tokens: Int32Array, windows: number, T: number): { x: Int32Array; y: Int32Array } {
  const x = new Int32Array(windows * T);
  const y = new Int32Array(windows * T);
  for (let b = 0; b < windows; b++)
    for (let t = 0; t < T; t++) {
      x[b * T + t] = tokens[b * (T + 1) + t];
      y[b * T + t] = tokens[b * (T + 1) + t + 1];
    }
  return { x, y };
}

export function lrAt(step: number, o: Pick<LmTrainOptions, 'lr' | 'lrMin' | 'warmup' | 'maxSteps'>): number {
  if (step <= o.warmup) return (o.lr * step) / o.warmup;
  const u = (step - o.warmup) / Math.max(1, o.maxSteps - o.warmup);
  return o.lrMin + 0.5 * (o.lr - o.lrMin) * (1 + Math.cos(Math.PI * Math.min(1, u)));
}

export async function trainLm(tf: Tf, s: LmShape, init: LmParams, opt: LmTrainOptions): Promise<TrainedLm> {
  const graph = new LmGraph(tf, s, opt.ops ?? (await createLmOps(tf)));
  const names = paramShapes(s);
  const vars: Record<string, TF.Variable> = {};
  for (const [name, shape] of names) vars[name] = tf.variable(tf.tensor(init[name], shape));
  const varList = Object.values(vars);
  const adam = tf.train.adam(opt.lr, 0.9, 0.99);
  const T = s.ctx;
  const win = new Int32Array(opt.batch * (T + 1));
  const held = splitWindows(opt.heldOut.tokens, opt.heldOut.windows, T);
  const heldLoss = (): number => {
    let sum = 0;
    const chunk = 64;
    for (let b0 = 0; b0 < opt.heldOut.windows; b0 += chunk) {
      const nb = Math.min(chunk, opt.heldOut.windows - b0);
      const xt = tf.tensor1d(held.x.subarray(b0 * T, (b0 + nb) * T), 'int32');
      const yt = tf.tensor1d(held.y.subarray(b0 * T, (b0 + nb) * T), 'int32');
      const l = tf.tidy(() => graph.crossEntropy(graph.logits(vars, xt, nb), yt));
      sum += l.dataSync()[0] * nb;
      tf.dispose([xt, yt, l]);
    }
    return sum / opt.heldOut.windows;
  };
  const curve: LmCurvePoint[] = [{ step: 0, tokens: 0, train: NaN, heldOut: heldLoss() }];
  let best = curve[0].heldOut;
  let bestAt = 0;
  let stoppedBy: TrainedLm['stoppedBy'] = 'maxSteps';
  let trainSum = 0;
  let trainCount = 0;
  let stepSeconds = 0;
  let stepCpu = 0;
  let step = 0;
  try {
    for (step = 1; step <= opt.maxSteps; step++) {
      opt.onStep?.(step);
      opt.sample(win);
      const { x, y } = splitWindows(win, opt.batch, T);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      (adam as unknown as { learningRate: number }).learningRate = lrAt(step, opt);
      const xt = tf.tensor1d(x, 'int32');
      const yt = tf.tensor1d(y, 'int32');
      const loss = adam.minimize(() => graph.crossEntropy(graph.logits(vars, xt, opt.batch), yt), true, varList)!;
      trainSum += loss.dataSync()[0];
      trainCount++;
      tf.dispose([xt, yt, loss]);
      stepSeconds += (performance.now() - t0) / 1000;
      const c1 = process.cpuUsage(c0);
      stepCpu += (c1.user + c1.system) / 1e6;
      if (step % opt.evalEvery === 0 || step === opt.maxSteps) {
        const h = heldLoss();
        curve.push({ step, tokens: step * opt.batch * T, train: trainSum / trainCount, heldOut: h });
        trainSum = 0;
        trainCount = 0;
        if (h < best * (1 - opt.relTol)) {
          best = h;
          bestAt = curve.length - 1;
        } else if (curve.length - 1 - bestAt >= opt.patience) {
          stoppedBy = 'plateau';
          break;
        }
        best = Math.min(best, h);
      }
    }
    const params: LmParams = {};
    for (const [name] of names) params[name] = vars[name].dataSync().slice() as Float32Array;
    return { params, curve, steps: Math.min(step, opt.maxSteps), stoppedBy, bestHeldOut: best, stepSeconds, stepCpuSeconds: stepCpu };
  } finally {
    adam.dispose();
    tf.dispose(varList);
    graph.dispose();
  }
}

/** Evaluation on fixed weights: residual streams at the hook, and logits from a (possibly edited) residual. */
export class LmRunner {
  private readonly P: Record<string, TF.Tensor>;
  private readonly graph: LmGraph;
  /** `ops`: the model's kernels (createLmOps); tfjs's own by default, which give the same results on wasm. */
  constructor(
    private readonly tf: Tf,
    readonly s: LmShape,
    params: LmParams,
    readonly hook: number,
    ops: LmOps = tfLmOps(tf),
  ) {
    if (!Number.isInteger(hook) || hook < 0 || hook > s.layers) throw new Error(`hook must be an integer in 0..${s.layers}, got ${hook}`);
    this.graph = new LmGraph(tf, s, ops);
    this.P = {};
    for (const [name, shape] of paramShapes(s)) this.P[name] = tf.tensor(params[name], shape);
  }

  dispose(): void {
    this.tf.dispose(Object.values(this.P));
    this.graph.dispose();
  }

  /** resid_pre of block `hook` for B windows of ctx tokens: [B·T·d]. */
  residAt(tokens: Int32Array, B: number): Float32Array {
    const tf = this.tf;
    const t = tf.tensor1d(tokens, 'int32');
    const x = tf.tidy(() => {
      let r = this.graph.embed(this.P, t, B);
      for (let l = 0; l < this.hook; l++) r = this.graph.block(this.P, l, r, B);
      return r;
    });
    const out = x.dataSync() as Float32Array;
    tf.dispose([t, x]);
    return out;
  }

  /** Logits [B·T·V] from resid_pre of block `hook`; with `lastOnly`, only each window's last position: [B·V]. */
  logitsFrom(resid: Float32Array, B: number, lastOnly = false): Float32Array {
    const tf = this.tf;
    const { ctx: T, dModel: d } = this.s;
    const r0 = tf.tensor2d(resid, [B * T, d]);
    const out = tf.tidy(() => {
      let r = r0;
      for (let l = this.hook; l < this.s.layers; l++) r = this.graph.block(this.P, l, r, B);
      if (lastOnly) r = tf.reshape(tf.slice(tf.reshape(r, [B, T, d]), [0, T - 1, 0], [B, 1, d]), [B, d]) as T2;
      return this.graph.unembed(this.P, r);
    });
    const data = out.dataSync() as Float32Array;
    tf.dispose([r0, out]);
    return data;
  }
}
