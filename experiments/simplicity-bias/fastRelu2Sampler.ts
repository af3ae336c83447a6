import type { ZigguratNormals } from '../lib/zigguratNormals';

/** What the sampler needs from a normal source: scaled iid N(0, 1) draws written into a slice of an array. */
export interface NormalFill {
  fill(out: Float64Array, start: number, end: number, scale: number): void;
}

/**
 * The page's hot path, version 2: random n-h1-h2-1 ReLU networks (weights N(0, 1/fan_in), biases N(0, σ_b²), the
 * output's included) evaluated on all 2^n boolean inputs, returned as truth tables (bit i = output of input i > 0).
 *
 * Parameters are drawn in the order W0, b0, W1, b1, W2, b2 (row-major, fan-in first), the same order as
 * `createMlpSampler`, straight into the weight arrays by a fused generator (`ZigguratNormals`). The arithmetic:
 * - first layer by subset sums (input i = input i without its lowest set bit, plus that bit's weight row);
 * - second layer two inputs at a time (i, i + 1) over the units active for either, with four outputs per pass in
 *   registers, so each weight load serves two rows;
 * - ReLU as (x + |x|)/2, which equals max(x, 0) exactly in floating point and needs no branch, fused with the output.
 * Adding 0·w where a unit is off leaves every sum bit-identical to the sparse reference (tested).
 */
export function createFastRelu2Sampler(n: number, h1: number, h2: number, sigmaB: number, normals: NormalFill | ZigguratNormals): () => number {
  if (!Number.isInteger(n) || n < 1 || n > 5) throw new Error(`n must be an integer in 1..5, got ${n}`);
  if (!Number.isInteger(h1) || h1 < 1) throw new Error(`the first hidden width must be a positive integer, got ${h1}`);
  if (!Number.isInteger(h2) || h2 < 4 || h2 % 4 !== 0) throw new Error(`the second hidden width must be a positive multiple of 4, got ${h2}`);
  const rows = 1 << n;
  const W0 = new Float64Array(n * h1);
  const B0 = new Float64Array(h1);
  const W1 = new Float64Array(h1 * h2);
  const B1 = new Float64Array(h2);
  const W2 = new Float64Array(h2);
  const B2 = new Float64Array(1);
  const s0 = 1 / Math.sqrt(n);
  const s1 = 1 / Math.sqrt(h1);
  const s2 = 1 / Math.sqrt(h2);
  const a1 = new Float64Array(rows * h1);
  const idx = new Int32Array(h1);
  const va = new Float64Array(h1);
  const vb = new Float64Array(h1);
  return () => {
    normals.fill(W0, 0, W0.length, s0);
    normals.fill(B0, 0, h1, sigmaB);
    normals.fill(W1, 0, W1.length, s1);
    normals.fill(B1, 0, h2, sigmaB);
    normals.fill(W2, 0, h2, s2);
    normals.fill(B2, 0, 1, sigmaB);
    a1.set(B0, 0);
    for (let i = 1; i < rows; i++) {
      const prev = (i & (i - 1)) * h1;
      const row = i * h1;
      const wk = (31 - Math.clz32(i & -i)) * h1;
      for (let j = 0; j < h1; j++) a1[row + j] = a1[prev + j] + W0[wk + j];
    }
    const b2 = B2[0];
    let table = 0;
    for (let i = 0; i < rows; i += 2) {
      const ra = i * h1;
      const rb = ra + h1;
      // Units on for input i or i + 1, with both rows' activations (0 where off).
      let na = 0;
      for (let j = 0; j < h1; j++) {
        const x = a1[ra + j];
        const y = a1[rb + j];
        idx[na] = j * h2;
        va[na] = 0.5 * (x + Math.abs(x));
        vb[na] = 0.5 * (y + Math.abs(y));
        na += +(x > 0 || y > 0);
      }
      let oa = b2;
      let ob = b2;
      for (let m = 0; m < h2; m += 4) {
        let a0 = B1[m];
        let a1_ = B1[m + 1];
        let a2 = B1[m + 2];
        let a3 = B1[m + 3];
        let c0 = a0;
        let c1 = a1_;
        let c2 = a2;
        let c3 = a3;
        for (let t = 0; t < na; t++) {
          const x = va[t];
          const y = vb[t];
          const w = idx[t] + m;
          const w0 = W1[w];
          const w1 = W1[w + 1];
          const w2 = W1[w + 2];
          const w3 = W1[w + 3];
          a0 += x * w0;
          a1_ += x * w1;
          a2 += x * w2;
          a3 += x * w3;
          c0 += y * w0;
          c1 += y * w1;
          c2 += y * w2;
          c3 += y * w3;
        }
        oa += 0.5 * (a0 + Math.abs(a0)) * W2[m];
        oa += 0.5 * (a1_ + Math.abs(a1_)) * W2[m + 1];
        oa += 0.5 * (a2 + Math.abs(a2)) * W2[m + 2];
        oa += 0.5 * (a3 + Math.abs(a3)) * W2[m + 3];
        ob += 0.5 * (c0 + Math.abs(c0)) * W2[m];
        ob += 0.5 * (c1 + Math.abs(c1)) * W2[m + 1];
        ob += 0.5 * (c2 + Math.abs(c2)) * W2[m + 2];
        ob += 0.5 * (c3 + Math.abs(c3)) * W2[m + 3];
      }
      if (oa > 0) table |= 1 << i;
      if (ob > 0) table |= 1 << (i + 1);
    }
    return table >>> 0;
  };
}
