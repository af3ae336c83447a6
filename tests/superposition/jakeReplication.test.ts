import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { bernoulliBatchSampler, fillBernoulli, fillTargets } from '../../experiments/superposition/jakeReplication';

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
});

import { aggregateReplicates, checkpointMeans, summaryKey, type Summaries } from '../../experiments/superposition/jakeReplication';
import { histogramRows } from '../../src/figures/superposition/jakeReplication';

describe('jake-replication aggregation across replicates', () => {
  const summaryWith = (rms0: number, rms1: number, below: number): Summaries => ({
    zeros: { count: 10, mean: 0, meanAbs: rms0, rms: rms0, p99Abs: rms0, maxAbs: rms0, fracBelow: below },
    ones: { count: 10, mean: 0, meanAbs: rms1, rms: rms1, p99Abs: rms1, maxAbs: rms1, fracBelow: below },
  });
  // Two replicates at one width; trained RMS (3, 4) → balanced √12.5; frozen twice that; least squares equal to trained.
  const summaries = new Map<string, Summaries>();
  for (const rep of [0, 1]) {
    const f = rep === 0 ? 1 : 3;
    for (const fn of ['and', 'xor'] as const) {
      const g = fn === 'xor' ? 2 : 1;
      summaries.set(summaryKey(rep, 10, 'trained', fn), summaryWith(3 * f * g, 4 * f * g, 0.9));
      summaries.set(summaryKey(rep, 10, 'frozen', fn), summaryWith(6 * f * g, 8 * f * g, 0.5));
      summaries.set(summaryKey(rep, 10, 'leastSquares', fn), summaryWith(3 * f * g, 4 * f * g, 0.7));
    }
  }
  const out = aggregateReplicates({ widths: [10], replicates: 2, summaries });

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
    expect(out.worst.frozenOverTrainedMin).toBeCloseTo(2, 12);
    expect(out.worst.andFracBelow).toBe(0.5);
    // Largest |error| over both classes: trained (4, 12) and frozen (8, 24) → ratio 2 in each replicate.
    expect(out.byWidth.d10.trained.and.maxAbs.mean).toBeCloseTo(8, 12);
    expect(out.ratios.d10.frozenOverTrainedMax.and.mean).toBeCloseTo(2, 12);
  });

  it('averages a checkpoint over the replicates that reached it', () => {
    const row = checkpointMeans(300, [
      { summaries: summaryWith(3, 4, 0.5), layerChange: 0.1 },
      { summaries: summaryWith(6, 8, 1), layerChange: 0.3 },
    ]);
    expect(row).toEqual({ step: 300, reps: 2, balancedRms: expect.closeTo(1.5 * Math.sqrt(12.5), 12), maxAbs: 6, onesFracBelow: 0.75, zerosFracBelow: 0.75, layerChange: expect.closeTo(0.2, 12) });
  });

  it('the histogram figure turns pooled counts into shares', () => {
    const results = { histograms: { 'p6w1/d10/trained/and': { zeros: [3, 1], ones: [1, 1] } } } as never;
    const rows = histogramRows(results, 'p6w1', 10);
    expect(rows.map((r) => [r.targetLabel, r.b, r.share])).toEqual([
      ['target 0', 0, 0.75],
      ['target 0', 1, 0.25],
      ['target 1', 0, 0.5],
      ['target 1', 1, 0.5],
    ]);
  });
});

describe('fillTargets against the pair-by-pair definition', () => {
  it('matches AND and XOR of every pair on random sparse inputs, for all pairs and for a subset', () => {
    const rng = new Rng(3, 'fillTargets');
    const m = 12;
    const n = 40;
    const x = new Float32Array(n * m);
    for (let t = 0; t < x.length; t++) x[t] = rng.uniform() < 0.3 ? 1 : 0;
    const all: [number, number][] = [];
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) all.push([i, j]);
    for (const pairs of [all, all.filter((_, o) => o % 5 === 2)]) {
      const pi = Int32Array.from(pairs, (p) => p[0]);
      const pj = Int32Array.from(pairs, (p) => p[1]);
      for (const fn of ['and', 'xor'] as const) {
        const y = new Float32Array(n * pairs.length).fill(7); // stale values must be overwritten
        fillTargets(fn, x, m, pi, pj, y);
        for (let r = 0; r < n; r++) {
          pairs.forEach(([i, j], o) => {
            const [a, b] = [x[r * m + i], x[r * m + j]];
            expect(y[r * pairs.length + o]).toBe(fn === 'and' ? a * b : (a + b) % 2);
          });
        }
      }
    }
  });
});

describe('bernoulliBatchSampler against fillBernoulli then fillTargets', () => {
  it('gives the same batches from the same stream, batch after batch, for all pairs, a subset and repeated pairs', () => {
    const m = 14;
    const n = 30;
    const all: [number, number][] = [];
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) all.push([i, j]);
    const subset = all.filter((_, o) => o % 3 === 1).map(([i, j], o) => (o % 2 ? [j, i] : [i, j]) as [number, number]);
    const repeated = [...subset, subset[0]]; // not distinct: the sampler falls back to fillTargets
    for (const pairs of [all, subset, repeated]) {
      const pi = Int32Array.from(pairs, (p) => p[0]);
      const pj = Int32Array.from(pairs, (p) => p[1]);
      for (const fn of ['and', 'xor'] as const) {
        const [refRng, rng] = [new Rng(5, 'batches'), new Rng(5, 'batches')];
        const sample = bernoulliBatchSampler(fn, rng, 0.25, m, pi, pj);
        const [x, y, xRef, yRef] = [new Float32Array(n * m), new Float32Array(n * pairs.length).fill(7), new Float32Array(n * m), new Float32Array(n * pairs.length)];
        for (let batch = 0; batch < 20; batch++) {
          fillBernoulli(refRng, 0.25, xRef);
          fillTargets(fn, xRef, m, pi, pj, yRef);
          sample(x, y);
          expect(x).toEqual(xRef);
          expect(y).toEqual(yRef);
        }
        expect(rng.nextUint32()).toBe(refRng.nextUint32());
      }
    }
  });
});
