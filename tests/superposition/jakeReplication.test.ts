import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { fillTargets, pairCaseBernoulliActive } from '../../experiments/superposition/jakeReplication';

describe('jake-replication inputs', () => {
  it('fillTargets writes AND and XOR of each pair (hand-made 2-input batch)', () => {
    const x = Float32Array.from([1, 1, 0, 0, 1, 1]); // m = 3: inputs 110 and 011
    const pi = Int32Array.from([0, 0, 1]);
    const pj = Int32Array.from([1, 2, 2]);
    const and = new Float32Array(6);
    const xor = new Float32Array(6);
    fillTargets('and', x, 3, pi, pj, and);
    fillTargets('xor', x, 3, pi, pj, xor);
    expect(Array.from(and)).toEqual([1, 0, 0, 0, 0, 1]);
    expect(Array.from(xor)).toEqual([0, 1, 1, 1, 1, 0]);
  });

  it('pair-conditioned Bernoulli inputs fix (x_i, x_j) and leave the others on with probability q', () => {
    const rng = new Rng(2, 'bern');
    const [m, q, n] = [20, 0.15, 20000];
    const on = new Array<number>(m).fill(0);
    for (let t = 0; t < n; t++) {
      const active = pairCaseBernoulliActive(rng, m, q, 3, 11, 1, 0);
      expect(active).toContain(3);
      expect(active).not.toContain(11);
      for (const l of active) on[l]++;
    }
    // Binomial sd of a frequency is √(q(1−q)/n) ≈ 0.0025: allow 5 sd.
    on.forEach((c, l) => {
      if (l !== 3 && l !== 11) expect(Math.abs(c / n - q)).toBeLessThan(0.0127);
    });
  });
});

import { aggregateReplicates, summaryKey, type Summaries } from '../../experiments/superposition/jakeReplication';

describe('jake-replication aggregation across replicates', () => {
  const summaryWith = (rms0: number, rms1: number, below: number): Summaries => ({
    zeros: { count: 10, mean: 0, rms: rms0, p99Abs: rms0, maxAbs: rms0, fracBelowQuarter: below },
    ones: { count: 10, mean: 0, rms: rms1, p99Abs: rms1, maxAbs: rms1, fracBelowQuarter: below },
  });
  // Two replicates at one width; trained RMS (3, 4) → balanced √12.5; frozen twice that; least squares equal to trained.
  const summaries = new Map<string, Summaries>();
  const histCounts = new Map<string, number[]>();
  for (const rep of [0, 1]) {
    const f = rep === 0 ? 1 : 3;
    for (const fn of ['and', 'xor'] as const) {
      const g = fn === 'xor' ? 2 : 1;
      summaries.set(summaryKey(rep, 10, 'trained', fn), summaryWith(3 * f * g, 4 * f * g, 0.9));
      summaries.set(summaryKey(rep, 10, 'frozen', fn), summaryWith(6 * f * g, 8 * f * g, 0.5));
      summaries.set(summaryKey(rep, 10, 'leastSquares', fn), summaryWith(3 * f * g, 4 * f * g, 0.7));
      for (const c of ['trained', 'frozen', 'leastSquares']) for (const t of [0, 1]) histCounts.set(`10/${c}/${fn}/${t}`, [3, 1]);
    }
  }
  const out = aggregateReplicates({ widths: [10], replicates: 2, histBins: 2, histMax: 1, summaries, histCounts });

  it('averages each statistic and the balanced RMS across replicates (n−1 sd)', () => {
    const bal = out.byWidth.d10.trained.and.balancedRms;
    // Balanced RMS: √12.5 and 3√12.5 → mean 2√12.5, sd √2·√12.5.
    expect(bal.mean).toBeCloseTo(2 * Math.sqrt(12.5), 12);
    expect(bal.sd).toBeCloseTo(Math.sqrt(2) * Math.sqrt(12.5), 12);
    expect(bal.values).toEqual([Math.sqrt(12.5), 3 * Math.sqrt(12.5)].map((v) => expect.closeTo(v, 12)));
    expect(out.byWidth.d10.frozen.xor.ones.rms.mean).toBeCloseTo((16 + 48) / 2, 12);
  });

  it('takes ratios per replicate, then mean ± sd, and the worst case over widths', () => {
    expect(out.ratios.d10.frozenOverTrained.and.mean).toBeCloseTo(2, 12);
    expect(out.ratios.d10.frozenOverTrained.and.sd).toBeCloseTo(0, 12);
    expect(out.ratios.d10.xorOverAnd.frozen.mean).toBeCloseTo(2, 12);
    expect(out.ratios.d10.leastSquaresOverTrained.xor.mean).toBeCloseTo(1, 12);
    expect(out.worst.frozenOverTrained).toBeCloseTo(2, 12);
    expect(out.worst.andFracBelowQuarter).toBe(0.5);
  });

  it('turns pooled histogram counts into shares on [0, histMax)', () => {
    const rows = out.hist.filter((h) => h.condition === 'trained' && h.fn === 'and' && h.target === 1);
    expect(rows).toEqual([
      { d: 10, condition: 'trained', fn: 'and', target: 1, x0: 0, x1: 0.5, share: 0.75 },
      { d: 10, condition: 'trained', fn: 'and', target: 1, x0: 0.5, x1: 1, share: 0.25 },
    ]);
  });
});
