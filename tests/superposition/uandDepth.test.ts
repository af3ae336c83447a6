import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { signConstant } from '../../experiments/superposition/kaarelReadoff';
import { createSignReadoffSums } from '../../experiments/superposition/signReadoffSums';
import { createStackKernels, rethreshold, runStack, runStacks, type StackKernels } from '../../experiments/superposition/uandDepth';

let kernels: StackKernels;
beforeAll(async () => {
  kernels = await createStackKernels();
});

const layer = (rng: Rng, rows: number, d: number) => Float32Array.from({ length: rows * d }, () => rng.normal());

describe('stacked U-AND layers', () => {
  it('re-thresholds as 3[ReLU(v − 1/3) − ReLU(v − 2/3)]', () => {
    const got = [-1, 0.2, 0.4, 0.5, 0.7, 1.3].map(rethreshold);
    [0, 0, 0.2, 0.5, 1, 1].forEach((want, i) => expect(got[i]).toBeCloseTo(want, 12));
  });

  it('scores the first layer as a float64 brute force of the sign readoff does', () => {
    const m = 7;
    const s = 2;
    const d = 50;
    const rng = new Rng(4, 'depth');
    const W = layer(rng, m + 1, d);
    const actives = [[0, 3], [2, 5], [1, 6]];
    const pairs = [
      [{ i: 0, j: 3, c: 3 }, { i: 0, j: 4, c: 1 }, { i: 1, j: 2, c: 0 }],
      [{ i: 2, j: 5, c: 3 }, { i: 6, j: 5, c: 2 }, { i: 0, j: 1, c: 0 }],
      [{ i: 1, j: 6, c: 3 }, { i: 1, j: 0, c: 1 }, { i: 3, j: 4, c: 0 }],
    ];
    const [stats] = runStack({ kernels, W: [W], m, d, s, mode: 'raw', actives, pairs });
    const c = signConstant(s + 1);
    const sq = [0, 0, 0, 0];
    const n = [0, 0, 0, 0];
    let worst = 0;
    actives.forEach((on, t) => {
      const h = Array.from({ length: d }, (_, k) => Math.max(0, [...on, m].reduce((acc, a) => acc + W[a * d + k], 0)));
      for (const { i, j, c: ci } of pairs[t]) {
        let y = 0;
        for (let k = 0; k < d; k++) y += Math.sign(W[i * d + k] * W[j * d + k]) * h[k];
        const e = y / (d * c) - (ci === 3 ? 1 : 0);
        sq[ci] += e * e;
        n[ci]++;
        worst = Math.max(worst, Math.abs(e));
      }
    });
    const rms = Math.sqrt([0, 1, 2, 3].reduce((acc, ci) => acc + sq[ci] / n[ci], 0) / 4);
    expect(stats.andRms).toBeCloseTo(rms, 4);
    expect(stats.andWorst).toBeCloseTo(worst, 4);
  });

  it('with the re-threshold, a wide first layer hands the second exactly the input bits', () => {
    const m = 6;
    const s = 2;
    const d = 16384;
    const rng = new Rng(9, 'exact');
    const W1 = layer(rng, m + 1, d);
    const W2 = layer(rng, m + 1, d);
    const actives = [[0, 1], [2, 4], [3, 5], [1, 4]];
    const pairs = actives.map((on) => [{ i: on[0], j: on[1], c: 3 }]);
    const two = runStack({ kernels, W: [W1, W2], m, d, s, mode: 'rethreshold', actives, pairs });
    const one = runStack({ kernels, W: [W2], m, d, s, mode: 'rethreshold', actives, pairs });
    expect(two[0].carriedRms).toBeLessThan(1 / 9); // errors well below 1/3, so every bit is restored exactly
    expect(two[1].andWorst).toBeCloseTo(one[0].andWorst, 5);
    expect(two[1].carriedRms).toBeCloseTo(one[0].carriedRms, 5);
  });

  it('runs both modes at once as it runs each alone (the shared first layer changes nothing)', () => {
    const m = 9;
    const s = 2;
    const d = 64;
    const rng = new Rng(6, 'modes');
    const W = [layer(rng, m + 1, d), layer(rng, m + 1, d), layer(rng, m + 1, d)];
    const actives = [[0, 3], [2, 5], [1, 8], [4, 7]];
    const pairs = actives.map((on) => [{ i: on[0], j: on[1], c: 3 }, { i: on[0], j: 6, c: 1 }]);
    const both = runStacks({ kernels, W, m, d, s, modes: ['raw', 'rethreshold'], actives, pairs });
    expect(both.raw).toEqual(runStack({ kernels, W, m, d, s, mode: 'raw', actives, pairs }));
    expect(both.rethreshold).toEqual(runStack({ kernels, W, m, d, s, mode: 'rethreshold', actives, pairs }));
    expect(both.raw![1]).not.toEqual(both.rethreshold![1]);
  });
});

describe('signReadoffSums', () => {
  it('sums Σ_k ±h_k as the float64 loop does, bit for bit: zeros of both signs, odd widths, odd pair counts', async () => {
    const sums = await createSignReadoffSums();
    const rng = new Rng(8, 'signSums');
    for (const [n, rows, d, count] of [[3, 5, 7, 5], [4, 6, 64, 8], [2, 4, 1, 1], [5, 9, 203, 13]]) {
      const H = Float32Array.from({ length: n * d }, (_, t) => (t % 5 === 0 ? 0 : t % 7 === 0 ? -0 : Math.max(0, rng.normal()) * 1e3 ** rng.normal()));
      const W = Float32Array.from({ length: rows * d }, (_, t) => (t % 11 === 0 ? 0 : t % 13 === 0 ? -0 : rng.normal()));
      const pairs = Array.from({ length: count }, () => ({ t: rng.int(n), i: rng.int(rows), j: rng.int(rows) }));
      const got = sums(H, n, W, rows, d, pairs);
      pairs.forEach(({ t, i, j }, p) => {
        let y = 0;
        for (let k = 0; k < d; k++) {
          const hk = H[t * d + k];
          if (hk !== 0) y += W[i * d + k] * W[j * d + k] > 0 ? hk : -hk;
        }
        expect(Object.is(got[p], y)).toBe(true);
      });
    }
  });
});
