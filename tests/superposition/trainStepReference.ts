/**
 * Test oracle: a training step of `trainNetwork` (experiments/superposition/trainReadoffs.ts) as it ran before the
 * step moved into WebAssembly: the elementwise work in plain JavaScript (float64 arithmetic, float32 storage) and the
 * three products by tfjs's matMul. The kernel (trainStepWasm.ts, lib/matMulF32.ts) reproduces it bit for bit
 * (tests/superposition/trainReadoffs.test.ts).
 */
import type { Tf } from '../../experiments/runtime/backend';
import type { StepFactory, StepOps } from '../../experiments/superposition/trainStepWasm';

/**
 * The reference step on plain Float32Arrays, its products by `tf.matMul` on the given backend (the zero-skipping
 * product too: the kernel's must give tfjs's bits).
 */
export function referenceStep(tf: Tf): StepFactory {
  const matMul: StepOps['matMul'] = (A, B, C, M, N, K) => {
    const c = tf.tidy(() => tf.matMul(tf.tensor2d(A.subarray(0, M * K), [M, K]), tf.tensor2d(B.subarray(0, K * N), [K, N])));
    C.set(c.dataSync());
    c.dispose();
  };
  const ops: StepOps = { ...jsStepOps, matMul, matMulSkipZeros: matMul };
  return async (lengths) => ({ arrays: lengths.map((n) => new Float32Array(n)), ops });
}

const jsStepOps: Omit<StepOps, 'matMul' | 'matMulSkipZeros'> = {
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

  firstLayerGradient(h, dhT, x, batch, m, d, dh, gW, gB) {
    gW.fill(0);
    gB.fill(0);
    for (let r = 0; r < batch; r++) {
      for (let a = 0; a < d; a++) {
        const v = h[r * d + a] > 0 ? dhT[a * batch + r] : 0;
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
function lossAndGradientJs(pred: Float32Array, y: Float32Array, onesWeight: number, p: number, k: number, batch: number, g: Float32Array, gT: Float32Array | null): number {
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
      const e = pred[r * k + o] - t;
      const e2 = e * e;
      const eb = half === 2 ? e2 * e2 : half === 1 ? e2 : half === 0 ? 1 : Math.pow(e2, half);
      loss += w * e2 * eb;
      const grad = p * w * eb * e;
      g[r * k + o] = grad;
      if (gT !== null) gT[o * batch + r] = grad;
    }
  }
  return loss;
}
