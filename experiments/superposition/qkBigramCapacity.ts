import { z } from 'zod';
import type { Tf } from '../runtime/backend';
import { defineExperiment } from '../runtime/experiment';
import { choleskySolve } from '../lib/linalg';
import { randomUnitVectors } from '../lib/unitVectors';
import { bootstrapInterval } from '../lib/bootstrap';
import type { Rng } from '../runtime/rng';

/**
 * When a set of K target bigrams counts as checked.
 * - `lenient`: one threshold over all pairs puts at least `accuracy` of the targets above it and `accuracy` of the
 *   non-targets below (the page's first criterion; it admits many non-target pairs).
 * - `strict`: for every query feature, every target key scores above every non-target key: what a softmax at low
 *   temperature needs, since it attends to the top-scoring keys of each query. A per-query shift of the scores
 *   changes no softmax, so the strict fit has a bias per query feature.
 */
export const CRITERIA = ['lenient', 'strict'] as const;
export type Criterion = (typeof CRITERIA)[number];

const config = z
  .object({
    /** Base seed: features, target bigrams and initialisations draw from streams of it. */
    seed: z.number().int().nonnegative(),
    /** Repeats with independent features and targets; the capacity is reported per repeat. */
    repeats: z.number().int().min(1).max(10),
    /** Residual-stream widths to test. */
    dResids: z.array(z.number().int().min(4).max(256)).min(1),
    /** Head dimensions (rank of W_QK) to test. */
    dHeads: z.array(z.number().int().min(1).max(64)).min(1),
    /** Numbers of features, as multiples of d_resid (above 1 means features are in superposition), varied independently of d_resid. */
    featuresPerDims: z.array(z.number().min(1).max(8)).min(1),
    /** Lenient criterion: both the hit rate on targets and on non-targets must reach this. */
    accuracy: z.number().gt(0.5).lt(1),
    /** Adam steps per fit, and its learning rate. */
    steps: z.number().int().min(10),
    learningRate: z.number().positive(),
    /** Bisection rounds on log K per (d_resid, d_head, features, criterion). */
    searchRounds: z.number().int().min(2).max(12),
    /** Bootstrap resamples (over cells) for the intervals on the fitted exponents. */
    resamples: z.number().int().min(100).max(5000),
  })
  .strict();

const interval = z.object({ estimate: z.number(), lo: z.number(), hi: z.number() });
const summary = z.object({
  /**
   * Least squares of log K* on [1, log d_head, log d_resid, log n] over this criterion's cells, with 95% bootstrap
   * intervals (cells resampled); Θ(d_head·d_resid) predicts exponents 1, 1 and 0. Null where the grid does not vary the factor.
   */
  fit: z.object({ dHeadExponent: interval, dResidExponent: interval.nullable(), featuresExponent: interval.nullable() }),
  /** Mean over cells of K* / (d_head·d_resid). */
  bigramsPerParameterPair: z.number(),
  /** Smallest K* / d_head over cells: how far the fitted head beats the naive construction (one head dimension per bigram). */
  minRatioToNaive: z.number(),
  /** Mean over cells of K* / d_head. */
  meanRatioToNaive: z.number(),
  /** Mean over cells of the non-target pairs scored above the threshold at K*, per target (lenient only; 0 for strict, which admits none). */
  falsePairsPerTarget: z.number(),
});

const result = z.object({
  rows: z.array(z.object({
    criterion: z.enum(CRITERIA),
    dResid: z.number().int(),
    dHead: z.number().int(),
    features: z.number().int(),
    featuresPerDim: z.number(),
    repeat: z.number().int(),
    /** Largest K found that the fitted low-rank W_QK checks under the criterion. */
    capacity: z.number(),
    /** Non-target pairs on the wrong side of the threshold in the fit that checked K* (lenient), or 0. */
    falsePairs: z.number(),
    /** The naive construction: one head dimension per bigram. */
    naive: z.number(),
  })),
  lenient: summary,
  strict: summary,
  /** Mean over matching cells of strict K* / lenient K*. */
  strictOverLenient: z.number(),
});
/** The experiment's results, as stored in its artifact and read by its figures. */
export type QkBigramCapacityResult = z.output<typeof result>;

/** K distinct (query, key) feature pairs, as a 0/1 n×n matrix. */
export function randomTargets(rng: Rng, n: number, K: number): Float32Array {
  const target = new Float32Array(n * n);
  let placed = 0;
  while (placed < K) {
    const c = rng.int(n * n);
    if (!target[c]) {
      target[c] = 1;
      placed++;
    }
  }
  return target;
}

/** Hit rates of one threshold at 0 on scores z (n×n, row = query feature): on targets and on non-targets. */
export function lenientHitRates(z: ArrayLike<number>, target: ArrayLike<number>): { targets: number; nonTargets: number } {
  let K = 0;
  let hitPos = 0;
  let hitNeg = 0;
  for (let c = 0; c < target.length; c++) {
    if (target[c]) K++, (hitPos += z[c] > 0 ? 1 : 0);
    else hitNeg += z[c] <= 0 ? 1 : 0;
  }
  return { targets: hitPos / K, nonTargets: hitNeg / (target.length - K) };
}

/** Whether, in every row (query feature) with a target, every target scores strictly above every non-target. */
export function strictlySeparated(z: ArrayLike<number>, target: ArrayLike<number>, n: number): boolean {
  for (let i = 0; i < n; i++) {
    let minTarget = Infinity;
    let maxOther = -Infinity;
    for (let j = 0; j < n; j++) {
      const v = z[i * n + j];
      if (target[i * n + j]) minTarget = Math.min(minTarget, v);
      else maxOther = Math.max(maxOther, v);
    }
    if (minTarget !== Infinity && !(minTarget > maxOther)) return false;
  }
  return true;
}

/**
 * Fit score(i, j) = (W_Q φ_i)·(W_K φ_j) + b to a 0/1 target matrix by class-balanced logistic loss, with one bias
 * (`perQueryBias` false) or one per query feature; return the fitted scores (n×n, row = query).
 */
export function fitScores(tf: Tf, rng: Rng, phi: Float32Array, n: number, dResid: number, dHead: number, target: Float32Array, steps: number, lr: number, perQueryBias = false): Float32Array {
  const K = target.reduce((s, v) => s + v, 0);
  return tf.tidy(() => {
    const P = tf.tensor2d(phi, [n, dResid]);
    const Y = tf.tensor2d(target, [n, n]);
    const wPos = Y.div(K);
    const wNeg = tf.scalar(1).sub(Y).div(n * n - K);
    const scale = 1 / Math.sqrt(dHead);
    const WQ = tf.variable(tf.tensor2d(rng.fillNormal(new Float32Array(dResid * dHead)), [dResid, dHead]).mul(scale));
    const WK = tf.variable(tf.tensor2d(rng.fillNormal(new Float32Array(dResid * dHead)), [dResid, dHead]).mul(scale));
    const b = tf.variable(perQueryBias ? tf.zeros([n, 1]) : tf.zeros([1, 1]));
    const scores = () => tf.matMul(tf.matMul(P, WQ), tf.matMul(P, WK), false, true).add(b);
    const opt = tf.train.adam(lr);
    for (let s = 0; s < steps; s++) {
      opt.minimize(() => {
        const z = scores();
        // softplus(−z) for targets, softplus(z) for the rest: logistic loss, each class averaged.
        const loss = tf.softplus(z.neg()).mul(wPos).add(tf.softplus(z).mul(wNeg));
        return loss.sum() as any;
      });
    }
    const z = scores().dataSync() as Float32Array;
    opt.dispose();
    [WQ, WK, b].forEach((v) => v.dispose());
    return z;
  });
}

/** The worse of the two lenient hit rates of a global-bias fit (the page's first criterion). */
export function fitAccuracy(tf: Tf, rng: Rng, phi: Float32Array, n: number, dResid: number, dHead: number, target: Float32Array, steps: number, lr: number): number {
  const h = lenientHitRates(fitScores(tf, rng, phi, n, dResid, dHead, target, steps, lr), target);
  return Math.min(h.targets, h.nonTargets);
}

export const qkBigramCapacity = defineExperiment({
  id: 'qk-bigram-capacity',
  title: 'How many skip feature-bigrams a low-rank W_QK can check, under a lenient and a strict criterion',
  description:
    'Features are random unit vectors in a d_resid-dimensional residual stream; a rank-d_head bilinear form (W_Q φ_i)·(W_K φ_j) is fitted to score K target pairs (i, j) above the rest. The capacity K* is the largest K fitted under each criterion: lenient (95% of targets above one threshold and 95% of non-targets below) and strict (for every query feature, every target key above every non-target key, as a low-temperature softmax needs). The post predicts Θ(d_head·d_resid), against d_head for the naive construction.',
  module: import.meta.url,
  config,
  profiles: {
    quick: { seed: 0, repeats: 1, dResids: [8, 12], dHeads: [2, 4], featuresPerDims: [2, 3], accuracy: 0.95, steps: 80, learningRate: 0.05, searchRounds: 2, resamples: 200 },
    full: { seed: 0, repeats: 2, dResids: [16, 32], dHeads: [2, 4, 8], featuresPerDims: [2, 4], accuracy: 0.95, steps: 500, learningRate: 0.05, searchRounds: 6, resamples: 2000 },
  },
  result,
  timeLimitSeconds: { quick: 60, full: 1200 },
  // One unit per (criterion, repeat, d_resid, features, d_head): a bisection for that cell's capacity.
  unitGrid: ['repeats', 'dResids', 'featuresPerDims', 'dHeads'],
  units: (cfg) =>
    CRITERIA.flatMap((criterion) =>
      Array.from({ length: cfg.repeats }, (_, rep) =>
        cfg.dResids.flatMap((dResid) =>
          cfg.featuresPerDims.flatMap((featuresPerDim) =>
            cfg.dHeads.map((dHead) => ({ label: `${criterion}/rep${rep}/r${dResid}/f${featuresPerDim}/h${dHead}`, criterion, rep, dResid, featuresPerDim, dHead })),
          ),
        ),
      ).flat(),
    ),
  async runUnit(cfg, { criterion, rep, dResid, featuresPerDim, dHead }, ctx) {
    const n = Math.round(featuresPerDim * dResid);
    const phi = randomUnitVectors(ctx.rng(`features/${rep}/${dResid}/${featuresPerDim}`), n, dResid);
    const rng = ctx.rng(`fit/${criterion}/${rep}/${dResid}/${featuresPerDim}/${dHead}`);
    const bar = ctx.progress(`${criterion}, rep ${rep}, d_resid ${dResid}, n ${n}, d_head ${dHead}: fits`, cfg.searchRounds);
    // Bisection on log K between a K that is surely checkable and one that surely is not (the strict search
    // starts lower: its capacity can fall below the naive d_head).
    let lo = criterion === 'strict' ? 1 : Math.max(1, dHead);
    let hi = Math.min(n * n - 1, 8 * dHead * dResid);
    let falsePairs = 0;
    for (let round = 0; round < cfg.searchRounds; round++) {
      ctx.signal.throwIfAborted();
      const mid = Math.round(Math.sqrt(lo * hi));
      if (mid <= lo || mid >= hi) break;
      const target = randomTargets(rng, n, mid);
      const z = fitScores(ctx.tf, rng, phi, n, dResid, dHead, target, cfg.steps, cfg.learningRate, criterion === 'strict');
      let pass: boolean;
      if (criterion === 'strict') pass = strictlySeparated(z, target, n);
      else {
        const h = lenientHitRates(z, target);
        pass = Math.min(h.targets, h.nonTargets) >= cfg.accuracy;
        if (pass) falsePairs = Math.round((1 - h.nonTargets) * (n * n - mid));
      }
      if (pass) lo = mid;
      else hi = mid;
      bar.tick();
    }
    bar.done();
    return { criterion, dResid, dHead, features: n, featuresPerDim, repeat: rep, capacity: lo, falsePairs, naive: dHead };
  },
  merge(cfg, rows, rng) {
    const of = (c: Criterion) => rows.filter((r) => r.criterion === c);
    const summarise = (c: Criterion) => summariseCriterion(of(c), rng(`bootstrap/${c}`), cfg.resamples);
    const key = (r: (typeof rows)[number]) => `${r.repeat}/${r.dResid}/${r.features}/${r.dHead}`;
    const lenientBy = new Map(of('lenient').map((r) => [key(r), r.capacity]));
    const ratios = of('strict').map((r) => r.capacity / lenientBy.get(key(r))!);
    return { rows, lenient: summarise('lenient'), strict: summarise('strict'), strictOverLenient: ratios.reduce((s, v) => s + v, 0) / ratios.length };
  },
});

type CapacityRow = { dHead: number; dResid: number; features: number; capacity: number; falsePairs: number };

/** Fit, bootstrap intervals and ratios for one criterion's cells. */
export function summariseCriterion(rows: CapacityRow[], rng: Rng, resamples: number) {
  const varies = (f: (r: CapacityRow) => number) => new Set(rows.map(f)).size > 1;
  const useResid = varies((r) => r.dResid);
  // n varies independently of d_resid only when some d_resid has more than one n.
  const useFeatures = varies((r) => r.features / r.dResid);
  const coef = (idx: ArrayLike<number>) => logLogFit(Array.from(idx, (i) => rows[i]), useResid, useFeatures);
  const full = coef(rows.map((_, i) => i));
  const boot = (k: number) => {
    const b = bootstrapInterval(rows.length, (idx) => coef(idx)[k], rng, { resamples });
    return { estimate: full[k], lo: b.lo, hi: b.hi };
  };
  const cols = 2 + (useResid ? 1 : 0) + (useFeatures ? 1 : 0);
  const mean = (f: (r: CapacityRow) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
  return {
    fit: { dHeadExponent: boot(1), dResidExponent: useResid ? boot(2) : null, featuresExponent: useFeatures ? boot(cols - 1) : null },
    bigramsPerParameterPair: mean((r) => r.capacity / (r.dHead * r.dResid)),
    minRatioToNaive: Math.min(...rows.map((r) => r.capacity / r.dHead)),
    meanRatioToNaive: mean((r) => r.capacity / r.dHead),
    falsePairsPerTarget: mean((r) => r.falsePairs / r.capacity),
  };
}

/**
 * Least squares of log K* on [1, log d_head, (log d_resid), (log n)]; returns the coefficients in that order
 * (NaN where the resampled design is singular).
 */
export function logLogFit(rows: CapacityRow[], useResid: boolean, useFeatures: boolean): number[] {
  const X = rows.map((r) => [1, Math.log(r.dHead), ...(useResid ? [Math.log(r.dResid)] : []), ...(useFeatures ? [Math.log(r.features)] : [])]);
  const y = rows.map((r) => Math.log(r.capacity));
  const p = X[0].length;
  const G = new Array(p * p).fill(0);
  const rhs = new Array(p).fill(0);
  X.forEach((row, k) => row.forEach((a, i) => {
    rhs[i] += a * y[k];
    row.forEach((b, j) => (G[i * p + j] += a * b));
  }));
  // A resample that repeats too few distinct cells leaves the design singular: no estimate from it.
  for (let i = 0; i < p; i++) G[i * p + i] += 1e-9;
  try {
    const c = choleskySolve(G, p, rhs, 1);
    return c.every(Number.isFinite) ? Array.from(c) : new Array(p).fill(NaN);
  } catch {
    return new Array(p).fill(NaN);
  }
}
