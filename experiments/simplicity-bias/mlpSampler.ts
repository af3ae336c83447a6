import type { NormalStream } from '../lib/normalStream';

/**
 * Random fully connected networks evaluated on all 2^n boolean inputs, returned as truth tables.
 * Input i has bits x_k = (i >> k) & 1 (raw 0/1); bit i of the table is 1 when the output is > 0.
 * Weights ~ N(0, σ_w²/fan_in), biases (the output's included) ~ N(0, σ_b²).
 *
 * Plain JS on Float64Arrays: the first layer is built by subset sums (input i = input i without its
 * lowest set bit, plus that bit's weight row), so it costs additions only; later ReLU layers skip
 * inactive units. Measured faster here than batched tfjs-wasm matmuls (see `npm run bench`).
 */

export const ACTIVATIONS = ['relu', 'tanh', 'sin'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export interface MlpSpec {
  /** Boolean inputs (2^n rows, at most 5 so a table fits a uint32). */
  n: number;
  /** Hidden layer widths, e.g. [40, 40]. */
  hidden: readonly number[];
  activation: Activation;
  sigmaW: number;
  sigmaB: number;
}

export function parameterCount(spec: MlpSpec): number {
  let fanIn = spec.n;
  let total = 0;
  for (const h of [...spec.hidden, 1]) {
    total += fanIn * h + h;
    fanIn = h;
  }
  return total;
}

function activate(kind: Activation, v: Float64Array, len: number): void {
  if (kind === 'relu') for (let i = 0; i < len; i++) v[i] = v[i] > 0 ? v[i] : 0;
  else if (kind === 'tanh') for (let i = 0; i < len; i++) v[i] = Math.tanh(v[i]);
  else for (let i = 0; i < len; i++) v[i] = Math.sin(v[i]);
}

/** out ← std · z[offset .. offset + out.length); returns the offset after it. Parameters are drawn layer by layer, W then b. */
function scaleInto(out: Float64Array, z: Float64Array, offset: number, std: number): number {
  for (let i = 0; i < out.length; i++) out[i] = std * z[offset + i];
  return offset + out.length;
}

/**
 * Pre-activations of the first layer for every 0/1 input, by subset sums: input i is input i without its lowest set
 * bit k, plus row k of W0. out is rows × h, row-major.
 */
function firstLayer(out: Float64Array, W0: Float64Array, b0: Float64Array, rows: number, h: number): void {
  out.set(b0, 0);
  for (let i = 1; i < rows; i++) {
    const k = 31 - Math.clz32(i & -i);
    const prev = (i & (i - 1)) * h;
    const row = i * h;
    const wk = k * h;
    for (let j = 0; j < h; j++) out[row + j] = out[prev + j] + W0[wk + j];
  }
}

/** A sampler with its buffers allocated once; `sample()` draws one network and returns its table. */
export function createMlpSampler(spec: MlpSpec, normals: NormalStream): () => number {
  if (!Number.isInteger(spec.n) || spec.n < 1 || spec.n > 5) throw new Error(`MlpSpec.n must be an integer in 1..5, got ${spec.n}`);
  if (spec.hidden.length < 1) throw new Error('MlpSpec.hidden must list at least one hidden width');
  const rows = 1 << spec.n;
  const widths = [spec.n, ...spec.hidden, 1];
  const L = widths.length - 1;
  const W = widths.slice(1).map((h, l) => new Float64Array(widths[l] * h));
  const B = widths.slice(1).map((h) => new Float64Array(h));
  const stdW = widths.slice(0, -1).map((fanIn) => spec.sigmaW / Math.sqrt(fanIn));
  // Activations of every input at each layer: rows × width.
  const act = widths.map((w) => new Float64Array(rows * w));
  const total = parameterCount(spec);
  const relu = spec.activation === 'relu';
  const maxWidth = Math.max(...widths);
  const idx = new Int32Array(maxWidth);
  const val = new Float64Array(maxWidth);
  return () => {
    const z = normals.take(total);
    let o = 0;
    for (let l = 0; l < L; l++) {
      o = scaleInto(W[l], z, o, stdW[l]);
      o = scaleInto(B[l], z, o, spec.sigmaB);
    }
    firstLayer(act[1], W[0], B[0], rows, widths[1]);
    activate(spec.activation, act[1], rows * widths[1]);
    // Dense layers, row by row: gather the row's nonzero inputs, then four outputs at a time in registers.
    for (let l = 1; l < L; l++) {
      const inW = widths[l];
      const outW = widths[l + 1];
      const a = act[l];
      const o = act[l + 1];
      const Wl = W[l];
      const bl = B[l];
      const out4 = outW - (outW % 4);
      for (let i = 0; i < rows; i++) {
        const arow = i * inW;
        let na = 0;
        for (let j = 0; j < inW; j++) {
          const v = a[arow + j];
          if (relu && v === 0) continue;
          idx[na] = j * outW;
          val[na] = v;
          na++;
        }
        const orow = i * outW;
        for (let m = 0; m < out4; m += 4) {
          let c0 = bl[m];
          let c1 = bl[m + 1];
          let c2 = bl[m + 2];
          let c3 = bl[m + 3];
          for (let t = 0; t < na; t++) {
            const v = val[t];
            const w = idx[t] + m;
            c0 += v * Wl[w];
            c1 += v * Wl[w + 1];
            c2 += v * Wl[w + 2];
            c3 += v * Wl[w + 3];
          }
          o[orow + m] = c0;
          o[orow + m + 1] = c1;
          o[orow + m + 2] = c2;
          o[orow + m + 3] = c3;
        }
        for (let m = out4; m < outW; m++) {
          let c = bl[m];
          for (let t = 0; t < na; t++) c += val[t] * Wl[idx[t] + m];
          o[orow + m] = c;
        }
      }
      if (l < L - 1) activate(spec.activation, o, rows * outW);
    }
    const out = act[L];
    let table = 0;
    for (let i = 0; i < rows; i++) if (out[i] > 0) table |= 1 << i;
    return table >>> 0;
  };
}
