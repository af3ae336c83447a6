import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { NormalStream } from '../../experiments/lib/normalStream';
import { normalCdf } from '../../experiments/lib/special';
import { ZigguratNormals } from '../../experiments/lib/zigguratNormals';
import { createRelu2Kernel } from '../../experiments/simplicity-bias/relu2Kernel';
import { createMlpSampler, parameterCount } from '../../experiments/simplicity-bias/mlpSampler';

async function draws(seed: number, label: string, n: number): Promise<Float64Array> {
  const out = new Float64Array(n);
  const g = await ZigguratNormals.create(new Rng(seed, label));
  // Uneven slices, as a sampler asks for them.
  for (let s = 0, k = 1; s < n; k = (k * 7) % 61) {
    const e = Math.min(n, s + k + 1);
    g.fill(out, s, e, 1);
    s = e;
  }
  return out;
}

describe('ZigguratNormals', () => {
  const N = 1 << 20;
  let z: Float64Array;
  beforeAll(async () => {
    z = await draws(3, 'moments', N);
  });

  it('is deterministic per seed and label, and scales', async () => {
    expect([...(await draws(3, 'moments', 100))]).toEqual([...z.subarray(0, 100)]);
    expect([...(await draws(3, 'other', 100))]).not.toEqual([...z.subarray(0, 100)]);
    const scaled = new Float64Array(100);
    (await ZigguratNormals.create(new Rng(3, 'moments'))).fill(scaled, 0, 100, 0.25);
    expect([...scaled]).toEqual([...z.subarray(0, 100)].map((v) => 0.25 * v));
  });

  it('runs xoshiro128** (outputs of the reference C code from state 1, 2, 3, 4)', async () => {
    const g = await ZigguratNormals.fromState(1, 2, 3, 4);
    expect([...g.words(10)]).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804]);
  });

  it('gives the stream of the JavaScript generator it replaced (values recorded from session 7 code)', () => {
    // Positions 0 and 1 are fast-path draws, the others anywhere in the first 200,000 (slow paths included).
    expect([z[0], z[1], z[999], z[123456], z[199999]]).toEqual([-0.1493264871172432, -0.004974251426849562, 1.1550096808255481, -0.9241509999519346, 0.4057258593724502]);
    let s = 0;
    for (let i = 0; i < 200000; i++) s += z[i];
    expect(s).toBe(560.6159991223784);
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

describe('ReLU kernel (WebAssembly)', () => {
  it('returns exactly the tables of the general sampler on the same parameters', async () => {
    for (const [n, h1, h2, sb] of [
      [5, 40, 40, 1],
      [5, 40, 40, 0.1],
      [4, 20, 20, 1],
      [3, 7, 8, 0.5],
      [1, 3, 4, 1],
      [2, 9, 12, 2],
    ]) {
      // One block per network, so the kernel's parameters and the general sampler's come from the same draws.
      const spec = { n, hidden: [h1, h2], activation: 'relu' as const, sigmaW: 1, sigmaB: sb };
      const block = parameterCount(spec);
      const normals = new NormalStream(new Rng(5, `eq${n}`), block);
      const kernel = await createRelu2Kernel(n, h1, h2, sb, new Rng(1));
      const { W0, B0, W1, B1, W2, B2 } = kernel.params;
      const ref = createMlpSampler(spec, new NormalStream(new Rng(5, `eq${n}`), block));
      const seen = new Set<number>();
      for (let i = 0; i < 800; i++) {
        const z = normals.take(block);
        let o = 0;
        for (const [a, scale] of [[W0, 1 / Math.sqrt(n)], [B0, sb], [W1, 1 / Math.sqrt(h1)], [B1, sb], [W2, 1 / Math.sqrt(h2)], [B2, sb]] as const) {
          for (let j = 0; j < a.length; j++) a[j] = scale * z[o++];
        }
        const t = kernel.table();
        expect(t).toBe(ref());
        seen.add(t);
      }
      expect(seen.size).toBeGreaterThan(n >= 3 ? 20 : 2);
    }
  });

  it('draws its parameters from the ziggurat stream, in draw order (the tables of the session 7 sampler)', async () => {
    const kernel = await createRelu2Kernel(5, 40, 40, 1, new Rng(7, 'golden'));
    let h = 0x811c9dc5;
    for (let i = 0; i < 20000; i++) h = Math.imul(h ^ kernel.sample(), 0x01000193) >>> 0;
    expect(h).toBe(3643908650);
  });

  it('rejects widths it cannot run', async () => {
    await expect(createRelu2Kernel(6, 4, 4, 1, new Rng(1))).rejects.toThrow(/1\.\.5/);
    await expect(createRelu2Kernel(5, 4, 6, 1, new Rng(1))).rejects.toThrow(/multiple of 4/);
  });
});
