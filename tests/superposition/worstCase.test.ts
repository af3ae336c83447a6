import { beforeAll, describe, expect, it } from 'vitest';
import { createProducts, type Products } from '../../experiments/superposition/wasmProducts';
import { Rng } from '../../experiments/runtime/rng';
import { expectedMaxAbsNormal, signConstant } from '../../experiments/superposition/kaarelReadoff';
import { choleskySolve } from '../../experiments/lib/linalg';
import { WorstCaseTally, allPairs, allSubsets, binomial, expectedMaxOfGaussians, fitBalancedReadoffs, hiddenBlock, kaarelWorstCase } from '../../experiments/superposition/worstCase';

let products: Products;
beforeAll(async () => {
  products = await createProducts();
});

/** Every s-subset by brute force over all 2^m bit patterns, in the order of their sorted index lists. */
function subsetsByBits(m: number, s: number): number[][] {
  const out: number[][] = [];
  for (let mask = 0; mask < 1 << m; mask++) {
    const on = [];
    for (let l = 0; l < m; l++) if (mask & (1 << l)) on.push(l);
    if (on.length === s) out.push(on);
  }
  return out.sort((a, b) => a.reduce((c, v, t) => c || v - b[t], 0));
}

function layer(rng: Rng, m: number, d: number): Float32Array {
  return Float32Array.from({ length: m * d }, () => rng.normal());
}

/** h = ReLU(Σ_{l ∈ on} W_l) in float64, the first d of dMax neurons. */
function hidden(W: Float32Array, dMax: number, d: number, on: number[]): number[] {
  return Array.from({ length: d }, (_, k) => Math.max(0, on.reduce((sum, l) => sum + W[l * dMax + k], 0)));
}

describe('enumeration', () => {
  it('lists every s-subset once, in lexicographic order', () => {
    for (const [m, s] of [
      [6, 3],
      [7, 2],
      [5, 5],
    ]) {
      const got = allSubsets(m, s);
      expect(got.length / s).toBe(binomial(m, s));
      const rows = Array.from({ length: got.length / s }, (_, r) => Array.from(got.subarray(r * s, (r + 1) * s)));
      expect(rows).toEqual(subsetsByBits(m, s));
    }
  });
});

describe("Kaarel's readoff: worst case against a float64 brute force", () => {
  it('finds the same maximum over every pair and input, at every width', () => {
    const m = 7;
    const s = 3;
    const dMax = 48;
    const widths = [8, 20, 48];
    const W = layer(new Rng(3, 'wc'), m, dMax);
    const c = signConstant(s);
    const tallies = kaarelWorstCase(products, W, m, dMax, s, c, widths, 9);
    widths.forEach((d, w) => {
      let ones = 0;
      let zeros = 0;
      for (const on of subsetsByBits(m, s)) {
        const h = hidden(W, dMax, d, on);
        for (let i = 0; i < m; i++) {
          for (let j = i + 1; j < m; j++) {
            let y = 0;
            for (let k = 0; k < d; k++) y += Math.sign(W[i * dMax + k] * W[j * dMax + k]) * h[k];
            y /= d * c;
            if (on.includes(i) && on.includes(j)) ones = Math.max(ones, Math.abs(y - 1));
            else zeros = Math.max(zeros, Math.abs(y));
          }
        }
      }
      expect(tallies[w].onesMax).toBeCloseTo(ones, 4);
      expect(tallies[w].zerosMax).toBeCloseTo(zeros, 4);
      expect(tallies[w].onesCount).toBe(binomial(m, s) * 3);
    });
  });
});

describe('balanced least-squares readoffs', () => {
  it('equal a weighted least-squares fit written out over every input, in float64', () => {
    const m = 6;
    const s = 3;
    const d = 5;
    const ridge = 1e-6;
    const W = layer(new Rng(5, 'fit'), m, d);
    const subsets = allSubsets(m, s);
    const n = subsets.length / s;
    const H = hiddenBlock(W, d, subsets, s, 0, n, 0, d);
    const R = fitBalancedReadoffs(products, H, subsets, m, s, d, ridge);
    const { pairs } = allPairs(m);
    const rows = subsetsByBits(m, s);
    pairs.forEach(([i, j], p) => {
      // Case counts per pair, then weights 1/(4·count): each case weighs 1/4.
      const caseOf = (on: number[]) => (on.includes(i) ? 1 : 0) * 2 + (on.includes(j) ? 1 : 0);
      const counts = [0, 0, 0, 0];
      rows.forEach((on) => counts[caseOf(on)]++);
      const G = new Float64Array(d * d);
      const b = new Float64Array(d);
      rows.forEach((on) => {
        const h = hidden(W, d, d, on);
        const wgt = 1 / (4 * counts[caseOf(on)]);
        const y = caseOf(on) === 3 ? 1 : 0;
        for (let a = 0; a < d; a++) {
          b[a] += wgt * y * h[a];
          for (let q = 0; q < d; q++) G[a * d + q] += wgt * h[a] * h[q];
        }
      });
      for (let a = 0; a < d; a++) G[a * d + a] += ridge;
      const want = choleskySolve(G, d, b, 1);
      for (let k = 0; k < d; k++) expect(R[k * pairs.length + p]).toBeCloseTo(want[k], 3);
    });
  });
});

describe('tally', () => {
  it('splits checks into (1,1) and the rest by the support of each input', () => {
    const m = 4;
    const s = 2;
    const subsets = allSubsets(m, s); // {0,1}, {0,2}, …
    const { pairIndex } = allPairs(m);
    const P = 6;
    const y = new Float32Array(subsets.length / s * P);
    y[0 * P + pairIndex[0 * m + 1]] = 0.7; // (1,1) check off by 0.3
    y[1 * P + pairIndex[0 * m + 1]] = 0.4; // zero check off by 0.4
    const t = new WorstCaseTally(2);
    t.add(y, subsets.length / s, P, subsets, 0, s, m, pairIndex);
    expect(t.onesMax).toBe(1); // every other (1,1) check reads 0
    expect(t.zerosMax).toBeCloseTo(0.4, 6);
    expect(t.onesCount).toBe(6);
    expect(t.zerosCount).toBe(30);
    // Class-balanced L_2: the five other (1,1) checks miss by 1, one by 0.3; one zero check is off by 0.4.
    expect(t.balancedLp).toBeCloseTo((5 + 0.3 ** 2) / 6 + 0.4 ** 2 / 30, 6);
  });
});

describe('expected maximum of independent Gaussian errors', () => {
  it('matches the one-group formula and a Monte Carlo with two groups', () => {
    expect(expectedMaxOfGaussians([{ sigma: 1, count: 1000 }])).toBeCloseTo(expectedMaxAbsNormal(1000), 3);
    const rng = new Rng(7, 'max');
    const groups = [
      { sigma: 1, count: 50 },
      { sigma: 2, count: 10 },
    ];
    let sum = 0;
    const T = 20000;
    for (let t = 0; t < T; t++) {
      let mx = 0;
      for (const g of groups) for (let c = 0; c < g.count; c++) mx = Math.max(mx, Math.abs(g.sigma * rng.normal()));
      sum += mx;
    }
    expect(expectedMaxOfGaussians(groups)).toBeCloseTo(sum / T, 1);
  });
});
