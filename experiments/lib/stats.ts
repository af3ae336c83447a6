import { z } from 'zod';

/** Summaries shared by every writeup: spread across seeds, quantiles, histograms, running error sums. */

/** The result schema of a statistic across seeds. Use this, never a hand-written `{ mean, sd }` object. */
export const meanSdSchema = z.object({ mean: z.number(), sd: z.number() });
/** `meanSdSchema` that also keeps the per-seed values, for figures that draw each seed. */
export const meanSdValuesSchema = meanSdSchema.extend({ values: z.array(z.number()) });

export type MeanSd = z.infer<typeof meanSdSchema>;
export type MeanSdValues = z.infer<typeof meanSdValuesSchema>;

/** Mean and sample standard deviation (n − 1; 0 for a single value). */
export function meanSd(values: readonly number[]): MeanSd {
  const n = values.length;
  if (n === 0) throw new Error('meanSd: no values');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const ss = values.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 };
}

export function meanSdWithValues(values: readonly number[]): MeanSdValues {
  return { ...meanSd(values), values: [...values] };
}

/** Linear-interpolated quantile of an ascending array (the "type 7" definition). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export interface HistogramBin {
  x0: number;
  x1: number;
  count: number;
}

/** Equal-width bins on [lo, hi); values outside are clamped into the end bins so none is lost. */
export function histogram(values: ArrayLike<number>, lo: number, hi: number, bins: number): HistogramBin[] {
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor((values[i] - lo) / width)));
    counts[b]++;
  }
  return counts.map((count, b) => ({ x0: lo + b * width, x1: lo + (b + 1) * width, count }));
}

/** Running sums of signed errors: mean, RMS and max |error| without keeping the samples. */
export class ErrorAccumulator {
  count = 0;
  sum = 0;
  sumSq = 0;
  maxAbs = 0;

  add(e: number): void {
    this.count++;
    this.sum += e;
    this.sumSq += e * e;
    const a = Math.abs(e);
    if (a > this.maxAbs) this.maxAbs = a;
  }

  get mean(): number {
    return this.sum / this.count;
  }

  get rms(): number {
    return Math.sqrt(this.sumSq / this.count);
  }
}
