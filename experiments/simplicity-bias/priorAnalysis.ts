import { z } from 'zod';
import { fitLine } from '../lib/fits';
import { poisson } from '../lib/poisson';
import { spearman } from '../lib/ranks';
import { quantileSorted } from '../lib/stats';
import type { Rng } from '../runtime/rng';

/**
 * From sampled frequencies to the quantities the page reports: the upper envelope of log2 P against a
 * complexity measure (its slope with a Poisson-bootstrap interval), the rank correlation, the binned
 * scatter and the rank-frequency curve.
 */

/** Functions seen fewer times than this are not trusted for P (relative error ≳ 1/√10). */
export const MIN_COUNT = 10;

export interface FrequencyTable {
  /** Distinct functions seen, and how often. */
  tables: Uint32Array;
  counts: Uint32Array;
  /** Samples drawn. */
  samples: number;
}

export function frequencyTableFromMap(m: Map<number, number>, samples: number): FrequencyTable {
  const tables = new Uint32Array(m.size);
  const counts = new Uint32Array(m.size);
  let i = 0;
  for (const [t, c] of m) {
    tables[i] = t;
    counts[i] = c;
    i++;
  }
  return { tables, counts, samples };
}

export function frequencyTableFromArray(counts: Uint32Array, samples: number): FrequencyTable {
  const keep: number[] = [];
  for (let t = 0; t < counts.length; t++) if (counts[t] > 0) keep.push(t);
  return { tables: Uint32Array.from(keep), counts: Uint32Array.from(keep.map((t) => counts[t])), samples };
}

export interface Envelope {
  /** Per complexity value: the largest log2 P among functions seen at least MIN_COUNT times. */
  points: { k: number; maxLog2P: number }[];
  slope: number;
  intercept: number;
}

/** Least-squares line through the per-complexity maxima of log2 P over trusted functions. */
export function upperEnvelope(k: ArrayLike<number>, counts: ArrayLike<number>, samples: number, minCount = MIN_COUNT): Envelope {
  const best = new Map<number, number>();
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] < minCount) continue;
    const v = Math.log2(counts[i] / samples);
    const prev = best.get(k[i]);
    if (prev === undefined || v > prev) best.set(k[i], v);
  }
  const points = [...best].map(([kk, maxLog2P]) => ({ k: kk, maxLog2P })).sort((a, b) => a.k - b.k);
  const { slope, intercept } = fitLine(
    points.map((p) => p.k),
    points.map((p) => p.maxLog2P),
  );
  return { points, slope, intercept };
}

export const measureSummary = z.object({
  /**
   * Envelope slope (bits of log2 P per unit of the measure), with a 95% basic (pivotal) Poisson-bootstrap interval:
   * the envelope is built from maxima, whose bootstrap distribution sits off the estimate, so the percentile
   * interval would not be centred on it.
   */
  slope: z.number().nullable(),
  slopeLo: z.number().nullable(),
  slopeHi: z.number().nullable(),
  intercept: z.number().nullable(),
  envelope: z.array(z.object({ k: z.number(), maxLog2P: z.number() })),
  /** Spearman correlation of the measure with log2 P over functions seen at least MIN_COUNT times. */
  spearman: z.number().nullable(),
  trustedFunctions: z.number().int(),
});
export type MeasureSummary = z.infer<typeof measureSummary>;

/**
 * Envelope, its bootstrap interval and the rank correlation for one measure. The bootstrap redraws every count
 * as Poisson(count) (the multinomial's standard approximation); functions seen fewer than 3 times are left at
 * their count, since they reach MIN_COUNT in a redraw with probability below 10⁻⁴.
 */
export function summariseMeasure(freq: FrequencyTable, k: Float64Array, boot: number, g: Rng): MeasureSummary {
  const env = upperEnvelope(k, freq.counts, freq.samples);
  const trusted: number[] = [];
  for (let i = 0; i < freq.counts.length; i++) if (freq.counts[i] >= MIN_COUNT) trusted.push(i);
  const rho = spearman(
    trusted.map((i) => k[i]),
    trusted.map((i) => freq.counts[i]),
  );
  const movable: number[] = [];
  for (let i = 0; i < freq.counts.length; i++) if (freq.counts[i] >= 3) movable.push(i);
  const kk = Float64Array.from(movable, (i) => k[i]);
  const slopes: number[] = [];
  const redraw = new Float64Array(movable.length);
  for (let b = 0; b < boot; b++) {
    for (let j = 0; j < movable.length; j++) redraw[j] = poisson(freq.counts[movable[j]], g);
    slopes.push(upperEnvelope(kk, redraw, freq.samples).slope);
  }
  return {
    slope: finiteOrNull(env.slope),
    slopeLo: finiteOrNull(2 * env.slope - quantile(slopes, 0.975)),
    slopeHi: finiteOrNull(2 * env.slope - quantile(slopes, 0.025)),
    intercept: finiteOrNull(env.intercept),
    envelope: env.points,
    spearman: finiteOrNull(rho),
    trustedFunctions: trusted.length,
  };
}

export const scatterCell = z.object({ k: z.number(), log2P: z.number(), functions: z.number().int() });

/** Number of functions per (measure value, 0.5-bit bin of log2 P): the scatter, binned so the figure stays small. */
export function binnedScatter(freq: FrequencyTable, k: Float64Array, binBits = 0.5): z.infer<typeof scatterCell>[] {
  const cells = new Map<string, { k: number; log2P: number; functions: number }>();
  for (let i = 0; i < freq.counts.length; i++) {
    const lp = Math.log2(freq.counts[i] / freq.samples);
    const bin = (Math.floor(lp / binBits) + 0.5) * binBits;
    const key = `${k[i]}|${bin}`;
    const c = cells.get(key);
    if (c) c.functions++;
    else cells.set(key, { k: k[i], log2P: bin, functions: 1 });
  }
  return [...cells.values()].sort((a, b) => a.k - b.k || a.log2P - b.log2P);
}

export const zipfPoint = z.object({ rank: z.number().int(), p: z.number() });

/** Rank-frequency curve at about 30 log-spaced ranks per decade, and the least-squares exponent of log P on log rank over trusted ranks ≥ 2. */
export function zipfCurve(freq: FrequencyTable): { points: z.infer<typeof zipfPoint>[]; exponent: number } {
  const sorted = Array.from(freq.counts).sort((a, b) => b - a);
  const points: { rank: number; p: number }[] = [];
  let last = 0;
  for (let e = 0; ; e += 1 / 30) {
    const rank = Math.round(10 ** e);
    if (rank > sorted.length) break;
    if (rank === last) continue;
    last = rank;
    points.push({ rank, p: sorted[rank - 1] / freq.samples });
  }
  if (last !== sorted.length && sorted.length > 0) points.push({ rank: sorted.length, p: sorted[sorted.length - 1] / freq.samples });
  const fitPts = points.filter((p) => p.rank >= 2 && p.p * freq.samples >= MIN_COUNT);
  const { slope } = fitLine(
    fitPts.map((p) => Math.log10(p.rank)),
    fitPts.map((p) => Math.log10(p.p)),
  );
  return { points, exponent: slope };
}

/** JSON has no NaN: undefined statistics (too few trusted functions) are stored as null. */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** Quantile of the finite values (NaN when none). */
export function quantile(values: readonly number[], q: number): number {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? quantileSorted(s, q) : NaN;
}
