import { z } from 'zod';
import type { Tf } from '../runtime/backend';
import { defineExperiment } from '../runtime/experiment';
import { choleskySolve } from '../lib/linalg';
import { randomUnitVectors } from '../lib/unitVectors';
import type { Rng } from '../runtime/rng';

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
    /** Number of features, as a multiple of d_resid (above 1 means features are in superposition). */
    featuresPerDim: z.number().min(1).max(8),
    /** A target set of K bigrams counts as checked when both the hit rate on targets and on non-targets reach this. */
    accuracy: z.number().gt(0.5).lt(1),
    /** Adam steps per fit, and its learning rate. */
    steps: z.number().int().min(10),
    learningRate: z.number().positive(),
    /** Bisection rounds on log K per (d_resid, d_head). */
    searchRounds: z.number().int().min(2).max(12),
  })
  .strict();

const result = z.object({
  rows: z.array(z.object({
    dResid: z.number().int(),
    dHead: z.number().int(),
    features: z.number().int(),
    repeat: z.number().int(),
    /** Largest K found that the fitted low-rank W_QK checks at the required accuracy. */
    capacity: z.number(),
    /** The naive construction: one head dimension per bigram. */
    naive: z.number(),
  })),
  /** Least-squares fit log K* = a + b·log(d_head) + c·log(d_resid) over all rows; Θ(d_head·d_resid) predicts b = c = 1. */
  fit: z.object({ intercept: z.number(), dHeadExponent: z.number(), dResidExponent: z.number().nullable() }),
  /** Mean over repeats of K* / (d_head·d_resid). */
  bigramsPerParameterPair: z.number(),
  /** Smallest K* / d_head over all rows: how far the fitted head beats the naive construction. */
  minRatioToNaive: z.number(),
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

/**
 * Fit score(i, j) = (W_Q φ_i)·(W_K φ_j) + b to a 0/1 target matrix by class-balanced logistic loss;
 * return the worse of the hit rates on targets and on non-targets.
 */
export function fitAccuracy(tf: Tf, rng: Rng, phi: Float32Array, n: number, dResid: number, dHead: number, target: Float32Array, steps: number, lr: number): number {
  const K = target.reduce((s, v) => s + v, 0);
  return tf.tidy(() => {
    const P = tf.tensor2d(phi, [n, dResid]);
    const Y = tf.tensor2d(target, [n, n]);
    const wPos = Y.div(K);
    const wNeg = tf.scalar(1).sub(Y).div(n * n - K);
    const scale = 1 / Math.sqrt(dHead);
    const WQ = tf.variable(tf.tensor2d(rng.fillNormal(new Float32Array(dResid * dHead)), [dResid, dHead]).mul(scale));
    const WK = tf.variable(tf.tensor2d(rng.fillNormal(new Float32Array(dResid * dHead)), [dResid, dHead]).mul(scale));
    const b = tf.variable(tf.scalar(0));
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
    const z = scores().dataSync();
    let hitPos = 0;
    let hitNeg = 0;
    for (let c = 0; c < n * n; c++) {
      if (target[c]) hitPos += z[c] > 0 ? 1 : 0;
      else hitNeg += z[c] <= 0 ? 1 : 0;
    }
    opt.dispose();
    [WQ, WK, b].forEach((v) => v.dispose());
    return Math.min(hitPos / K, hitNeg / (n * n - K));
  });
}

export const qkBigramCapacity = defineExperiment({
  id: 'qk-bigram-capacity',
  title: 'How many skip feature-bigrams a low-rank W_QK can check',
  description:
    'Features are random unit vectors in a d_resid-dimensional residual stream; a rank-d_head bilinear form (W_Q φ_i)·(W_K φ_j) is fitted to score K target pairs (i, j) above zero and all others below. The capacity K* is the largest K fitted at the required accuracy; the post predicts Θ(d_head·d_resid), against d_head for the naive construction.',
  module: import.meta.url,
  config,
  profiles: {
    quick: { seed: 0, repeats: 1, dResids: [12, 16], dHeads: [2, 4], featuresPerDim: 2, accuracy: 0.95, steps: 300, learningRate: 0.05, searchRounds: 4 },
    full: { seed: 0, repeats: 3, dResids: [16, 32, 48], dHeads: [2, 4, 8], featuresPerDim: 2, accuracy: 0.95, steps: 500, learningRate: 0.05, searchRounds: 6 },
  },
  result,
  timeLimitSeconds: { quick: 60, full: 400 },
  // One unit per (repeat, d_resid, d_head): a bisection for that cell's capacity.
  unitGrid: ['repeats', 'dResids', 'dHeads'],
  units: (cfg) =>
    Array.from({ length: cfg.repeats }, (_, rep) =>
      cfg.dResids.flatMap((dResid) => cfg.dHeads.map((dHead) => ({ label: `rep${rep}/r${dResid}/h${dHead}`, rep, dResid, dHead }))),
    ).flat(),
  async runUnit(cfg, { rep, dResid, dHead }, ctx) {
    const n = Math.round(cfg.featuresPerDim * dResid);
    const phi = randomUnitVectors(ctx.rng(`features/${rep}/${dResid}`), n, dResid);
    const rng = ctx.rng(`fit/${rep}/${dResid}/${dHead}`);
    const bar = ctx.progress(`rep ${rep}, d_resid ${dResid}, d_head ${dHead}: fits`, cfg.searchRounds);
    // Bisection on log K between a K that is surely checkable and one that surely is not.
    let lo = Math.max(1, dHead);
    let hi = Math.min(n * n - 1, 8 * dHead * dResid);
    for (let round = 0; round < cfg.searchRounds; round++) {
      ctx.signal.throwIfAborted();
      const mid = Math.round(Math.sqrt(lo * hi));
      if (mid <= lo || mid >= hi) break;
      const acc = fitAccuracy(ctx.tf, rng, phi, n, dResid, dHead, randomTargets(rng, n, mid), cfg.steps, cfg.learningRate);
      if (acc >= cfg.accuracy) lo = mid;
      else hi = mid;
      bar.tick();
    }
    bar.done();
    return { dResid, dHead, features: n, repeat: rep, capacity: lo, naive: dHead };
  },
  merge(cfg, rows) {
    const fit = logLogFit(rows);
    const bigramsPerParameterPair = rows.reduce((s, r) => s + r.capacity / (r.dHead * r.dResid), 0) / rows.length;
    const minRatioToNaive = Math.min(...rows.map((r) => r.capacity / r.naive));
    return { rows, fit, bigramsPerParameterPair, minRatioToNaive };
  },
});

/** Least squares of log K* on [1, log d_head, log d_resid] (falls back to d_head alone with one d_resid). */
function logLogFit(rows: { dHead: number; dResid: number; capacity: number }[]) {
  const X = rows.map((r) => [1, Math.log(r.dHead), Math.log(r.dResid)]);
  const y = rows.map((r) => Math.log(r.capacity));
  const oneResid = new Set(rows.map((r) => r.dResid)).size === 1;
  const cols = oneResid ? [0, 1] : [0, 1, 2];
  const p = cols.length;
  const G = new Array(p * p).fill(0);
  const rhs = new Array(p).fill(0);
  X.forEach((row, k) => cols.forEach((a, i) => {
    rhs[i] += row[a] * y[k];
    cols.forEach((b, j) => (G[i * p + j] += row[a] * row[b]));
  }));
  const coef = choleskySolve(G, p, rhs, 1);
  return { intercept: coef[0], dHeadExponent: coef[1], dResidExponent: oneResid ? null : coef[2] };
}
