import { z } from 'zod';
import { fitLine, poissonUpper95 } from './stats';
import { MIN_COUNT } from './priorAnalysis';

/**
 * Blind spots: simple functions (small exact formula size) whose probability under a map lies far below the
 * map's fitted upper bound log2 P ≤ a·K + b. The bound is the least-squares line through the per-size maxima of
 * log2 P over trusted functions (count ≥ MIN_COUNT), raised until no maximum lies above it.
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
  const line = fitLine(ks, ks.map((k) => best.get(k)!));
  let raise = 0;
  for (const k of ks) raise = Math.max(raise, best.get(k)! - (line.slope * k + line.intercept));
  return { slope: line.slope, intercept: line.intercept + raise };
}

export const blindSpotStats = z.object({
  /** Simple functions in the group. */
  functions: z.number().int(),
  /** Share certified more than `gapBits` below the bound, using the 95% upper bound on P (3/N for a zero count). */
  fractionCertified: z.number(),
  /** Share more than `gapBits` below on the point estimate (a zero count counts as infinitely far). */
  fractionPoint: z.number(),
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
  gapBits: number,
): BlindSpotStats {
  let certified = 0;
  let point = 0;
  let unseen = 0;
  const gaps: number[] = [];
  for (const f of fns) {
    const b = bound.slope * size[f] + bound.intercept;
    const upper = Math.log2(poissonUpper95(counts[f]) / samples);
    const gap = b - upper;
    gaps.push(gap);
    if (gap > gapBits) certified++;
    if (counts[f] === 0 || b - Math.log2(counts[f] / samples) > gapBits) point++;
    if (counts[f] === 0) unseen++;
  }
  gaps.sort((a, b) => a - b);
  const n = fns.length;
  return {
    functions: n,
    fractionCertified: n ? certified / n : 0,
    fractionPoint: n ? point / n : 0,
    fractionUnseen: n ? unseen / n : 0,
    medianGap: n ? gaps[Math.floor((n - 1) / 2)] : 0,
  };
}
