import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { NormalStream } from '../../experiments/lib/normalStream';
import { normalCdf } from '../../experiments/lib/special';
import { ZigguratNormals } from '../../experiments/lib/zigguratNormals';
import { createFastRelu2Sampler, type NormalFill } from '../../experiments/simplicity-bias/fastRelu2Sampler';
import { createMlpSampler, parameterCount } from '../../experiments/simplicity-bias/mlpSampler';

function draws(seed: number, label: string, n: number): Float64Array {
  const out = new Float64Array(n);
  const g = new ZigguratNormals(new Rng(seed, label));
  // Uneven slices, as the sampler asks for them.
  for (let s = 0, k = 1; s < n; k = (k * 7) % 61) {
    const e = Math.min(n, s + k + 1);
    g.fill(out, s, e, 1);
    s = e;
  }
  return out;
}

describe('ZigguratNormals', () => {
  const N = 1 << 20;
  const z = draws(3, 'moments', N);

  it('is deterministic per seed and label, and scales', () => {
    expect([...draws(3, 'moments', 100)]).toEqual([...z.subarray(0, 100)]);
    expect([...draws(3, 'other', 100)]).not.toEqual([...z.subarray(0, 100)]);
    const scaled = new Float64Array(100);
    new ZigguratNormals(new Rng(3, 'moments')).fill(scaled, 0, 100, 0.25);
    expect([...scaled]).toEqual([...z.subarray(0, 100)].map((v) => 0.25 * v));
  });

  it('has the moments of N(0, 1): mean, variance, skew, kurtosis', () => {
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (const v of z) {
      m1 += v;
      m2 += v * v;
      m3 += v * v * v;
      m4 += v * v * v * v;
    }
    // Standard errors of the sample moments of N(0, 1): 1, √2, √15, √96 over √N; 5 of them allowed.
    const se = (v: number) => (5 * Math.sqrt(v)) / Math.sqrt(N);
    expect(Math.abs(m1 / N)).toBeLessThan(se(1));
    expect(Math.abs(m2 / N - 1)).toBeLessThan(se(2));
    expect(Math.abs(m3 / N)).toBeLessThan(se(15));
    expect(Math.abs(m4 / N - 3)).toBeLessThan(se(96));
  });

  it('has Gaussian tails, beyond the ziggurat base (3.44) and far out', () => {
    for (const t of [1, 2, 3, 3.442619855899, 4, 4.5]) {
      const p = 2 * (1 - normalCdf(t));
      let c = 0;
      for (const v of z) if (Math.abs(v) > t) c++;
      expect(Math.abs(c - N * p)).toBeLessThan(5 * Math.sqrt(N * p) + 1);
    }
  });

  it('passes a Kolmogorov-Smirnov test against Φ (α = 0.001)', () => {
    const s = Float64Array.from(z.subarray(0, 1 << 18)).sort();
    const n = s.length;
    let d = 0;
    for (let i = 0; i < n; i++) {
      const F = normalCdf(s[i]);
      d = Math.max(d, (i + 1) / n - F, F - i / n);
    }
    expect(d).toBeLessThan(1.949 / Math.sqrt(n));
    // And the test can fail: a 3% scale error is caught at this n.
    let d2 = 0;
    for (let i = 0; i < n; i++) {
      const F = normalCdf(1.03 * s[i]);
      d2 = Math.max(d2, (i + 1) / n - F, F - i / n);
    }
    expect(d2).toBeGreaterThan(1.949 / Math.sqrt(n));
  });
});

/** A NormalFill that serves a NormalStream's normals in order, so both samplers see the same parameters. */
function streamFill(ns: NormalStream): NormalFill {
  return {
    fill(out, start, end, scale) {
      const z = ns.take(end - start);
      for (let i = start; i < end; i++) out[i] = scale * z[i - start];
    },
  };
}

describe('fast ReLU sampler', () => {
  it('returns exactly the tables of the general sampler on the same parameters', () => {
    for (const [n, h1, h2, sb] of [
      [5, 40, 40, 1],
      [5, 40, 40, 0.1],
      [4, 20, 20, 1],
      [3, 7, 8, 0.5],
      [1, 3, 4, 1],
    ]) {
      // One block per network, so both samplers refill their streams at the same draws.
      const spec = { n, hidden: [h1, h2], activation: 'relu' as const, sigmaW: 1, sigmaB: sb };
      const block = parameterCount(spec);
      const fast = createFastRelu2Sampler(n, h1, h2, sb, streamFill(new NormalStream(new Rng(5, `eq${n}`), block)));
      const ref = createMlpSampler(spec, new NormalStream(new Rng(5, `eq${n}`), block));
      const seen = new Set<number>();
      for (let i = 0; i < 800; i++) {
        const t = fast();
        expect(t).toBe(ref());
        seen.add(t);
      }
      expect(seen.size).toBeGreaterThan(n >= 3 ? 20 : 2);
    }
  });

  it('rejects widths it cannot run', () => {
    const g = new ZigguratNormals(new Rng(1));
    expect(() => createFastRelu2Sampler(6, 4, 4, 1, g)).toThrow(/1\.\.5/);
    expect(() => createFastRelu2Sampler(5, 4, 6, 1, g)).toThrow(/multiple of 4/);
  });
});
