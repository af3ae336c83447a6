import type { Rng } from '../runtime/rng';

/** Percentile bootstrap confidence intervals. */

export interface BootstrapInterval {
  /** The statistic on the original sample. */
  estimate: number;
  lo: number;
  hi: number;
  /** Central coverage, for example 0.95. */
  level: number;
  resamples: number;
}

export interface BootstrapOptions {
  /** Number of resamples (default 2000). */
  resamples?: number;
  /** Central coverage of the interval (default 0.95). */
  level?: number;
}

/**
 * Percentile interval of `statistic` over resamples of n units drawn with replacement. `statistic` receives the
 * indices of the resampled units (each in [0, n)), so it can resample seeds, points of a fit, or rows of a table
 * alike. Resamples whose statistic is not finite (a fit through one distinct point, say) are dropped; the interval
 * is NaN when more than half are.
 */
export function bootstrapInterval(n: number, statistic: (indices: Int32Array) => number, rng: Rng, opts: BootstrapOptions = {}): BootstrapInterval {
  const resamples = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  if (!(n >= 1)) throw new Error(`bootstrapInterval: need at least one unit, got n = ${n}`);
  if (!(level > 0 && level < 1)) throw new Error(`bootstrapInterval: level must lie in (0, 1), got ${level}`);
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  const estimate = statistic(identity);
  const values: number[] = [];
  const idx = new Int32Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    const v = statistic(idx);
    if (Number.isFinite(v)) values.push(v);
  }
  if (values.length < resamples / 2) return { estimate, lo: NaN, hi: NaN, level, resamples };
  values.sort((a, b) => a - b);
  const at = (q: number) => {
    const pos = (values.length - 1) * q;
    const i = Math.floor(pos);
    const j = Math.min(values.length - 1, i + 1);
    return values[i] + (values[j] - values[i]) * (pos - i);
  };
  return { estimate, lo: at((1 - level) / 2), hi: at((1 + level) / 2), level, resamples };
}

/** Bootstrap interval of the mean of `values`. */
export function bootstrapMean(values: readonly number[], rng: Rng, opts?: BootstrapOptions): BootstrapInterval {
  return bootstrapInterval(values.length, (idx) => {
    let s = 0;
    for (let i = 0; i < idx.length; i++) s += values[idx[i]];
    return s / idx.length;
  }, rng, opts);
}
