import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { circuitSampler, decisionTreeSampler, polynomialCurveSampler, ptfSampler, walshHadamard } from '../../experiments/simplicity-bias/booleanMaps';
import { NormalStream } from '../../experiments/lib/normalStream';
import { fillNormal } from '../../experiments/lib/sampling';
import { createMlpSampler } from '../../experiments/simplicity-bias/mlpSampler';
import { literal } from '../../experiments/simplicity-bias/truthTable';

describe('NormalStream', () => {
  it('serves the same normals as one fillNormal of the stream, slice by slice, and refills across blocks', () => {
    const rng = new Rng(7, 'test');
    const ref = fillNormal(rng, new Float64Array(64));
    const next = fillNormal(rng, new Float64Array(64));
    const ns = new NormalStream(new Rng(7, 'test'), 64);
    const got = [...ns.take(10), ...ns.take(30), ...ns.take(24)];
    expect(got).toEqual([...ref]);
    // The buffer is used up: the next take draws a fresh block, the stream's second fill.
    expect([...ns.take(10)]).toEqual([...next.subarray(0, 10)]);
    expect(() => ns.take(65)).toThrow(/at most 64/);
  });

  it('has standard normal moments and tails', () => {
    const ns = new NormalStream(new Rng(8, 'moments'), 1 << 16);
    const N = 1 << 17;
    let m = 0;
    let v = 0;
    let tail3 = 0;
    for (let b = 0; b < N / 4096; b++) {
      for (const z of ns.take(4096)) {
        m += z;
        v += z * z;
        if (Math.abs(z) > 3) tail3++;
      }
    }
    expect(Math.abs(m / N)).toBeLessThan(4 / Math.sqrt(N));
    expect(Math.abs(v / N - 1)).toBeLessThan(4 * Math.sqrt(2 / N));
    expect(Math.abs(tail3 / N - 0.0026998)).toBeLessThan(4 * Math.sqrt(0.0027 / N));
  });
});

describe('MLP samplers', () => {
  it('matches a float64 reference forward pass drawn from the same stream', () => {
    const n = 5;
    const [h1, h2] = [6, 4];
    const sampler = createMlpSampler({ n, hidden: [h1, h2], activation: 'relu', sigmaW: 1, sigmaB: 1 }, new NormalStream(new Rng(9, 'ref')));
    const g = new NormalStream(new Rng(9, 'ref'));
    const draw = (len: number, std: number) => Array.from(g.take(len), (z) => std * z);
    for (let rep = 0; rep < 50; rep++) {
      const W0 = draw(n * h1, 1 / Math.sqrt(n));
      const B0 = draw(h1, 1);
      const W1 = draw(h1 * h2, 1 / Math.sqrt(h1));
      const B1 = draw(h2, 1);
      const W2 = draw(h2, 1 / Math.sqrt(h2));
      const B2 = draw(1, 1);
      let table = 0;
      for (let i = 0; i < 32; i++) {
        const x = Array.from({ length: n }, (_, k) => (i >> k) & 1);
        const a1 = B0.map((b, j) => Math.max(0, b + x.reduce((s, xk, k) => s + xk * W0[k * h1 + j], 0)));
        const a2 = B1.map((b, m) => Math.max(0, b + a1.reduce((s, v, j) => s + v * W1[j * h2 + m], 0)));
        const out = B2[0] + a2.reduce((s, v, m) => s + v * W2[m], 0);
        if (out > 0) table |= 1 << i;
      }
      expect(sampler()).toBe(table >>> 0);
    }
  });
});

describe('non-neural maps', () => {
  it('the Walsh-Hadamard transform is the direct character sum', () => {
    const c = Float64Array.from({ length: 8 }, (_, i) => i * i - 3);
    const v = Float64Array.from(c);
    walshHadamard(v);
    for (let x = 0; x < 8; x++) {
      let s = 0;
      for (let S = 0; S < 8; S++) {
        let par = 0;
        for (let b = S & x; b; b &= b - 1) par ^= 1;
        s += c[S] * (par ? -1 : 1);
      }
      expect(v[x]).toBeCloseTo(s, 12);
    }
  });

  it('PTF with ρ = 1 is uniform: collisions match a uniform map over 2^16 functions, ρ = 0.3 does not', () => {
    const N = 100000;
    const collisions = (rho: number) => {
      const counts = new Uint32Array(65536);
      const s = ptfSampler(4, rho, new NormalStream(new Rng(11, `ptf${rho}`)));
      for (let i = 0; i < N; i++) counts[s()]++;
      let pairs = 0;
      for (const c of counts) pairs += (c * (c - 1)) / 2;
      return pairs;
    };
    const expected = (N * (N - 1)) / 2 / 65536; // 76,293
    // Pair counts of a uniform multinomial have variance ≈ expected here (N²/2 pairs, p = 2^−16 each).
    expect(Math.abs(collisions(1) - expected)).toBeLessThan(5 * Math.sqrt(2 * expected));
    expect(collisions(0.3)).toBeGreaterThan(2 * expected);
  });

  it('circuits, trees and curves produce only what they can express', () => {
    const g = new Rng(5, 'maps');
    const tree = decisionTreeSampler(5, 1, g);
    const literals = new Set([0, 1, 2, 3, 4].flatMap((k) => {
      let t = 0;
      for (let i = 0; i < 32; i++) if ((i >> k) & 1) t |= 1 << i;
      return [t >>> 0, ~t >>> 0];
    }).concat([0, 0xffffffff]));
    for (let i = 0; i < 200; i++) expect(literals.has(tree())).toBe(true);
    // One gate: AND or OR of two distinct inputs, each possibly negated.
    const lit = (k: number) => literal(5, k);
    const oneGate = new Set<number>();
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++)
        for (const a of [lit(i), ~lit(i) >>> 0])
          for (const b of [lit(j), ~lit(j) >>> 0]) if (i !== j) oneGate.add((a & b) >>> 0).add((a | b) >>> 0);
    const circuit = circuitSampler(5, 1, g);
    for (let i = 0; i < 200; i++) expect(oneGate.has(circuit())).toBe(true);
    const curve = polynomialCurveSampler(5, 3, new NormalStream(g));
    for (let i = 0; i < 200; i++) {
      const t = curve();
      let changes = 0;
      for (let j = 1; j < 32; j++) if (((t >>> j) & 1) !== ((t >>> (j - 1)) & 1)) changes++;
      expect(changes).toBeLessThanOrEqual(3);
    }
  });
});
