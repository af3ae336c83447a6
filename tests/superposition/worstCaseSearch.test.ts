import { beforeAll, describe, expect, it } from 'vitest';
import { createProducts, type Products } from '../../experiments/superposition/wasmProducts';
import { Rng } from '../../experiments/runtime/rng';
import { signConstant } from '../../experiments/superposition/kaarelReadoff';
import { climb, intervalUpperBound, pairError, searchWorstCase, type LinearReadoff } from '../../experiments/superposition/worstCaseSearch';

let products: Products;
beforeAll(async () => {
  products = await createProducts();
});

/** Kaarel's sign readoff, or a random dense one, on a Gaussian layer (feature-major m×d). */
function readoff(rng: Rng, m: number, d: number, s: number, kind: 'kaarel' | 'random'): LinearReadoff {
  const W = Float32Array.from({ length: m * d }, () => rng.normal());
  const P = (m * (m - 1)) / 2;
  const R = new Float32Array(d * P);
  let p = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++, p++) {
      for (let k = 0; k < d; k++) R[k * P + p] = kind === 'kaarel' ? Math.sign(W[i * d + k] * W[j * d + k]) / (d * signConstant(s)) : rng.normal() / d;
    }
  }
  return { W, m, dMax: d, d, R };
}

/** The exact worst |error| over every pair and every s-subset, in float64, by brute force over bit patterns. */
function bruteWorst(r: LinearReadoff, s: number): number {
  const P = (r.m * (r.m - 1)) / 2;
  let worst = 0;
  for (let mask = 0; mask < 1 << r.m; mask++) {
    const on: number[] = [];
    for (let l = 0; l < r.m; l++) if (mask & (1 << l)) on.push(l);
    if (on.length !== s) continue;
    let p = 0;
    for (let i = 0; i < r.m; i++) {
      for (let j = i + 1; j < r.m; j++, p++) {
        const Rp = Float64Array.from({ length: r.d }, (_, k) => r.R[k * P + p]);
        worst = Math.max(worst, pairError(r, Rp, on, i, j));
      }
    }
  }
  return worst;
}

describe('worst-case bounds beyond enumeration', () => {
  const cases: [number, number, number, 'kaarel' | 'random'][] = [
    [9, 3, 24, 'kaarel'],
    [10, 3, 16, 'random'],
    [8, 2, 12, 'kaarel'],
  ];
  it('brackets the brute-force worst case: found ≤ exact ≤ proved, whatever the search budget', () => {
    for (const [m, s, d, kind] of cases) {
      const r = readoff(new Rng(m * 100 + d), m, d, s, kind);
      const exact = bruteWorst(r, s);
      for (const samples of [3, 20]) {
        const found = searchWorstCase(products, r, new Rng(samples), { s, samples, starts: 3, maxMoves: 3, rowChunk: 7 });
        expect(found.exhaustive).toBe(false);
        expect(found.best.error).toBeLessThanOrEqual(exact + 1e-5);
        // The witness is a real input: re-scoring it in float64 gives its error.
        const P = (m * (m - 1)) / 2;
        const [i, j] = found.best.pair;
        let p = 0;
        for (let a = 0; a < i; a++) p += m - 1 - a;
        p += j - i - 1;
        const Rp = Float64Array.from({ length: d }, (_, k) => r.R[k * P + p]);
        expect(pairError(r, Rp, found.best.input, i, j)).toBeCloseTo(found.best.error, 5);
        expect(found.best.input).toHaveLength(s);
        expect(new Set(found.best.input).size).toBe(s);
      }
      const ub = intervalUpperBound(r, s, 0);
      expect(ub.bound).toBeGreaterThanOrEqual(exact - 1e-6);
      // With the exact worst case as incumbent, every certified branch really is below it (all are when the bound is tight).
      expect(intervalUpperBound(r, s, ub.bound).certifiedShare).toBe(1);
    }
  });
  it('is exact when every input is scored, and the climb never loses ground', () => {
    for (const [m, s, d, kind] of cases) {
      const r = readoff(new Rng(7 + m), m, d, s, kind);
      const exact = bruteWorst(r, s);
      const all = searchWorstCase(products, r, new Rng(1), { s, samples: 1e6, starts: 1, maxMoves: 1, rowChunk: 16 });
      expect(all.exhaustive).toBe(true);
      expect(all.best.error).toBeCloseTo(exact, 5);
      const few = searchWorstCase(products, r, new Rng(2), { s, samples: 2, starts: 2, maxMoves: 6, rowChunk: 16 });
      expect(few.best.error).toBeGreaterThanOrEqual(few.sampledWorst - 1e-12);
      const again = climb(r, few.best, 6);
      expect(again.error).toBeGreaterThanOrEqual(few.best.error - 1e-12);
    }
  });
  it('the interval bound is exact for a single-neuron readoff where only one input is allowed', () => {
    // m = s + 2 with the pair's case fixed leaves one choice for (1,1): the bound at that branch is attained.
    const rng = new Rng(5);
    const r = readoff(rng, 4, 1, 2, 'random');
    expect(intervalUpperBound(r, 2, 0).bound).toBeCloseTo(bruteWorst(r, 2), 6);
  });
  it('bounds bit for bit as the straightforward interval loop does (the oracle the faster sums replaced)', () => {
    const more: typeof cases = [[16, 3, 40, 'kaarel'], [13, 2, 33, 'random']];
    for (const [m, s, d, kind] of [...cases, ...more]) {
      const r = readoff(new Rng(11 + m), m, d, s, kind);
      for (const incumbent of [0, 0.3]) expect(intervalUpperBound(r, s, incumbent)).toEqual(intervalBoundReference(r, s, incumbent));
    }
  });
});

/** intervalUpperBound as first written: every sum walks its list, R read by column. */
function intervalBoundReference(r: LinearReadoff, s: number, incumbent: number): { bound: number; certifiedShare: number } {
  const { W, m, dMax, d, R } = r;
  const P = (m * (m - 1)) / 2;
  const keep = s + 2;
  const [topV, botV] = [new Float64Array(d * keep), new Float64Array(d * keep)];
  const [topI, botI] = [new Int32Array(d * keep), new Int32Array(d * keep)];
  const col = new Float64Array(m);
  const ids = Array.from({ length: m }, (_, l) => l);
  for (let k = 0; k < d; k++) {
    for (let l = 0; l < m; l++) col[l] = W[l * dMax + k];
    ids.sort((a, b) => col[b] - col[a]);
    for (let t = 0; t < keep; t++) [topV[k * keep + t], topI[k * keep + t], botV[k * keep + t], botI[k * keep + t]] = [col[ids[t]], ids[t], col[ids[m - 1 - t]], ids[m - 1 - t]];
  }
  const sumExcluding = (V: Float64Array, I: Int32Array, k: number, r0: number, i: number, j: number) => {
    let sum = 0;
    for (let t = 0, taken = 0; t < keep && taken < r0; t++) if (I[k * keep + t] !== i && I[k * keep + t] !== j) (sum += V[k * keep + t]), taken++;
    return sum;
  };
  let [bound, certified, branches, p] = [0, 0, 0, 0];
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++, p++) {
      for (const [a, b] of [[1, 1], [1, 0], [0, 1], [0, 0]]) {
        const r0 = s - a - b;
        if (r0 > m - 2) continue;
        let [yLo, yHi] = [0, 0];
        for (let k = 0; k < d; k++) {
          const fixed = a * W[i * dMax + k] + b * W[j * dMax + k];
          const lo = Math.max(0, fixed + sumExcluding(botV, botI, k, r0, i, j));
          const hi = Math.max(0, fixed + sumExcluding(topV, topI, k, r0, i, j));
          const c = R[k * P + p];
          yLo += c >= 0 ? c * lo : c * hi;
          yHi += c >= 0 ? c * hi : c * lo;
        }
        const e = Math.max(yHi - (a & b), (a & b) - yLo);
        branches++;
        if (e <= incumbent) certified++;
        if (e > bound) bound = e;
      }
    }
  }
  return { bound, certifiedShare: certified / branches };
}
