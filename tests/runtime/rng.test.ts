import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';

describe('Rng', () => {
  it('is reproducible for a seed and label, and differs across labels and seeds', () => {
    const a = Array.from({ length: 5 }, ((r) => () => r.nextUint32())(new Rng(7, 'x')));
    const b = Array.from({ length: 5 }, ((r) => () => r.nextUint32())(new Rng(7, 'x')));
    const c = Array.from({ length: 5 }, ((r) => () => r.nextUint32())(new Rng(7, 'y')));
    const d = Array.from({ length: 5 }, ((r) => () => r.nextUint32())(new Rng(8, 'x')));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).not.toEqual(d);
  });

  it('draws standard normals: mean 0, variance 1, P(z > 1.96) ≈ 0.025', () => {
    const r = new Rng(1, 'normal');
    const n = 200_000;
    const z = r.fillNormal(new Float64Array(n));
    let s = 0, s2 = 0, tail = 0;
    for (const v of z) { s += v; s2 += v * v; if (v > 1.959964) tail++; }
    expect(Math.abs(s / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(tail / n - 0.025)).toBeLessThan(4 * Math.sqrt(0.025 * 0.975 / n));
  });

  it('samples distinct values that avoid the excluded ones, uniformly', () => {
    const r = new Rng(3, 'distinct');
    const counts = new Array(10).fill(0);
    for (let t = 0; t < 20_000; t++) {
      const v = r.sampleDistinct(10, 3, [0, 9]);
      expect(new Set(v).size).toBe(3);
      for (const x of v) counts[x]++;
    }
    expect(counts[0]).toBe(0);
    expect(counts[9]).toBe(0);
    for (let i = 1; i < 9; i++) expect(Math.abs(counts[i] / 60_000 - 1 / 8)).toBeLessThan(0.01);
  });
});
