import { fitPowerLaw } from './powerLawFit';

/** Small summaries shared by the experiments: spread across seeds and log-log slopes. */

export interface MeanSd {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single value. */
  sd: number;
}

export function meanSd(values: readonly number[]): MeanSd {
  const n = values.length;
  if (n === 0) throw new Error('meanSd: no values');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const ss = values.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 };
}

/** meanSd that also keeps the per-seed values, for figures that draw each seed. */
export function meanSdWithValues(values: readonly number[]): MeanSd & { values: number[] } {
  return { ...meanSd(values), values: [...values] };
}

/** Least-squares slope of log y against log x (the exponent of a power-law fit). */
export function logLogSlope(xs: readonly number[], ys: readonly number[]): number {
  return fitPowerLaw(xs, ys).exponent;
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
