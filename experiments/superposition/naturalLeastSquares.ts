/**
 * Class-balanced least-squares AND and XOR readoffs of a frozen layer, fitted on the natural inputs (each feature on
 * independently with probability q): the distribution the trained conditions see and every condition is scored on.
 *
 * For pair (i, j) the fit minimises mean_{y=1}(r·h − 1)² + mean_{y=0}(r·h)² + ridge·‖r‖², whose normal equations need
 * only Gram matrices over row subsets: all rows (G), rows with x_l on (G_l, for every feature l) and rows with both
 * x_i and x_j on (G_ij). AND's ones are the rows of G_ij; XOR's are those of G_i + G_j − 2·G_ij. So one pass over the
 * samples serves every pair and both functions, and nested widths are the leading blocks.
 */
import type { Rng } from '../runtime/rng';
import type { Tf } from '../runtime/backend';
import { choleskySolve } from '../lib/linalg';

export interface NaturalLeastSquaresOptions {
  /** Frozen layer, m×dMax row-major (identity feature embeddings, zero bias). */
  W: Float32Array;
  m: number;
  dMax: number;
  /** Widths to fit, each the first d neurons. */
  widths: readonly number[];
  q: number;
  samples: number;
  pairs: readonly (readonly [number, number])[];
  ridge: number;
  rng: Rng;
  /** Rows per Gram chunk (memory ∝ chunk·dMax). */
  chunk?: number;
  onChunk?(): void;
}

/** Σ over rows of rowᵀ·row for `rows` rows of width d, added into acc (d×d, float64). */
function addGram(tf: Tf, rows: Float32Array, n: number, d: number, acc: Float64Array): void {
  if (n === 0) return;
  const g = tf.tidy(() => {
    const H = tf.tensor2d(rows.subarray(0, n * d), [n, d]);
    return tf.matMul(tf.transpose(H), H);
  });
  const v = g.dataSync();
  g.dispose();
  for (let t = 0; t < v.length; t++) acc[t] += v[t];
}

/** Readoffs per function and width: `and[w]` is d×P row-major for width widths[w], column o answering pairs[o]; and the ones counted per pair. */
export function naturalLeastSquares(tf: Tf, o: NaturalLeastSquaresOptions): { and: Float64Array[]; xor: Float64Array[]; onesCount: { and: number[]; xor: number[] } } {
  const { m, dMax, q, samples } = o;
  const dd = dMax * dMax;
  const chunk = o.chunk ?? 50_000;
  const G = new Float64Array(dd);
  const Gl = Array.from({ length: m }, () => new Float64Array(dd));
  const Sl = Array.from({ length: m }, () => new Float64Array(dMax));
  const cl = new Float64Array(m);
  const P = o.pairs.length;
  const Gp = Array.from({ length: P }, () => new Float64Array(dd));
  const Sp = Array.from({ length: P }, () => new Float64Array(dMax));
  const cp = new Float64Array(P);
  const H = new Float32Array(chunk * dMax);
  const gather = new Float32Array(chunk * dMax);
  const x = new Uint8Array(chunk * m);
  for (let start = 0; start < samples; start += chunk) {
    o.onChunk?.();
    const n = Math.min(chunk, samples - start);
    for (let r = 0; r < n; r++) {
      const row = r * dMax;
      H.fill(0, row, row + dMax);
      for (let l = 0; l < m; l++) {
        const on = o.rng.uniform() < q ? 1 : 0;
        x[r * m + l] = on;
        if (on) for (let k = 0, w = l * dMax; k < dMax; k++) H[row + k] += o.W[w + k];
      }
      for (let k = row; k < row + dMax; k++) if (H[k] < 0) H[k] = 0;
    }
    addGram(tf, H, n, dMax, G);
    const subset = (keep: (r: number) => boolean, gram: Float64Array, sum: Float64Array): number => {
      let c = 0;
      for (let r = 0; r < n; r++) {
        if (!keep(r)) continue;
        gather.set(H.subarray(r * dMax, (r + 1) * dMax), c * dMax);
        for (let k = 0; k < dMax; k++) sum[k] += H[r * dMax + k];
        c++;
      }
      addGram(tf, gather, c, dMax, gram);
      return c;
    };
    for (let l = 0; l < m; l++) cl[l] += subset((r) => x[r * m + l] === 1, Gl[l], Sl[l]);
    o.pairs.forEach(([i, j], p) => {
      cp[p] += subset((r) => x[r * m + i] === 1 && x[r * m + j] === 1, Gp[p], Sp[p]);
    });
  }

  const out = { and: o.widths.map((d) => new Float64Array(d * P)), xor: o.widths.map((d) => new Float64Array(d * P)), onesCount: { and: [] as number[], xor: [] as number[] } };
  const G1 = new Float64Array(dd);
  const S1 = new Float64Array(dMax);
  o.pairs.forEach(([i, j], p) => {
    for (const fn of ['and', 'xor'] as const) {
      let n1: number;
      if (fn === 'and') {
        G1.set(Gp[p]);
        S1.set(Sp[p]);
        n1 = cp[p];
      } else {
        for (let t = 0; t < dd; t++) G1[t] = Gl[i][t] + Gl[j][t] - 2 * Gp[p][t];
        for (let k = 0; k < dMax; k++) S1[k] = Sl[i][k] + Sl[j][k] - 2 * Sp[p][k];
        n1 = cl[i] + cl[j] - 2 * cp[p];
      }
      out.onesCount[fn].push(n1);
      const n0 = samples - n1;
      o.widths.forEach((d, w) => {
        const A = new Float64Array(d * d);
        const b = new Float64Array(d);
        for (let r = 0; r < d; r++) {
          for (let c = 0; c < d; c++) {
            const all = G[r * dMax + c];
            const ones = G1[r * dMax + c];
            A[r * d + c] = (n0 > 0 ? (all - ones) / n0 : 0) + (n1 > 0 ? ones / n1 : 0);
          }
          A[r * d + r] += o.ridge;
          b[r] = n1 > 0 ? S1[r] / n1 : 0;
        }
        const r = choleskySolve(A, d, b, 1);
        for (let k = 0; k < d; k++) out[fn][w][k * P + p] = r[k];
      });
    }
  });
  return out;
}
