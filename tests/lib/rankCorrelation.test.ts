import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { partialSpearman, spearman as pairedSpearman } from '../../experiments/lib/pairedStats';
import { spearman } from '../../experiments/lib/ranks';
import { Rng } from '../../experiments/runtime/rng';

/** Spearman without ties by its textbook formula 1 − 6Σd²/(n(n² − 1)), independent of the Pearson-of-ranks route. */
function spearmanNoTies(x: number[], y: number[]): number {
  const rank = (v: number[]) => {
    const order = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
    const r = new Array<number>(v.length);
    order.forEach((i, pos) => (r[i] = pos + 1));
    return r;
  };
  const rx = rank(x);
  const ry = rank(y);
  const n = x.length;
  const d2 = rx.reduce((s, r, i) => s + (r - ry[i]) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

describe('Spearman: one implementation (lib/ranks.ts) for every page', () => {
  it('pairedStats exports the same function as ranks', () => {
    expect(pairedSpearman).toBe(spearman);
  });

  it('matches the textbook formula on seeded data without ties', () => {
    const rng = new Rng(3, 'spearman');
    for (let t = 0; t < 10; t++) {
      const x = Array.from({ length: 30 + t }, () => rng.normal());
      const y = x.map((v) => v + (t / 3) * rng.normal());
      expect(spearman(x, y)).toBeCloseTo(spearmanNoTies(x, y), 12);
    }
  });

  it('is NaN where the correlation is undefined (constant input, fewer than 3 points), never 0', () => {
    expect(spearman([1, 1, 1, 1], [1, 2, 3, 4])).toBeNaN();
    expect(spearman([1, 2, 3, 4], [5, 5, 5, 5])).toBeNaN();
    expect(spearman([1, 2], [2, 1])).toBeNaN();
    expect(() => spearman([1, 2, 3], [1, 2])).toThrow(/lengths differ/);
  });

  it('partial Spearman is NaN when x or y is a monotone function of z or constant, and correct on a hand case', () => {
    const z = [1, 2, 3, 4, 5];
    expect(partialSpearman([2, 4, 6, 8, 10], [5, 3, 4, 1, 2], z)).toBeNaN();
    expect(partialSpearman([3, 3, 3, 3, 3], [5, 3, 4, 1, 2], z)).toBeNaN();
    // x = [1,3,2,5,4], y = [2,1,4,3,5], z = [1..5]: ρxy = 0.3, ρxz = 0.8, ρyz = 0.8 (6Σd² formula by hand),
    // so ρxy·z = (0.3 − 0.64)/(1 − 0.64) = −0.34/0.36.
    expect(partialSpearman([1, 3, 2, 5, 4], [2, 1, 4, 3, 5], z)).toBeCloseTo(-0.34 / 0.36, 12);
  });

  // sae-errors averaged pairedStats' own Spearman, which returned 0 for a constant input. On non-degenerate samples the
  // shared implementation gives the same bits: this digest was computed with the previous pairedStats code (529dc31).
  it('gives sae-errors bit-identical values on non-degenerate samples', () => {
    const rng = new Rng(11, 'golden-spearman');
    const out: number[] = [];
    for (let t = 0; t < 20; t++) {
      const m = 50 + t;
      const x = Float64Array.from({ length: m }, () => rng.normal());
      const y = Float64Array.from({ length: m }, (_, i) => x[i] + (1 + (t % 3)) * rng.normal());
      const z = Float64Array.from({ length: m }, (_, i) => (t % 2 ? Math.round(3 * rng.normal()) : y[i] - x[i]));
      out.push(pairedSpearman(x, y), partialSpearman(x, y, z), pairedSpearman(Float64Array.from(x, Math.round), z));
    }
    const bytes = Float64Array.from(out);
    expect(createHash('sha256').update(new Uint8Array(bytes.buffer)).digest('hex').slice(0, 16)).toBe('c010510b33c4e8a7');
  });
});
