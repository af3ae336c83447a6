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
import { createCholeskyKernel } from '../lib/choleskyWasm';
import { solveWithCholeskyFactor } from '../lib/linalg';
import { createRowSubsetGram, upperSize } from '../lib/rowSubsetGram';

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

/**
 * n natural input rows (x, n×m: feature l on when rng.uniform() < q) and their hidden rows H = ReLU(x·W) in float32
 * (row stride `stride`, the padding zero), listing each feature's rows in order. The Bernoulli draws take
 * rng.uniform()'s two 32-bit words per draw in bulk (the same stream). A function of its own so that V8 optimises
 * the loop.
 */
function drawChunk(rng: Rng, W: Float32Array, m: number, dMax: number, q: number, n: number, H: Float32Array, stride: number, x: Uint8Array, words: Uint32Array, featureRows: Int32Array[], featureCount: Int32Array): void {
  featureCount.fill(0);
  for (let r = 0; r < n; r++) {
    const row = r * stride;
    H.fill(0, row, row + stride);
    rng.fillUint32(words);
    for (let l = 0; l < m; l++) {
      const on = ((words[2 * l] >>> 5) * 67108864 + (words[2 * l + 1] >>> 6)) / 9007199254740992 < q ? 1 : 0;
      x[r * m + l] = on;
      if (on) {
        featureRows[l][featureCount[l]++] = r;
        for (let k = 0, w = l * dMax; k < dMax; k++) H[row + k] += W[w + k];
      }
    }
    for (let k = row; k < row + dMax; k++) if (H[k] < 0) H[k] = 0;
  }
}

/**
 * The class-balanced ridge normal equations' matrix, mean over y = 0 rows + mean over y = 1 rows + ridge·I, from the
 * Gram over all rows and over the y = 1 rows (packed upper triangles), written by columns into the lower triangle of
 * A (column stride ld). A function of its own so that V8 optimises the loop.
 */
function assembleNormalEquations(all: Float64Array, ones: Float64Array, n0: number, n1: number, ridge: number, n: number, A: Float64Array, ld: number): void {
  for (let c = 0, t = 0; c < n; c++) {
    for (let r = c, at = c * ld + c; r < n; r++, t++, at++) {
      const o = ones[t];
      A[at] = (n0 > 0 ? (all[t] - o) / n0 : 0) + (n1 > 0 ? o / n1 : 0);
    }
    A[c * ld + c] += ridge;
  }
}

/** Readoffs per function and width: `and[w]` is d×P row-major for width widths[w], column o answering pairs[o]; and the ones counted per pair. */
export async function naturalLeastSquares(o: NaturalLeastSquaresOptions): Promise<{ and: Float64Array[]; xor: Float64Array[]; onesCount: { and: number[]; xor: number[] } }> {
  const { m, dMax, q, samples } = o;
  const dd = dMax * dMax;
  const packed = upperSize(dMax); // Gram matrices keep their upper triangle (packed by rows)
  const chunk = Math.max(1, Math.min(o.chunk ?? 50_000, samples)); // no buffer larger than the samples
  const G = new Float64Array(packed);
  const Gl = Array.from({ length: m }, () => new Float64Array(packed));
  const Sl = Array.from({ length: m }, () => new Float64Array(dMax));
  const cl = new Float64Array(m);
  const P = o.pairs.length;
  const Gp = Array.from({ length: P }, () => new Float64Array(packed));
  const Sp = Array.from({ length: P }, () => new Float64Array(dMax));
  const cp = new Float64Array(P);
  // The chunk's hidden rows live in the Gram kernel's memory (row stride padded); each Gram is a float32 sum over a
  // subset of rows in row order, as tfjs's matMul(Hᵀ_S, H_S) on the gathered rows (bit-identical, see lib/rowSubsetGram).
  const kernel = await createRowSubsetGram(chunk, dMax);
  const { H, stride } = kernel;
  const featureRows = Array.from({ length: m }, () => new Int32Array(chunk));
  const featureCount = new Int32Array(m);
  const x = new Uint8Array(chunk * m);
  const words = new Uint32Array(2 * m);
  for (let start = 0; start < samples; start += chunk) {
    o.onChunk?.();
    const n = Math.min(chunk, samples - start);
    drawChunk(o.rng, o.W, m, dMax, q, n, H, stride, x, words, featureRows, featureCount);
    for (let r = 0; r < n; r++) kernel.rows[r] = r;
    kernel.addGram(n, G);
    for (let l = 0; l < m; l++) {
      kernel.rows.set(featureRows[l].subarray(0, featureCount[l]));
      kernel.addGram(featureCount[l], Gl[l], Sl[l]);
      cl[l] += featureCount[l];
    }
    o.pairs.forEach(([i, j], p) => {
      // Rows with both on, in row order: feature i's rows with j on.
      let c = 0;
      for (let t = 0, rows = featureRows[i]; t < featureCount[i]; t++) if (x[rows[t] * m + j] === 1) kernel.rows[c++] = rows[t];
      kernel.addGram(c, Gp[p], Sp[p]);
      cp[p] += c;
    });
  }

  // For each pair and function, the normal equations at the widest width, factored once: a nested width's system is
  // the leading block, whose Cholesky factor is the leading block of this one (the same operations), so its solve
  // equals a separate factorisation's bit for bit. Only the lower triangle is built, by columns (the packed upper
  // triangle's order), straight into the WebAssembly factor's memory; its factor equals lib/linalg's bit for bit.
  const out = { and: o.widths.map((d) => new Float64Array(d * P)), xor: o.widths.map((d) => new Float64Array(d * P)), onesCount: { and: [] as number[], xor: [] as number[] } };
  const cholesky = await createCholeskyKernel(dMax);
  const xorOnes = new Float64Array(packed);
  const L = new Float64Array(dd);
  const S1 = new Float64Array(dMax);
  o.pairs.forEach(([i, j], p) => {
    for (const fn of ['and', 'xor'] as const) {
      const and = fn === 'and';
      const n1 = and ? cp[p] : cl[i] + cl[j] - 2 * cp[p];
      for (let k = 0; k < dMax; k++) S1[k] = and ? Sp[p][k] : Sl[i][k] + Sl[j][k] - 2 * Sp[p][k];
      out.onesCount[fn].push(n1);
      const n0 = samples - n1;
      let ones = Gp[p];
      if (!and) {
        ones = xorOnes;
        const [Gi, Gj, Gij] = [Gl[i], Gl[j], Gp[p]];
        for (let t = 0; t < packed; t++) xorOnes[t] = Gi[t] + Gj[t] - 2 * Gij[t];
      }
      assembleNormalEquations(G, ones, n0, n1, o.ridge, dMax, cholesky.A, cholesky.ld);
      cholesky.factor();
      cholesky.lowerRowMajor(L);
      o.widths.forEach((d, w) => {
        const b = new Float64Array(d);
        for (let r = 0; r < d; r++) b[r] = n1 > 0 ? S1[r] / n1 : 0;
        solveWithCholeskyFactor(L, dMax, d, b, 1);
        for (let k = 0; k < d; k++) out[fn][w][k * P + p] = b[k];
      });
    }
  });
  return out;
}
