/**
 * Setting A's data: m sparse boolean features embedded in R^d by fixed random unit vectors, x = Σ_{i on} e_i.
 * Labels are the m features and the ANDs of nPairs fixed random pairs. So that the ANDs are not almost always 0,
 * each sample turns on one designated pair with probability pairProb; every feature is also on independently
 * with probability q, chosen so that the expected number on is meanActive.
 */
import type { Rng } from '../runtime/rng';
import { randomUnitVectors } from '../lib/unitVectors';

export interface ToyTask {
  m: number;
  d: number;
  /** m×d, row i is the unit feature direction e_i. */
  E: Float32Array;
  /** AND pairs (i, j). */
  pairs: [number, number][];
  q: number;
  pairProb: number;
  /** Outputs: m features, then the pair ANDs. */
  o: number;
}

export interface ToyBatch {
  n: number;
  /** Active features of each sample, ascending. */
  active: number[][];
  /** n×d activations. */
  x: Float32Array;
  /** n×o labels. */
  y: Float32Array;
}

/** m unit rows of R^d, uniform on the sphere (normalised Gaussians). */
export const unitRows = (rng: Rng, rows: number, d: number): Float32Array => randomUnitVectors(rng, rows, d);

export function makeTask(rng: Rng, d: number, m: number, nPairs: number, meanActive: number, pairProb: number): ToyTask {
  const q = (meanActive - 2 * pairProb) / m;
  if (!(q > 0)) throw new Error(`meanActive (${meanActive}) must exceed 2·pairProb (${2 * pairProb})`);
  const E = unitRows(rng.child('E'), m, d);
  const pr = rng.child('pairs');
  const pairs: [number, number][] = [];
  const seen = new Set<number>();
  while (pairs.length < nPairs) {
    const [i, j] = pr.sampleDistinct(m, 2).sort((a, b) => a - b);
    if (seen.has(i * m + j)) continue;
    seen.add(i * m + j);
    pairs.push([i, j]);
  }
  return { m, d, E, pairs, q, pairProb, o: m + nPairs };
}

/** Labels of one active set into y at row offset. */
export function fillLabels(task: ToyTask, active: readonly number[], y: Float32Array, offset: number): void {
  const on = new Set(active);
  for (const i of active) y[offset + i] = 1;
  task.pairs.forEach(([i, j], k) => {
    if (on.has(i) && on.has(j)) y[offset + task.m + k] = 1;
  });
}

/** x = Σ_{i∈active} e_i into x at row offset (x must be zeroed there). */
export function embed(task: ToyTask, active: readonly number[], x: Float32Array, offset: number): void {
  const { d, E } = task;
  for (const i of active) for (let c = 0; c < d; c++) x[offset + c] += E[i * d + c];
}

export function sampleActive(rng: Rng, task: ToyTask): number[] {
  const on = new Set<number>();
  if (rng.uniform() < task.pairProb) {
    const [i, j] = task.pairs[rng.int(task.pairs.length)];
    on.add(i);
    on.add(j);
  }
  // Geometric skips: about meanActive draws per sample instead of m.
  const lq = Math.log1p(-task.q);
  for (let i = Math.floor(Math.log(1 - rng.uniform()) / lq); i < task.m; i += 1 + Math.floor(Math.log(1 - rng.uniform()) / lq)) on.add(i);
  return [...on].sort((a, b) => a - b);
}

/** n fresh samples; `into` reuses buffers of the same n. */
export function sampleBatch(rng: Rng, task: ToyTask, n: number, into?: ToyBatch): ToyBatch {
  const b = into ?? { n, active: [], x: new Float32Array(n * task.d), y: new Float32Array(n * task.o) };
  b.x.fill(0);
  b.y.fill(0);
  b.active.length = 0;
  for (let r = 0; r < n; r++) {
    const a = sampleActive(rng, task);
    b.active.push(a);
    embed(task, a, b.x, r * task.d);
    fillLabels(task, a, b.y, r * task.o);
  }
  return b;
}
