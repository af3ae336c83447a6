import { z } from 'zod';
import { fitLine } from '../lib/fits';
import { poissonUpper95 } from '../lib/poisson';
import { MIN_COUNT } from './priorAnalysis';

/**
 * Blind spots: simple functions (small exact formula size) whose probability under a map lies far below the
 * map's fitted upper bound log2 P ≤ a·K + b. The bound is the least-squares line through the per-size maxima of
 * log2 P over trusted functions (count ≥ MIN_COUNT), as for the envelopes at n = 5. It is not raised to cover every
 * maximum: one outlier (the constants, under a large bias) would then set it for all sizes.
 */

export interface Bound {
  slope: number;
  intercept: number;
}

export function fittedBound(size: Uint8Array, counts: Uint32Array, samples: number, include: (f: number) => boolean): Bound | null {
  const best = new Map<number, number>();
  for (let f = 0; f < counts.length; f++) {
    if (counts[f] < MIN_COUNT || !include(f)) continue;
    const v = Math.log2(counts[f] / samples);
    const prev = best.get(size[f]);
    if (prev === undefined || v > prev) best.set(size[f], v);
  }
  if (best.size < 2) return null;
  const ks = [...best.keys()];
  return fitLine(ks, ks.map((k) => best.get(k)!));
}

export const blindSpotStats = z.object({
  /** Simple functions in the group. */
  functions: z.number().int(),
  /** Per threshold Δ of the config's gapBits: share certified more than Δ bits below the bound, on the 95% upper bound of P (3/N for a zero count). */
  fractionCertified: z.array(z.number()),
  /** Per Δ: share more than Δ below on the point estimate (a zero count counts as infinitely far). */
  fractionPoint: z.array(z.number()),
  /** Share never seen in N draws. */
  fractionUnseen: z.number(),
  /** Median gap in bits, on the conservative estimate. */
  medianGap: z.number(),
});
export type BlindSpotStats = z.infer<typeof blindSpotStats>;

export function blindSpotFraction(
  fns: number[],
  size: Uint8Array,
  counts: Uint32Array,
  samples: number,
  bound: Bound,
  gapBits: readonly number[],
): BlindSpotStats {
  const certified = gapBits.map(() => 0);
  const point = gapBits.map(() => 0);
  let unseen = 0;
  const gaps: number[] = [];
  for (const f of fns) {
    const b = bound.slope * size[f] + bound.intercept;
    const upper = Math.log2(poissonUpper95(counts[f]) / samples);
    const gap = b - upper;
    gaps.push(gap);
    const pointGap = counts[f] === 0 ? Infinity : b - Math.log2(counts[f] / samples);
    gapBits.forEach((d, i) => {
      if (gap > d) certified[i]++;
      if (pointGap > d) point[i]++;
    });
    if (counts[f] === 0) unseen++;
  }
  gaps.sort((a, b) => a - b);
  const n = fns.length;
  return {
    functions: n,
    fractionCertified: certified.map((c) => (n ? c / n : 0)),
    fractionPoint: point.map((c) => (n ? c / n : 0)),
    fractionUnseen: n ? unseen / n : 0,
    medianGap: n ? gaps[Math.floor((n - 1) / 2)] : 0,
  };
}
