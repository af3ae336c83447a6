import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { addScaled, CovDirections, KL_RESOLUTION, norm, randomUnit } from '../../experiments/sae-errors/perturbations';
import { flooredPairStats, partialSpearman, percentileOf, ratioOfMeans, spearman } from '../../experiments/lib/pairedStats';

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
    const r = ratioOfMeans(rng, a, b, 300, 1e-8);
    expect(r.ratio).toBeGreaterThan(r.lo);
    expect(r.ratio).toBeLessThan(r.hi);
    expect(r.lo).toBeGreaterThan(1.9);
    expect(r.hi).toBeLessThan(2.1);
    expect(r.fracGreater).toBe(1);
  });

  it('per-sample statistics: KLs at rounding level are ties, so last-bit noise cannot move the median', () => {
    // 40 samples where both KLs are rounding residue (mathematically 0: identical logits) and 60 real pairs with
    // log(a/b) uniform on ±0.3. Each draw of the residue stands for an engine whose Math.exp/log differ in the last bit.
    const real = new Rng(7, 'real');
    const reals = Array.from({ length: 60 }, () => ({ b: 0.05 + real.uniform(), u: 0.6 * real.uniform() - 0.3 }));
    const draw = (seed: number) => {
      const rng = new Rng(seed, 'residue');
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < 40; i++) {
        a.push(rng.uniform() * 1e-14);
        b.push(rng.uniform() * 1e-14);
      }
      for (const r of reals) {
        a.push(r.b * Math.exp(r.u));
        b.push(r.b);
      }
      return { a, b };
    };
    // The old rule: the median of log(a/b) over samples where both are positive.
    const oldMedian = ({ a, b }: { a: number[]; b: number[] }) => {
      const logs = a.map((x, i) => Math.log(x / b[i])).filter((_, i) => a[i] > 0 && b[i] > 0).sort((x, y) => x - y);
      const h = (logs.length - 1) / 2;
      return (logs[Math.floor(h)] + logs[Math.ceil(h)]) / 2;
    };
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    const olds = seeds.map((s) => oldMedian(draw(s)));
    expect(Math.max(...olds) - Math.min(...olds)).toBeGreaterThan(0.05); // the case really moved the old median
    const stats = seeds.map((s) => flooredPairStats(draw(s).a, draw(s).b, KL_RESOLUTION));
    const realGreater = reals.filter((r) => r.u > 0).length;
    for (const st of stats) {
      expect(st.medianLogRatio).toBe(stats[0].medianLogRatio);
      expect(st.fracGreater).toBe((realGreater + 40 / 2) / 100);
    }
    // The median: of 40 zeros and the 60 real pairs' log((a + f)/(b + f)) ≈ u.
    const sorted = [...Array(40).fill(0), ...reals.map((r) => r.u)].sort((x, y) => x - y);
    expect(stats[0].medianLogRatio).toBeCloseTo((sorted[49] + sorted[50]) / 2, 6);
    // Hand-computed: ties (|a − b| ≤ floor) give 0 and count one half; other pairs give log((a + f)/(b + f)).
    const z = flooredPairStats([0, 0, 2, 4], [0, 0, 1, 2], 0);
    expect(z.medianLogRatio).toBeCloseTo(Math.log(2) / 2, 15);
    expect(z.fracGreater).toBe(0.75);
    const h = flooredPairStats([1, 3], [2, 1], 0.5);
    expect(h.medianLogRatio).toBeCloseTo((Math.log(1.5 / 2.5) + Math.log(3.5 / 1.5)) / 2, 15);
    expect(h.fracGreater).toBe(0.5);
    expect(flooredPairStats([1, 1.2], [1.1, 1], 0.25)).toEqual({ medianLogRatio: 0, fracGreater: 0.5 });
    expect(() => ratioOfMeans(new Rng(1, 't'), [1], [1], 50, NaN)).toThrow(/floor/);
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
