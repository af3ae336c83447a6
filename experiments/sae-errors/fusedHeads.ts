/**
 * The heads' training loop (`trainHead`'s contract: BCE on sigmoid outputs, tfjs's Adam, the same stopping rule and
 * curve) with the gradients written out by hand instead of taped. Only the products run as wasm matmuls, read from
 * the heap into reused buffers (`heapMatMul`, never with a transposed operand); everything elementwise is one loop in
 * JavaScript with float64 arithmetic and float32 storage: bias and ReLU (writing the transposed hidden layer as it
 * goes), the BCE and its gradient σ(z) − y, the ReLU mask, bias gradients and Adam. tests/sae-errors/fusedHeads.test.ts
 * checks it against `trainHead` (autodiff with tf.train.adam).
 */
import type { Tf } from '../runtime/backend';
import { heapMatMul } from '../lib/heapMatMul';
import type { Head, HeadTrainOptions, TrainedHead } from './heads';
import { PlateauStop } from './plateauStop';

const BETA1 = 0.9;
const BETA2 = 0.999;
/** tf.train.adam's default ε (the backend's float32 epsilon). */
const ADAM_EPS = 1e-7;

interface Moments {
  m: Float32Array;
  v: Float32Array;
}

function adam(theta: Float32Array, grad: Float32Array, s: Moments, lr: number, c1: number, c2: number): void {
  const { m, v } = s;
  const rate = lr / c1;
  const inv2 = 1 / c2;
  for (let t = 0; t < theta.length; t++) {
    const g = grad[t];
    const a = BETA1 * m[t] + (1 - BETA1) * g;
    const b = BETA2 * v[t] + (1 - BETA2) * g * g;
    m[t] = a;
    v[t] = b;
    theta[t] -= (rate * a) / (Math.sqrt(b * inv2) + ADAM_EPS);
  }
}

const moments = (n: number): Moments => ({ m: new Float32Array(n), v: new Float32Array(n) });

/** rows×cols row-major `a` into cols×rows `out`. */
function transpose(a: Float32Array, rows: number, cols: number, out: Float32Array): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
}

/** Σ_o softplus(z) − y·z (= BCE of σ(z) against y), float64. */
function bce(z: number, y: number): number {
  return (z > 0 ? z : 0) - y * z + Math.log1p(Math.exp(-Math.abs(z)));
}

/** The network's pieces and buffers for a batch of `rows`. */
class Net {
  readonly mlp: boolean;
  readonly W1: Float32Array;
  readonly b1: Float32Array;
  readonly W2: Float32Array;
  readonly b2: Float32Array;
  /** Width of the first product's output: h (MLP) or o (linear). */
  readonly h: number;
  constructor(private readonly tf: Tf, readonly init: Head) {
    this.mlp = init.kind === 'mlp';
    this.W1 = Float32Array.from(init.W1);
    this.b1 = Float32Array.from(init.b1);
    this.W2 = this.mlp ? Float32Array.from(init.W2!) : new Float32Array(0);
    this.b2 = this.mlp ? Float32Array.from(init.b2!) : new Float32Array(0);
    this.h = init.h;
  }
  /** First-layer output (pre-activation plus bias) into z1, rows×h. */
  first(x: Float32Array, rows: number, z1: Float32Array): void {
    const { h, b1 } = this;
    heapMatMul(this.tf, x, rows, this.init.d, this.W1, h, z1);
    for (let r = 0; r < rows; r++) for (let j = 0; j < h; j++) z1[r * h + j] += b1[j];
  }
  snapshot(): Head {
    const base = { ...this.init, W1: this.W1.slice(), b1: this.b1.slice() };
    return this.mlp ? { ...base, W2: this.W2.slice(), b2: this.b2.slice() } : base;
  }
}

/**
 * Mean BCE per row over `n` rows (chunks of `chunk`), float64: the held-out loss. Uses `a` and `z` as scratch of at
 * least chunk×h and chunk×o.
 */
function meanLoss(tf: Tf, net: Net, x: Float32Array, y: Float32Array, n: number, chunk: number, a: Float32Array, z: Float32Array): number {
  const { d, o } = net.init;
  let total = 0;
  for (let s = 0; s < n; s += chunk) {
    const rows = Math.min(chunk, n - s);
    const xs = x.subarray(s * d, (s + rows) * d);
    net.first(xs, rows, a);
    let logits = a;
    if (net.mlp) {
      for (let t = 0; t < rows * net.h; t++) if (a[t] < 0) a[t] = 0;
      heapMatMul(tf, a, rows, net.h, net.W2, o, z);
      logits = z;
    }
    for (let r = 0; r < rows; r++) {
      const yo = (s + r) * o;
      for (let k = 0; k < o; k++) total += bce(logits[r * o + k] + (net.mlp ? net.b2[k] : 0), y[yo + k]);
    }
  }
  return total / n;
}

export function trainHeadFused(tf: Tf, init: Head, opt: HeadTrainOptions): TrainedHead {
  const { d, o } = init;
  const B = opt.batch;
  const net = new Net(tf, init);
  const h = net.h;
  const x = new Float32Array(B * d);
  const y = new Float32Array(B * o);
  const xT = new Float32Array(d * B);
  const z1 = new Float32Array(B * h); // first layer (MLP: becomes ReLU activations a)
  const aT = net.mlp ? new Float32Array(h * B) : null;
  const z = new Float32Array(B * o);
  const g = new Float32Array(B * o); // dLoss/dlogits
  const gW2 = net.mlp ? new Float32Array(h * o) : null;
  const gb2 = net.mlp ? new Float32Array(o) : null;
  const W2T = net.mlp ? new Float32Array(o * h) : null;
  const da = net.mlp ? new Float32Array(B * h) : null;
  const gW1 = new Float32Array(d * h);
  const gb1 = new Float32Array(h);
  const s1 = moments(d * h);
  const sb1 = moments(h);
  const s2 = net.mlp ? moments(h * o) : null;
  const sb2 = net.mlp ? moments(o) : null;
  const evalChunk = 1024;
  const ea = new Float32Array(evalChunk * h);
  const ez = new Float32Array(evalChunk * o);

  const rule = new PlateauStop(opt);
  let step = 0;
  let stoppedBy: TrainedHead['stoppedBy'] = 'maxSteps';
  for (step = 1; step <= opt.maxSteps; step++) {
    opt.onStep?.(step);
    opt.sample(x, y);
    if (opt.inputNoise > 0) for (let t = 0; t < x.length; t++) x[t] += opt.inputNoise * opt.noiseRng.normal();
    transpose(x, B, d, xT);
    // Forward to the logits.
    net.first(x, B, z1);
    let logits: Float32Array = z1;
    if (net.mlp) {
      for (let r = 0; r < B; r++)
        for (let j = 0; j < h; j++) {
          const v = z1[r * h + j] > 0 ? z1[r * h + j] : 0;
          z1[r * h + j] = v;
          aT![j * B + r] = v;
        }
      heapMatMul(tf, z1, B, h, net.W2, o, z);
      logits = z;
    }
    // BCE (only where the curve records it: the log costs more than the rest of the loop) and its gradient
    // (σ(z) − y)/B; the output bias gradient.
    const record = step % opt.evalEvery === 0 || step === opt.maxSteps;
    let loss = 0;
    const outBias = net.mlp ? net.b2 : null;
    const gOutBias = net.mlp ? gb2! : gb1;
    gOutBias.fill(0);
    for (let r = 0; r < B; r++)
      for (let k = 0; k < o; k++) {
        const t = r * o + k;
        const zz = logits[t] + (outBias ? outBias[k] : 0);
        if (outBias) logits[t] = zz;
        const yy = y[t];
        if (record) loss += bce(zz, yy);
        const gv = (1 / (1 + Math.exp(-zz)) - yy) / B;
        g[t] = gv;
        gOutBias[k] += gv;
      }
    loss /= B;
    // Backward through the products.
    if (net.mlp) {
      heapMatMul(tf, aT!, h, B, g, o, gW2!);
      transpose(net.W2, h, o, W2T!);
      heapMatMul(tf, g, B, o, W2T!, h, da!);
      gb1.fill(0);
      for (let r = 0; r < B; r++)
        for (let j = 0; j < h; j++) {
          const t = r * h + j;
          const v = z1[t] > 0 ? da![t] : 0;
          da![t] = v;
          gb1[j] += v;
        }
      heapMatMul(tf, xT, d, B, da!, h, gW1);
    } else heapMatMul(tf, xT, d, B, g, o, gW1);
    const c1 = 1 - BETA1 ** step;
    const c2 = 1 - BETA2 ** step;
    adam(net.W1, gW1, s1, opt.lr, c1, c2);
    adam(net.b1, gb1, sb1, opt.lr, c1, c2);
    if (net.mlp) {
      adam(net.W2, gW2!, s2!, opt.lr, c1, c2);
      adam(net.b2, gb2!, sb2!, opt.lr, c1, c2);
    }
    if (record) rule.addTrainLoss(loss);
    if (step % opt.evalEvery === 0 && rule.evaluate(step, meanLoss(tf, net, opt.heldOut.x, opt.heldOut.y, opt.heldOut.n, evalChunk, ea, ez))) {
      stoppedBy = 'plateau';
      break;
    }
  }
  return { head: net.snapshot(), curve: rule.curve, steps: Math.min(step, opt.maxSteps), stoppedBy };
}
