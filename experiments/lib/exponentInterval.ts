import { z } from 'zod';
import type { Rng } from '../runtime/rng';
import { bootstrapInterval } from './bootstrap';
import { fitPowerLaw } from './fits';

/** A fitted exponent with its 95% bootstrap interval: what a claim about a slope checks. */
export const exponentIntervalSchema = z.object({ estimate: z.number(), lo: z.number(), hi: z.number() });
export type ExponentInterval = z.infer<typeof exponentIntervalSchema>;

/**
 * Exponent b of y ≈ a·x^b fitted to the points of every unit (seed, layer, replicate) pooled, with a percentile
 * bootstrap interval that resamples whole units. `ys[u][i]` is unit u's value at xs[i]; non-positive values drop out.
 */
export function pooledExponent(xs: readonly number[], ys: readonly (readonly number[])[], rng: Rng): ExponentInterval {
  const stat = (idx: ArrayLike<number>) => {
    const px: number[] = [];
    const py: number[] = [];
    for (let t = 0; t < idx.length; t++) {
      const row = ys[idx[t]];
      for (let i = 0; i < xs.length; i++) {
        px.push(xs[i]);
        py.push(row[i]);
      }
    }
    return fitPowerLaw(px, py).exponent;
  };
  const iv = bootstrapInterval(ys.length, stat, rng);
  return { estimate: iv.estimate, lo: iv.lo, hi: iv.hi };
}
