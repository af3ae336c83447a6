import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { activeOverlaps, gammaSample, sphereCoordinate } from '../../experiments/superposition/bernoulliSuperposedLargeM';

describe('the superposed 0/1 layer beyond d0: exact-in-law overlaps', () => {
  it('Gamma(k) has mean k and variance k', () => {
    const rng = new Rng(3);
    for (const k of [1.5, 20, 511.5]) {
      const xs = Array.from({ length: 40_000 }, () => gammaSample(rng, k));
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
      expect(Math.abs(mean - k)).toBeLessThan(4 * Math.sqrt(k / xs.length));
      expect(v / k).toBeGreaterThan(0.95);
      expect(v / k).toBeLessThan(1.05);
    }
  });
  it('one coordinate of a uniform unit vector: E t² = 1/d0, E t⁴ = 3/(d0(d0+2)), and |t| ≤ 1 (checked at d0 = 3, where t is uniform on [−1, 1])', () => {
    const rng = new Rng(4);
    for (const d0 of [3, 16, 256]) {
      const ts = Array.from({ length: 60_000 }, () => sphereCoordinate(rng, d0));
      const m2 = ts.reduce((a, t) => a + t * t, 0) / ts.length;
      const m4 = ts.reduce((a, t) => a + t ** 4, 0) / ts.length;
      expect(Math.max(...ts.map(Math.abs))).toBeLessThanOrEqual(1);
      expect(m2 * d0).toBeGreaterThan(0.97);
      expect(m2 * d0).toBeLessThan(1.03);
      expect(m4 / (3 / (d0 * (d0 + 2)))).toBeGreaterThan(0.94);
      expect(m4 / (3 / (d0 * (d0 + 2)))).toBeLessThan(1.06);
    }
    // Archimedes: at d0 = 3 a coordinate is uniform on [−1, 1], so P(|t| < 1/2) = 1/2.
    const ts = Array.from({ length: 40_000 }, () => sphereCoordinate(rng, 3));
    expect(Math.abs(ts.filter((t) => Math.abs(t) < 0.5).length / ts.length - 0.5)).toBeLessThan(0.01);
  });
  it('active overlaps: u_β = 1 + Σ_γ≠β ⟨φ_β, φ_γ⟩ and ‖x‖² = Σ_β u_β', () => {
    const rng = new Rng(5);
    const one = activeOverlaps(rng, 1, 64);
    expect(one.u[0]).toBe(1);
    expect(one.norm).toBeCloseTo(1, 12);
    const three = activeOverlaps(rng, 3, 64);
    expect(three.norm ** 2).toBeCloseTo(three.u.reduce((a, b) => a + b, 0), 10);
    // Off-diagonal overlaps are O(1/√d0).
    for (const u of three.u) expect(Math.abs(u - 1)).toBeLessThan(1);
  });
});
