import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { addScaled, CovDirections, norm, randomUnit } from '../../experiments/sae-errors/perturbations';
import { partialSpearman, percentileOf, ratioOfMeans, spearman } from '../../experiments/lib/pairedStats';

describe('norm-matched perturbations', () => {
  it('the ε-random perturbation has exactly the SAE error’s norm, per sample', () => {
    const rng = new Rng(1, 't');
    const d = 64;
    for (let s = 0; s < 20; s++) {
      const x = rng.fillNormal(new Float32Array(d));
      const xhat = Float32Array.from(x, (v) => v + 0.1 * rng.normal());
      const err = new Float64Array(d);
      for (let c = 0; c < d; c++) err[c] = xhat[c] - x[c];
      const eps = norm(err);
      const out = new Float32Array(d);
      addScaled(x, 0, randomUnit(rng, d), 0, d, eps, out, 0);
      const delta = new Float64Array(d);
      for (let c = 0; c < d; c++) delta[c] = out[c] - x[c];
      // float32 storage of x + δ is the only rounding: relative error ~1e−6 of ‖x‖
      expect(Math.abs(norm(delta) - eps)).toBeLessThan(1e-5 * norm(x));
    }
  });

  it('covariance-matched directions follow the data covariance', () => {
    const rng = new Rng(2, 't');
    const n = 4000;
    const x = new Float32Array(n * 2);
    for (let r = 0; r < n; r++) {
      x[2 * r] = 3 * rng.normal();
      x[2 * r + 1] = 0.3 * rng.normal();
    }
    const cov = new CovDirections(2, x, n);
    let big = 0;
    for (let t = 0; t < 500; t++) {
      const v = cov.sample(rng);
      expect(norm(v)).toBeCloseTo(1, 12);
      if (Math.abs(v[0]) > Math.abs(v[1])) big++;
    }
    // the first axis has 10× the standard deviation: almost every direction leans on it
    expect(big / 500).toBeGreaterThan(0.9);
  });
});

describe('statistics', () => {
  it('ratio of means with a bootstrap interval that covers it', () => {
    const rng = new Rng(3, 't');
    const a = Array.from({ length: 400 }, () => 2 + rng.normal() * 0.1);
    const b = Array.from({ length: 400 }, () => 1 + rng.normal() * 0.1);
    const r = ratioOfMeans(rng, a, b, 300);
    expect(r.ratio).toBeGreaterThan(r.lo);
    expect(r.ratio).toBeLessThan(r.hi);
    expect(r.lo).toBeGreaterThan(1.9);
    expect(r.hi).toBeLessThan(2.1);
    expect(r.fracGreater).toBe(1);
  });

  it('rank correlations: monotone is 1, partialling out the common cause removes it', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 25, 100])).toBeCloseTo(1, 12);
    const rng = new Rng(4, 't');
    const z = Array.from({ length: 2000 }, () => rng.normal());
    const x = z.map((v) => v + 0.3 * rng.normal());
    const y = z.map((v) => v + 0.3 * rng.normal());
    expect(spearman(x, y)).toBeGreaterThan(0.8);
    expect(Math.abs(partialSpearman(x, y, z))).toBeLessThan(0.1);
    expect(percentileOf([1, 2, 3, 4], 3)).toBe(62.5);
  });
});
