import { choleskySolve } from '../lib/linalg';

/**
 * A small fully connected network on all 2^n boolean inputs, with exact gradients by hand-written backpropagation in
 * float64: what the LLC (SGLD) and volume-scaling experiments train, sample and differentiate. Parameters are one
 * flat vector, layer by layer, W (fan-in × width, row-major) then b, as in `mlpSampler`.
 */

export interface NetSpec {
  /** Boolean inputs; the network is evaluated on all 2^n of them. */
  n: number;
  hidden: readonly number[];
  activation: 'relu' | 'tanh';
  /** Input encoding: raw bits (x_k = (i >> k) & 1) or centred (±1). */
  inputs: 'bits' | 'signs';
}

export class BooleanNet {
  readonly rows: number;
  readonly dim: number;
  private readonly widths: number[];
  /** Offsets of each layer's W and b in the parameter vector. */
  private readonly wOff: number[] = [];
  private readonly bOff: number[] = [];
  /** Per layer: rows × width activations (layer 0 = inputs) and pre-activations. */
  private readonly act: Float64Array[];
  private readonly pre: Float64Array[];
  private readonly delta: Float64Array[];

  constructor(readonly spec: NetSpec) {
    if (!Number.isInteger(spec.n) || spec.n < 1 || spec.n > 8) throw new Error(`NetSpec.n must be an integer in 1..8, got ${spec.n}`);
    this.rows = 1 << spec.n;
    this.widths = [spec.n, ...spec.hidden, 1];
    let off = 0;
    for (let l = 0; l + 1 < this.widths.length; l++) {
      this.wOff.push(off);
      off += this.widths[l] * this.widths[l + 1];
      this.bOff.push(off);
      off += this.widths[l + 1];
    }
    this.dim = off;
    this.act = this.widths.map((w) => new Float64Array(this.rows * w));
    this.pre = this.widths.map((w) => new Float64Array(this.rows * w));
    this.delta = this.widths.map((w) => new Float64Array(this.rows * w));
    const x = this.act[0];
    for (let i = 0; i < this.rows; i++)
      for (let k = 0; k < spec.n; k++) {
        const bit = (i >> k) & 1;
        x[i * spec.n + k] = spec.inputs === 'bits' ? bit : 2 * bit - 1;
      }
  }

  /** Standard deviation of each parameter under the prior: weights σ_w/√fan-in, biases σ_b. */
  priorStd(sigmaW: number, sigmaB: number): Float64Array {
    const std = new Float64Array(this.dim);
    for (let l = 0; l + 1 < this.widths.length; l++) {
      std.fill(sigmaW / Math.sqrt(this.widths[l]), this.wOff[l], this.bOff[l]);
      std.fill(sigmaB, this.bOff[l], this.bOff[l] + this.widths[l + 1]);
    }
    return std;
  }

  /** Outputs on every input, written into out (length 2^n); returns out. */
  forward(w: Float64Array, out: Float64Array = new Float64Array(this.rows)): Float64Array {
    const L = this.widths.length - 1;
    const relu = this.spec.activation === 'relu';
    for (let l = 0; l < L; l++) {
      const inW = this.widths[l];
      const outW = this.widths[l + 1];
      const a = this.act[l];
      const z = this.pre[l + 1];
      const next = this.act[l + 1];
      const wo = this.wOff[l];
      const bo = this.bOff[l];
      for (let i = 0; i < this.rows; i++) {
        for (let m = 0; m < outW; m++) z[i * outW + m] = w[bo + m];
        for (let j = 0; j < inW; j++) {
          const v = a[i * inW + j];
          if (v === 0) continue;
          const row = wo + j * outW;
          for (let m = 0; m < outW; m++) z[i * outW + m] += v * w[row + m];
        }
        if (l + 1 < L) {
          for (let m = 0; m < outW; m++) {
            const u = z[i * outW + m];
            next[i * outW + m] = relu ? (u > 0 ? u : 0) : Math.tanh(u);
          }
        } else next[i] = z[i];
      }
    }
    out.set(this.act[L]);
    return out;
  }

  /**
   * Backpropagate output gradients g (one per input row) through the last `forward`: grad ← Σ_i g_i ∇_w f(x_i).
   * Call `forward` with the same w first.
   */
  backward(w: Float64Array, g: ArrayLike<number>, grad: Float64Array): Float64Array {
    grad.fill(0);
    const L = this.widths.length - 1;
    const relu = this.spec.activation === 'relu';
    const dTop = this.delta[L];
    for (let i = 0; i < this.rows; i++) dTop[i] = g[i];
    for (let l = L - 1; l >= 0; l--) {
      const inW = this.widths[l];
      const outW = this.widths[l + 1];
      const a = this.act[l];
      const d = this.delta[l + 1];
      const wo = this.wOff[l];
      const bo = this.bOff[l];
      for (let i = 0; i < this.rows; i++) {
        for (let m = 0; m < outW; m++) grad[bo + m] += d[i * outW + m];
        for (let j = 0; j < inW; j++) {
          const v = a[i * inW + j];
          if (v === 0) continue;
          const row = wo + j * outW;
          for (let m = 0; m < outW; m++) grad[row + m] += v * d[i * outW + m];
        }
      }
      if (l === 0) break;
      const dPrev = this.delta[l];
      for (let i = 0; i < this.rows; i++)
        for (let j = 0; j < inW; j++) {
          const v = a[i * inW + j];
          // ReLU: 1 where the unit is active; tanh: 1 − tanh², from the stored activation.
          const slope = relu ? (v > 0 ? 1 : 0) : 1 - v * v;
          if (slope === 0) {
            dPrev[i * inW + j] = 0;
            continue;
          }
          let s = 0;
          const row = wo + j * outW;
          for (let m = 0; m < outW; m++) s += w[row + m] * d[i * outW + m];
          dPrev[i * inW + j] = s * slope;
        }
    }
    return grad;
  }

  /** The Jacobian of w ↦ (f_w(x_i))_i: rows × dim, row-major. */
  jacobian(w: Float64Array): Float64Array {
    this.forward(w);
    const J = new Float64Array(this.rows * this.dim);
    const g = new Float64Array(this.rows);
    const row = new Float64Array(this.dim);
    for (let i = 0; i < this.rows; i++) {
      g.fill(0);
      g[i] = 1;
      this.backward(w, g, row);
      J.set(row, i * this.dim);
    }
    return J;
  }
}

/** JJᵀ (rows × rows) of a rows × cols matrix. */
export function gram(J: Float64Array, rows: number, cols: number): Float64Array {
  const G = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++)
    for (let k = i; k < rows; k++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += J[i * cols + c] * J[k * cols + c];
      G[i * rows + k] = s;
      G[k * rows + i] = s;
    }
  return G;
}

export interface FitResult {
  w: Float64Array;
  /** Largest |f_w(x_i) − target_i| at the end. */
  maxResidual: number;
  iterations: number;
  converged: boolean;
}

/**
 * Fit the outputs to `targets` exactly by Levenberg–Marquardt in the outputs' space: the step is
 * −Jᵀ(JJᵀ + μI)⁻¹ r, the smallest parameter change that removes the linearised residual r. Over-parameterised
 * networks (dim > 2^n) converge to an exact interpolant near the start, which is a global minimum of the squared error.
 */
export function fitExactly(net: BooleanNet, w0: Float64Array, targets: Float64Array, tol = 1e-10, maxIterations = 500): FitResult {
  const R = net.rows;
  const P = net.dim;
  let w = Float64Array.from(w0);
  const f = new Float64Array(R);
  const residual = (x: Float64Array) => {
    net.forward(x, f);
    let ss = 0;
    let mx = 0;
    for (let i = 0; i < R; i++) {
      const r = f[i] - targets[i];
      ss += r * r;
      mx = Math.max(mx, Math.abs(r));
    }
    return { ss, mx, r: Float64Array.from(f, (v, i) => v - targets[i]) };
  };
  let cur = residual(w);
  let mu = 1e-3;
  let it = 0;
  for (; it < maxIterations && cur.mx > tol; it++) {
    const J = net.jacobian(w);
    const G = gram(J, R, P);
    let scale = 0;
    for (let i = 0; i < R; i++) scale = Math.max(scale, G[i * R + i]);
    let accepted = false;
    for (let tries = 0; tries < 30 && !accepted; tries++) {
      const A = Float64Array.from(G);
      for (let i = 0; i < R; i++) A[i * R + i] += mu * scale + 1e-300;
      let alpha: Float64Array;
      try {
        alpha = choleskySolve(A, R, cur.r, 1);
      } catch {
        mu *= 10;
        continue;
      }
      const next = Float64Array.from(w);
      for (let i = 0; i < R; i++) {
        const a = alpha[i];
        if (a === 0) continue;
        for (let c = 0; c < P; c++) next[c] -= a * J[i * P + c];
      }
      const trial = residual(next);
      if (trial.ss < cur.ss) {
        w = next;
        cur = trial;
        mu = Math.max(mu / 3, 1e-15);
        accepted = true;
      } else mu *= 4;
    }
    if (!accepted) break;
  }
  return { w, maxResidual: cur.mx, iterations: it, converged: cur.mx <= tol };
}
