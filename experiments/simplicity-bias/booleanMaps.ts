import type { NormalStream } from '../lib/normalStream';
import type { Rng } from '../runtime/rng';
import { fullMask, literal, tableSize } from './truthTable';

/**
 * Non-neural parameter-function maps onto boolean functions of n ≤ 5 inputs (truth tables as in truthTable.ts).
 * Each factory returns a sampler: one call draws fresh parameters and returns the function they implement.
 */

/** In-place Walsh-Hadamard transform of a length-2^n array: v[i] ← Σ_S c_S (−1)^{|S ∩ i|}. */
export function walshHadamard(v: Float64Array): void {
  for (let h = 1; h < v.length; h <<= 1) {
    for (let i = 0; i < v.length; i += h << 1) {
      for (let j = i; j < i + h; j++) {
        const a = v[j];
        const b = v[j + h];
        v[j] = a + b;
        v[j + h] = a - b;
      }
    }
  }
}

/**
 * Polynomial threshold function over all 2^n monomials in the ±1 (Fourier) basis: f(x) = [Σ_S c_S χ_S(x) > 0]
 * with χ_S(x) = Π_{k∈S} (1 − 2x_k) and c_S ~ N(0, ρ^|S|). At ρ = 1 the 2^n values are an orthogonal transform of
 * iid Gaussians, hence iid themselves: every function has probability 2^−(2^n).
 */
export function ptfSampler(n: number, rho: number, normals: NormalStream): () => number {
  const L = tableSize(n);
  const std = new Float64Array(L);
  for (let s = 0; s < L; s++) {
    let bits = 0;
    for (let k = 0; k < n; k++) bits += (s >> k) & 1;
    std[s] = Math.sqrt(rho ** bits);
  }
  const v = new Float64Array(L);
  return () => {
    const z = normals.take(L);
    for (let s = 0; s < L; s++) v[s] = std[s] * z[s];
    walshHadamard(v);
    let t = 0;
    for (let i = 0; i < L; i++) if (v[i] > 0) t |= 1 << i;
    return t >>> 0;
  };
}

/**
 * Random circuit of `gates` binary gates: gate g reads two distinct nodes drawn uniformly from the n inputs and
 * the g earlier gates, negates each with probability 1/2, and applies AND or OR with probability 1/2; the output
 * is the last gate.
 */
export function circuitSampler(n: number, gates: number, rng: Rng): () => number {
  const mask = fullMask(n);
  const nodes = new Uint32Array(n + gates);
  for (let k = 0; k < n; k++) nodes[k] = literal(n, k);
  return () => {
    for (let g = 0; g < gates; g++) {
      const avail = n + g;
      const i = rng.int(avail);
      let j = rng.int(avail - 1);
      if (j >= i) j++;
      const r = rng.nextUint32();
      const a = r & 1 ? ~nodes[i] & mask : nodes[i];
      const b = r & 2 ? ~nodes[j] & mask : nodes[j];
      nodes[n + g] = (r & 4 ? a & b : a | b) >>> 0;
    }
    return nodes[n + gates - 1];
  };
}

/**
 * Random full decision tree of depth d ≤ n: each internal node tests a variable drawn uniformly from those not yet
 * tested on its path; each of the 2^d leaves is a fair coin.
 */
export function decisionTreeSampler(n: number, depth: number, rng: Rng): () => number {
  if (depth > n) throw new Error(`decision tree depth must be at most n = ${n}, got ${depth}`);
  const mask = fullMask(n);
  const lits = Array.from({ length: n }, (_, k) => literal(n, k));
  const grow = (d: number, used: number): number => {
    if (d === 0) return rng.nextUint32() & 1 ? mask : 0;
    let k: number;
    do k = rng.int(n);
    while ((used >> k) & 1);
    const hi = grow(d - 1, used | (1 << k));
    const lo = grow(d - 1, used | (1 << k));
    return ((lits[k] & hi) | (~lits[k] & lo & mask)) >>> 0;
  };
  return () => grow(depth, 0);
}

/**
 * Thresholded random polynomial curve: f(i) = [p(t_i) > 0] on the grid t_i = −1 + 2i/(2^n − 1), with
 * p(t) = Σ_{d ≤ degree} a_d t^d and a_d ~ N(0, 1). Such a function changes value at most `degree` times along i.
 */
export function polynomialCurveSampler(n: number, degree: number, normals: NormalStream): () => number {
  const L = tableSize(n);
  const grid = Float64Array.from({ length: L }, (_, i) => -1 + (2 * i) / (L - 1));
  return () => {
    const a = normals.take(degree + 1);
    let t = 0;
    for (let i = 0; i < L; i++) {
      let p = a[degree];
      for (let d = degree - 1; d >= 0; d--) p = p * grid[i] + a[d];
      if (p > 0) t |= 1 << i;
    }
    return t >>> 0;
  };
}
