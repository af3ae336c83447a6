/**
 * Bounds on the worst case of a U-AND readoff where enumerating every input is too dear. For a linear readoff y = Rᵀh
 * of h = ReLU(Σ_{l∈S} W_l) (no bias), over every pair p = (i, j) and every input S with exactly s features on:
 *  - a lower bound: the largest |y_p(S) − AND_p(S)| of inputs actually found, by scoring random inputs on every pair
 *    and climbing from the worst of them (swap one feature of S, or move to the worst pair of S, while it helps).
 *    Every value is attained by a real input, so the true worst case is at least this.
 *  - an upper bound, proved by interval arithmetic: per pair and case (which of i, j is on), each neuron's
 *    pre-activation lies between the fixed part plus the sum of the r smallest, and of the r largest, weights of the
 *    other features (r = s − #on in the pair); ReLU is monotone, so Rᵀh lies between the sums of the per-neuron ends.
 * The tests check lower ≤ exact ≤ upper against a brute force, and lower = exact when every input is scored.
 */
import type { Rng } from '../runtime/rng';
import { allPairs, allSubsets, binomial, hiddenBlock } from './worstCase';
import type { Products } from './wasmProducts';

/** A linear readoff of a random ReLU layer: W is m×dMax (feature-major), R is d×P (row k, column = pair index). */
export interface LinearReadoff {
  W: Float32Array;
  m: number;
  dMax: number;
  d: number;
  R: Float32Array;
}

export interface Witness {
  /** The input's active features, ascending, and the pair (i, j) checked on it. */
  input: number[];
  pair: [number, number];
  /** |readoff − AND| there. */
  error: number;
}

export interface SearchOptions {
  s: number;
  /** Inputs scored on every pair; when at least C(m, s), every input is scored (then the lower bound is exact). */
  samples: number;
  /** Starting points for the climb: the worst (input, pair) of this many distinct inputs. */
  starts: number;
  /** Largest number of improving moves per climb. */
  maxMoves: number;
  /** Inputs per matmul block. */
  rowChunk: number;
}

function andOf(input: readonly number[], i: number, j: number): number {
  return input.includes(i) && input.includes(j) ? 1 : 0;
}

/** |y_p(S) − AND| for one pair and input, in float64. */
export function pairError(r: LinearReadoff, Rp: Float64Array, input: readonly number[], i: number, j: number): number {
  const { W, dMax, d } = r;
  let y = 0;
  for (let k = 0; k < d; k++) {
    let pre = 0;
    for (const l of input) pre += W[l * dMax + k];
    if (pre > 0) y += Rp[k] * pre;
  }
  return Math.abs(y - andOf(input, i, j));
}

function column(r: LinearReadoff, p: number, P: number): Float64Array {
  const out = new Float64Array(r.d);
  for (let k = 0; k < r.d; k++) out[k] = r.R[k * P + p];
  return out;
}

/**
 * Climb from (input, pair): try every single-feature swap of the input for the pair, then the worst pair on the input,
 * keeping any move that raises the error, until none does or `maxMoves` moves were made.
 */
export function climb(r: LinearReadoff, start: Witness, maxMoves: number): Witness {
  const { W, m, dMax, d } = r;
  const P = (m * (m - 1)) / 2;
  const { pairIndex } = allPairs(m);
  let cur = { input: [...start.input], pair: [...start.pair] as [number, number], error: start.error };
  const base = new Float64Array(d);
  for (let move = 0; move < maxMoves; move++) {
    let improved = false;
    const Rp = column(r, pairIndex[cur.pair[0] * m + cur.pair[1]], P);
    const [i, j] = cur.pair;
    for (let t = 0; t < cur.input.length; t++) {
      base.fill(0);
      cur.input.forEach((l, u) => {
        if (u !== t) for (let k = 0; k < d; k++) base[k] += W[l * dMax + k];
      });
      let best = cur.error;
      let bestC = -1;
      for (let c = 0; c < m; c++) {
        if (cur.input.includes(c)) continue;
        let y = 0;
        for (let k = 0; k < d; k++) {
          const pre = base[k] + W[c * dMax + k];
          if (pre > 0) y += Rp[k] * pre;
        }
        const on = cur.input.filter((_, u) => u !== t).concat(c);
        const e = Math.abs(y - andOf(on, i, j));
        if (e > best) {
          best = e;
          bestC = c;
        }
      }
      if (bestC >= 0) {
        cur.input[t] = bestC;
        cur.input.sort((a, b) => a - b);
        cur.error = best;
        improved = true;
        break;
      }
    }
    // The worst pair on this input.
    const h = new Float64Array(d);
    for (let k = 0; k < d; k++) {
      let pre = 0;
      for (const l of cur.input) pre += W[l * dMax + k];
      h[k] = pre > 0 ? pre : 0;
    }
    const y = new Float64Array(P);
    for (let k = 0; k < d; k++) {
      if (h[k] === 0) continue;
      const hk = h[k];
      const row = k * P;
      for (let q = 0; q < P; q++) y[q] += r.R[row + q] * hk;
    }
    let bestPair: [number, number] | null = null;
    for (let a = 0; a < m; a++) {
      for (let b = a + 1; b < m; b++) {
        const e = Math.abs(y[pairIndex[a * m + b]] - andOf(cur.input, a, b));
        if (e > cur.error + 1e-12) {
          cur.error = e;
          bestPair = [a, b];
        }
      }
    }
    if (bestPair) {
      cur.pair = bestPair;
      improved = true;
    }
    if (!improved) break;
  }
  return cur;
}

/** The lower bound: score `samples` inputs (or all of them) on every pair, then climb from the worst `starts`. */
export function searchWorstCase(products: Products, r: LinearReadoff, rng: Rng, o: SearchOptions): { best: Witness; sampledWorst: number; exhaustive: boolean } {
  const { m, d } = r;
  const { s } = o;
  const { pairs, pairIndex } = allPairs(m);
  const P = pairs.length;
  const n = binomial(m, s);
  const exhaustive = o.samples >= n;
  let inputs: Int32Array;
  if (exhaustive) inputs = allSubsets(m, s);
  else {
    inputs = new Int32Array(o.samples * s);
    for (let t = 0; t < o.samples; t++) inputs.set(rng.sampleDistinct(m, s).sort((a, b) => a - b), t * s);
  }
  const rows = inputs.length / s;
  // Per scored input: its worst pair and error.
  const worstPair = new Int32Array(rows);
  const worstErr = new Float64Array(rows);
  const isOne = new Uint8Array(P);
  for (let start = 0; start < rows; start += o.rowChunk) {
    const nr = Math.min(o.rowChunk, rows - start);
    const H = hiddenBlock(r.W, r.dMax, inputs, s, start, nr, 0, d);
    const Y = products.matMul(H, nr, d, r.R, P);
    for (let t = 0; t < nr; t++) {
      const sub = (start + t) * s;
      const ones: number[] = [];
      for (let a = 0; a < s; a++) for (let b = a + 1; b < s; b++) ones.push(pairIndex[inputs[sub + a] * m + inputs[sub + b]]);
      for (const p of ones) isOne[p] = 1;
      let we = -1;
      let wp = 0;
      for (let p = 0; p < P; p++) {
        const e = Math.abs(Y[t * P + p] - isOne[p]);
        if (e > we) {
          we = e;
          wp = p;
        }
      }
      for (const p of ones) isOne[p] = 0;
      worstPair[start + t] = wp;
      worstErr[start + t] = we;
    }
  }
  const order = Array.from({ length: rows }, (_, t) => t).sort((a, b) => worstErr[b] - worstErr[a]);
  const sampledWorst = worstErr[order[0]];
  let best: Witness = { input: Array.from(inputs.subarray(order[0] * s, order[0] * s + s)), pair: pairs[worstPair[order[0]]], error: sampledWorst };
  if (!exhaustive) {
    for (const t of order.slice(0, o.starts)) {
      const w = climb(r, { input: Array.from(inputs.subarray(t * s, t * s + s)), pair: pairs[worstPair[t]], error: worstErr[t] }, o.maxMoves);
      if (w.error > best.error) best = w;
    }
  }
  return { best, sampledWorst, exhaustive };
}

/**
 * The upper bound by interval arithmetic, per pair and case, and the largest of them. `certifiedShare`: the share of
 * (pair, case) branches whose bound is already at or below `incumbent` (those need no search at all).
 */
export function intervalUpperBound(r: LinearReadoff, s: number, incumbent: number): { bound: number; certifiedShare: number } {
  const { W, m, dMax, d, R } = r;
  const P = (m * (m - 1)) / 2;
  const keep = s + 2;
  // Per neuron: the `keep` largest and smallest weights over features, with their feature ids (descending / ascending).
  const topV = new Float64Array(d * keep);
  const topI = new Int32Array(d * keep);
  const botV = new Float64Array(d * keep);
  const botI = new Int32Array(d * keep);
  const col = new Float64Array(m);
  const ids = Array.from({ length: m }, (_, l) => l);
  for (let k = 0; k < d; k++) {
    for (let l = 0; l < m; l++) col[l] = W[l * dMax + k];
    ids.sort((a, b) => col[b] - col[a]);
    for (let t = 0; t < keep; t++) {
      topV[k * keep + t] = col[ids[t]];
      topI[k * keep + t] = ids[t];
      botV[k * keep + t] = col[ids[m - 1 - t]];
      botI[k * keep + t] = ids[m - 1 - t];
    }
  }
  const sumExcluding = (V: Float64Array, I: Int32Array, k: number, r0: number, i: number, j: number) => {
    let sum = 0;
    let taken = 0;
    for (let t = 0; t < keep && taken < r0; t++) {
      const l = I[k * keep + t];
      if (l === i || l === j) continue;
      sum += V[k * keep + t];
      taken++;
    }
    return sum;
  };
  // The same sums where neither i nor j is among the first r0 entries: the first r0 entries, added in the same order
  // from 0, so equal bit for bit. rankTop[k·m + l]: feature l's place in neuron k's top list (keep when absent).
  const stride = s + 1;
  const prefTop = new Float64Array(d * stride);
  const prefBot = new Float64Array(d * stride);
  const rankTop = new Uint8Array(d * m).fill(keep);
  const rankBot = new Uint8Array(d * m).fill(keep);
  for (let k = 0; k < d; k++) {
    let top = 0;
    let bot = 0;
    for (let t = 0; t < keep; t++) {
      if (t < stride) {
        prefTop[k * stride + t] = top;
        prefBot[k * stride + t] = bot;
      }
      top += topV[k * keep + t];
      bot += botV[k * keep + t];
      rankTop[k * m + topI[k * keep + t]] = t;
      rankBot[k * m + botI[k * keep + t]] = t;
    }
  }
  // Readoff columns contiguous: RT[p·d + k] = R[k·P + p].
  const RT = new Float32Array(P * d);
  for (let k = 0; k < d; k++) for (let q = 0; q < P; q++) RT[q * d + k] = R[k * P + q];
  const cases = [
    [1, 1],
    [1, 0],
    [0, 1],
    [0, 0],
  ] as const;
  let bound = 0;
  let certified = 0;
  let branches = 0;
  let p = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++, p++) {
      for (const [a, b] of cases) {
        const r0 = s - a - b;
        if (r0 > m - 2) continue;
        let yLo = 0;
        let yHi = 0;
        for (let k = 0; k < d; k++) {
          const fixed = a * W[i * dMax + k] + b * W[j * dMax + k];
          const botSum = rankBot[k * m + i] < r0 || rankBot[k * m + j] < r0 ? sumExcluding(botV, botI, k, r0, i, j) : prefBot[k * stride + r0];
          const topSum = rankTop[k * m + i] < r0 || rankTop[k * m + j] < r0 ? sumExcluding(topV, topI, k, r0, i, j) : prefTop[k * stride + r0];
          const lo = Math.max(0, fixed + botSum);
          const hi = Math.max(0, fixed + topSum);
          const c = RT[p * d + k];
          if (c >= 0) {
            yLo += c * lo;
            yHi += c * hi;
          } else {
            yLo += c * hi;
            yHi += c * lo;
          }
        }
        const t = a & b;
        const e = Math.max(yHi - t, t - yLo);
        branches++;
        if (e <= incumbent) certified++;
        if (e > bound) bound = e;
      }
    }
  }
  return { bound, certifiedShare: certified / branches };
}
