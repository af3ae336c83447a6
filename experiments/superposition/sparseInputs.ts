import type { Rng } from '../runtime/rng';

/** The four values of (x_i, x_j), in a fixed order used by every experiment. */
export const CASES = [
  [0, 0],
  [1, 0],
  [0, 1],
  [1, 1],
] as const;
export type CaseName = '00' | '10' | '01' | '11';
export const CASE_NAMES: readonly CaseName[] = ['00', '10', '01', '11'];

/**
 * Active features of one input with exactly `s` features on, conditioned on the pair (i, j) being in
 * case (a, b): i is on iff a, j is on iff b, and s − a − b others are drawn uniformly.
 * Inputs are index lists, so cost does not grow with m.
 */
export function pairCaseActive(rng: Rng, m: number, s: number, i: number, j: number, a: number, b: number): number[] {
  const active = rng.sampleDistinct(m, s - a - b, [i, j]);
  if (a) active.push(i);
  if (b) active.push(j);
  return active;
}

/** All m(m−1)/2 pairs when `count` reaches that, else `count` distinct random pairs. */
export function choosePairs(rng: Rng, m: number, count: number): [number, number][] {
  const total = (m * (m - 1)) / 2;
  if (count >= total) {
    const all: [number, number][] = [];
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) all.push([i, j]);
    return all;
  }
  const seen = new Set<number>();
  const out: [number, number][] = [];
  while (out.length < count) {
    const [i, j] = rng.sampleDistinct(m, 2).sort((x, y) => x - y);
    const code = i * m + j;
    if (seen.has(code)) continue;
    seen.add(code);
    out.push([i, j]);
  }
  return out;
}

export function andTarget(a: number, b: number): number {
  return a & b;
}

export function xorTarget(a: number, b: number): number {
  return a ^ b;
}
