/**
 * The true worst case of U-AND readoffs: every pair (i, j) against every input with exactly s of m features on.
 * Inputs are enumerated, so the maximum is exact, not sampled. The outputs of all pairs on a block of inputs come
 * from one matmul; scanning them needs only which pairs are (1,1) on each input, the C(s,2) pairs inside its support.
 */
import { choleskySolve } from '../lib/linalg';
import { normalCdf } from '../lib/special';
import type { Products } from './wasmProducts';

export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let t = 1; t <= k; t++) r = (r * (n - k + t)) / t;
  return Math.round(r);
}

/** Every s-subset of {0, …, m−1} in lexicographic order, as C(m, s) rows of s ascending indices. */
export function allSubsets(m: number, s: number): Int32Array {
  const n = binomial(m, s);
  const out = new Int32Array(n * s);
  const cur = Int32Array.from({ length: s }, (_, t) => t);
  for (let r = 0; r < n; r++) {
    out.set(cur, r * s);
    let t = s - 1;
    while (t >= 0 && cur[t] === m - s + t) t--;
    if (t < 0) break;
    cur[t]++;
    for (let u = t + 1; u < s; u++) cur[u] = cur[u - 1] + 1;
  }
  return out;
}

/** All pairs i < j in lexicographic order, and the index of pair (i, j) at pairIndex[i·m + j]. */
export function allPairs(m: number): { pairs: [number, number][]; pairIndex: Int32Array } {
  const pairs: [number, number][] = [];
  const pairIndex = new Int32Array(m * m).fill(-1);
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      pairIndex[i * m + j] = pairs.length;
      pairs.push([i, j]);
    }
  }
  return { pairs, pairIndex };
}

/**
 * Running worst case and squared-error sums, split into the (1,1) checks (target 1) and the rest (target 0); with
 * `lpPower`, also the sums of |error|^p that the class-balanced L_p loss averages per class.
 */
export class WorstCaseTally {
  constructor(readonly lpPower = 0) {}
  onesMax = 0;
  onesLp = 0;
  zerosLp = 0;
  zerosMax = 0;
  onesSq = 0;
  zerosSq = 0;
  onesCount = 0;
  zerosCount = 0;
  get worst(): number {
    return Math.max(this.onesMax, this.zerosMax);
  }
  get rms(): number {
    return Math.sqrt((this.onesSq + this.zerosSq) / (this.onesCount + this.zerosCount));
  }
  /** The class-balanced L_p loss: mean |error|^p over the (1,1) checks plus the mean over the rest. */
  get balancedLp(): number {
    return this.onesLp / this.onesCount + this.zerosLp / this.zerosCount;
  }
  add(y: ArrayLike<number>, rows: number, P: number, subsets: Int32Array, rowStart: number, s: number, m: number, pairIndex: Int32Array, scale = 1): void {
    const isOne = new Uint8Array(P);
    const onesOf: number[] = [];
    for (let r = 0; r < rows; r++) {
      const sub = (rowStart + r) * s;
      onesOf.length = 0;
      for (let a = 0; a < s; a++) for (let b = a + 1; b < s; b++) onesOf.push(pairIndex[subsets[sub + a] * m + subsets[sub + b]]);
      for (const p of onesOf) isOne[p] = 1;
      const base = r * P;
      for (let p = 0; p < P; p++) {
        const v = y[base + p] * scale;
        if (isOne[p]) {
          const e = Math.abs(v - 1);
          if (e > this.onesMax) this.onesMax = e;
          this.onesSq += e * e;
          this.onesCount++;
          if (this.lpPower) this.onesLp += e ** this.lpPower;
        } else {
          const e = Math.abs(v);
          if (e > this.zerosMax) this.zerosMax = e;
          this.zerosSq += e * e;
          this.zerosCount++;
          if (this.lpPower) this.zerosLp += e ** this.lpPower;
        }
      }
      for (const p of onesOf) isOne[p] = 0;
    }
  }
}

/** Hidden activations ReLU(Σ_{l ∈ input} W_l[k]) for neurons k in [k0, k1), rows of width k1 − k0; W is m×dMax. */
export function hiddenBlock(W: Float32Array, dMax: number, subsets: Int32Array, s: number, rowStart: number, rows: number, k0: number, k1: number): Float32Array {
  const w = k1 - k0;
  const out = new Float32Array(rows * w);
  for (let r = 0; r < rows; r++) {
    const o = r * w;
    for (let a = 0; a < s; a++) {
      const base = subsets[(rowStart + r) * s + a] * dMax + k0;
      for (let k = 0; k < w; k++) out[o + k] += W[base + k];
    }
    for (let k = 0; k < w; k++) if (out[o + k] < 0) out[o + k] = 0;
  }
  return out;
}

/**
 * Worst case of Kaarel's sign readoff sign(W_ik W_jk)/(d·c) at every width in `widths` (ascending prefixes of the
 * dMax neurons of W), exhaustively: one pass over the inputs in blocks of `rowChunk`, adding each width's new
 * neurons to running unscaled sums.
 */
export function kaarelWorstCase(products: Products, W: Float32Array, m: number, dMax: number, s: number, c: number, widths: readonly number[], rowChunk: number, onBlock?: () => void): WorstCaseTally[] {
  const subsets = allSubsets(m, s);
  const n = subsets.length / s;
  const { pairs, pairIndex } = allPairs(m);
  const P = pairs.length;
  const tallies = widths.map(() => new WorstCaseTally());
  // Sign matrices per block of new neurons, (k1 − k0)×P.
  const blocks = widths.map((d1, w) => {
    const d0 = w === 0 ? 0 : widths[w - 1];
    const S = new Float32Array((d1 - d0) * P);
    for (let k = d0; k < d1; k++) {
      for (let p = 0; p < P; p++) {
        const [i, j] = pairs[p];
        S[(k - d0) * P + p] = Math.sign(W[i * dMax + k] * W[j * dMax + k]);
      }
    }
    return { d0, d1, S };
  });
  for (let start = 0; start < n; start += rowChunk) {
    const rows = Math.min(rowChunk, n - start);
    const acc = new Float64Array(rows * P);
    blocks.forEach(({ d0, d1, S }, w) => {
      const H = hiddenBlock(W, dMax, subsets, s, start, rows, d0, d1);
      const part = products.matMul(H, rows, d1 - d0, S, P);
      for (let t = 0; t < acc.length; t++) acc[t] += part[t];
      tallies[w].add(acc, rows, P, subsets, start, s, m, pairIndex, 1 / (d1 * c));
    });
    onBlock?.();
  }
  return tallies;
}

/**
 * Class-balanced least-squares readoffs for every pair, fitted on every input with exactly s features on: each
 * pair's four cases weigh 1/4 in total. The weighted Gram matrix of pair (i, j) is
 *   w00·A + (w10 − w00)(A_i + A_j) + (w11 − 2w10 + w00)·A_ij,
 * with A = Σ h hᵀ over all inputs, A_i over those with i on and A_ij over those with both on, so the m + 1 large
 * Gram matrices are shared and only A_ij (C(m−2, s−2) rows) is per pair. Returns R, d×P, in float64.
 */
export function fitBalancedReadoffs(products: Products, H: Float32Array, subsets: Int32Array, m: number, s: number, d: number, ridge: number): Float64Array {
  const n = subsets.length / s;
  const { pairs } = allPairs(m);
  const P = pairs.length;
  const n11 = binomial(m - 2, s - 2);
  const n10 = binomial(m - 2, s - 1);
  const n00 = binomial(m - 2, s);
  const [w11, w10, w00] = [n11, n10, n00].map((c) => (c > 0 ? 1 / (4 * c) : 0));
  const gram = (rows: number[]): Float32Array => {
    const Hs = new Float32Array(rows.length * d);
    rows.forEach((r, t) => Hs.set(H.subarray(r * d, (r + 1) * d), t * d));
    const Ht = new Float32Array(d * rows.length);
    for (let t = 0; t < rows.length; t++) for (let k = 0; k < d; k++) Ht[k * rows.length + t] = Hs[t * d + k];
    return products.gram(Ht, Hs, d, rows.length);
  };
  const rowsWith: number[][] = Array.from({ length: m }, () => []);
  for (let r = 0; r < n; r++) for (let a = 0; a < s; a++) rowsWith[subsets[r * s + a]].push(r);
  const A = gram(Array.from({ length: n }, (_, r) => r));
  const Ai = rowsWith.map((rows) => gram(rows));
  const R = new Float64Array(d * P);
  const G = new Float64Array(d * d);
  const b = new Float64Array(d);
  pairs.forEach(([i, j], p) => {
    const both = rowsWith[i].filter((r) => subsets.subarray(r * s, (r + 1) * s).includes(j));
    const Aij = gram(both);
    for (let t = 0; t < d * d; t++) G[t] = w00 * A[t] + (w10 - w00) * (Ai[i][t] + Ai[j][t]) + (w11 - 2 * w10 + w00) * Aij[t];
    for (let k = 0; k < d; k++) G[k * d + k] += ridge;
    b.fill(0);
    for (const r of both) for (let k = 0; k < d; k++) b[k] += w11 * H[r * d + k];
    const x = choleskySolve(G, d, b, 1);
    for (let k = 0; k < d; k++) R[k * P + p] = x[k];
  });
  return R;
}

/**
 * E[max] of independent |N(0, σ_c²)| errors, N_c of each kind c: ∫_0^∞ 1 − Π_c (2Φ(x/σ_c) − 1)^{N_c} dx.
 * The prediction for a readoff whose errors were independent Gaussians with the CLT's variances.
 */
export function expectedMaxOfGaussians(groups: readonly { sigma: number; count: number }[]): number {
  const hi = 12 * Math.max(...groups.map((g) => g.sigma));
  const steps = 4000;
  const h = hi / steps;
  const f = (x: number) => 1 - Math.exp(groups.reduce((sum, g) => sum + g.count * Math.log(Math.max(1e-300, 2 * normalCdf(x / g.sigma) - 1)), 0));
  let sum = 0;
  for (let k = 0; k <= steps; k++) sum += (k === 0 || k === steps ? 1 : k % 2 === 1 ? 4 : 2) * f(k * h);
  return (sum * h) / 3;
}
