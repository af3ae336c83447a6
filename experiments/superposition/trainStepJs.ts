/**
 * The elementwise work of one training step of `trainNetwork` (trainReadoffs.ts) in plain JavaScript: float64
 * arithmetic, float32 storage. This is the reference the WebAssembly kernel (trainStepWasm.ts) reproduces bit for bit
 * (tests/superposition/trainReadoffs.test.ts), and the kernel's fallback for loss exponents it does not cover.
 */

/** An Adam moment pair. */
export interface AdamState {
  m1: Float32Array;
  m2: Float32Array;
}

/** The elementwise operations of a training step, on float32 arrays (row-major). */
export interface StepOps {
  /** h = ReLU(x W + b), batch×d, and its transpose hT (d×batch); W's rows are summed over x's nonzero entries only. */
  hidden(x: Float32Array, W: Float32Array, bias: Float32Array, batch: number, m: number, d: number, h: Float32Array, hT: Float32Array): void;
  /** The class-weighted L_p loss of predᵀ (k×batch) against y (batch×k); its gradient into gT (k×batch) and g (batch×k) when given. */
  lossAndGradient(predT: Float32Array, y: Float32Array, onesWeight: number, p: number, k: number, batch: number, gT: Float32Array, g: Float32Array | null): number;
  /** From dLoss/dh (batch×d, overwritten by its ReLU-masked value): dLoss/dW (m×d) and dLoss/db (d). */
  firstLayerGradient(h: Float32Array, dh: Float32Array, x: Float32Array, batch: number, m: number, d: number, gW: Float32Array, gB: Float32Array): void;
  /** One Adam update in place, as tfjs's AdamOptimizer computes it: θ −= lr·(m₁/c₁)/(√(m₂/c₂) + ε). */
  adam(theta: Float32Array, grad: Float32Array, s: AdamState, b1: number, b2: number, c1: number, c2: number, lr: number, eps: number): void;
}

export const jsStepOps: StepOps = {
  hidden(x, W, bias, batch, m, d, h, hT) {
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
  },

  lossAndGradient: lossAndGradientJs,

  firstLayerGradient(h, dh, x, batch, m, d, gW, gB) {
    gW.fill(0);
    gB.fill(0);
    for (let r = 0; r < batch; r++) {
      for (let a = 0; a < d; a++) {
        const v = h[r * d + a] > 0 ? dh[r * d + a] : 0;
        dh[r * d + a] = v;
        gB[a] += v;
      }
      for (let l = 0; l < m; l++) {
        const xv = x[r * m + l];
        if (xv === 0) continue;
        const row = l * d;
        for (let a = 0; a < d; a++) gW[row + a] += xv * dh[r * d + a];
      }
    }
  },

  adam(theta, grad, s, b1, b2, c1, c2, lr, eps) {
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
  },
};

/**
 * Σ w·|e|^p with each class averaged over its own entries and the ones weighted by onesWeight (classWeights), and the
 * gradient p·w·|e|^(p−2)·e.
 */
export function lossAndGradientJs(predT: Float32Array, y: Float32Array, onesWeight: number, p: number, k: number, batch: number, gT: Float32Array, g: Float32Array | null): number {
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
