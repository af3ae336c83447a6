import { describe, expect, it } from 'vitest';
import { bootstrapInterval, bootstrapMean } from '../../experiments/lib/bootstrap';
import { determinant, transpose } from '../../experiments/lib/linalg';
import { fillNormal, fillUniform } from '../../experiments/lib/sampling';
import { normalCdf } from '../../experiments/lib/special';
import { Rng } from '../../experiments/runtime/rng';

describe('seeded fills', () => {
  it('fillNormal is reproducible and N(0, 1): moments and the CDF at several points', () => {
    const a = fillNormal(new Rng(3, 'z'), new Float64Array(400_000));
    const b = fillNormal(new Rng(3, 'z'), new Float64Array(400_000));
    expect(a).toEqual(b);
    let s1 = 0, s2 = 0, s4 = 0;
    for (const v of a) { s1 += v; s2 += v * v; s4 += v ** 4; }
    const n = a.length;
    expect(Math.abs(s1 / n)).toBeLessThan(5 * Math.sqrt(1 / n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(s4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
    // The tail beyond the ziggurat's base strip (r ≈ 3.44) and the wedges are sampled with the right mass.
    for (const t of [-3.6, -2, -0.5, 0.3, 1.5, 3.6]) {
      const frac = a.filter((v) => v < t).length / n;
      const p = normalCdf(t);
      expect(Math.abs(frac - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n) + 1e-6);
    }
  });

  it('fillNormal scales and shifts; fillUniform stays in [lo, hi) with the right mean', () => {
    const z = fillNormal(new Rng(1), new Float32Array(100_000), 2, 3);
    const m = z.reduce((s, v) => s + v, 0) / z.length;
    expect(Math.abs(m - 2)).toBeLessThan(0.05);
    const u = fillUniform(new Rng(2), new Float64Array(100_000), -1, 3);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...u)).toBeLessThan(3);
    expect(Math.abs(u.reduce((s, v) => s + v, 0) / u.length - 1)).toBeLessThan(0.03);
  });

  it('Rng.fillUint32 continues the same sequence as nextUint32', () => {
    const r1 = new Rng(9, 'u');
    const r2 = new Rng(9, 'u');
    const block = new Uint32Array(10);
    r1.fillUint32(block);
    expect(Array.from(block)).toEqual(Array.from({ length: 10 }, () => r2.nextUint32()));
    expect(r1.nextUint32()).toBe(r2.nextUint32());
  });
});

describe('bootstrap', () => {
  it('the interval of a mean covers the truth and has about the normal-theory width', () => {
    const rng = new Rng(5, 'data');
    const xs = Array.from({ length: 400 }, () => rng.normal());
    const ci = bootstrapMean(xs, new Rng(5, 'boot'), { resamples: 1000 });
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    expect(ci.estimate).toBeCloseTo(mean, 12);
    expect(ci.lo).toBeLessThan(0);
    expect(ci.hi).toBeGreaterThan(0);
    // 95% normal-theory width 2·1.96/√400 = 0.196.
    expect(ci.hi - ci.lo).toBeGreaterThan(0.15);
    expect(ci.hi - ci.lo).toBeLessThan(0.25);
  });

  it('a constant statistic gives a zero-width interval; a non-finite one gives NaN', () => {
    const c = bootstrapInterval(5, () => 7, new Rng(1));
    expect([c.lo, c.hi]).toEqual([7, 7]);
    expect(Number.isNaN(bootstrapInterval(5, () => NaN, new Rng(1)).lo)).toBe(true);
  });
});

describe('linear algebra', () => {
  it('determinant and transpose on hand-checked matrices', () => {
    expect(determinant([2, 1, 1, 3], 2)).toBeCloseTo(5, 12);
    expect(determinant([0, 1, 1, 0], 2)).toBeCloseTo(-1, 12);
    expect(Array.from(transpose(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3))).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
