import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { randomUnitVectors } from '../lib/unitVectors';
import { bootstrapInterval } from '../lib/bootstrap';
import { fitLine } from '../lib/fits';
import { quantileSorted } from '../lib/stats';
import { streamFor, type Rng } from '../runtime/rng';

/**
 * Jake Mendel's construction for random token vectors (comment of 2024-01-24): W_QK = λP, with P the projection
 * onto a d_head-dimensional subspace and λ = d_resid/d_head (so a token's score with itself is about 1), then the
 * softmax temperature to zero. A query token then attends to the position carrying the same token when its score
 * with itself beats its score with every other token. Token vectors are isotropic, so a random subspace is, in
 * distribution, the span of the first d_head coordinates: one pass over the coordinates gives every d_head at once.
 *
 * Three measurements:
 * - tokens (mutually exclusive features, one per position): the smallest d_head from which every token wins its own
 *   argmax, against the number of tokens n and d_resid; the errors the argmax tolerates there (largest off-target
 *   score, RMS error) against the d_head that ε-accuracy would need; the temperature that makes the softmax hard;
 * - co-occurring features (s per position, the query attending to the key that shares one of its features): the
 *   share of contexts in which the target key wins, against d_head and s;
 * - ties (s ≥ 2, two keys each sharing a different feature with the query): whether one temperature both keeps
 *   non-target keys below a small attention mass and splits the attention between the two targets evenly.
 */
const config = z
  .object({
    /** Base seed: token vectors and contexts draw from streams of it. */
    seed: z.number().int().nonnegative(),
    /** Independent draws of token vectors per (n, d_resid), and per (d_resid, s) for the context measurements. */
    repeats: z.number().int().min(1).max(20),
    /** Numbers of tokens n (token vectors are random unit vectors of R^d_resid). */
    tokens: z.array(z.number().int().min(4).max(4096)).min(2),
    /** Residual widths. */
    dResids: z.array(z.number().int().min(8).max(512)).min(1),
    /** ε of ε-accuracy, for comparison with the argmax criterion: every score within ε of its 0/1 target. */
    epsilon: z.number().positive().lt(1),
    /** Hard attention: the largest attention mass left on non-target keys. */
    nonTargetMass: z.number().positive().lt(0.5),
    /** Co-occurring features: features per position to test (1 is the token case). */
    featuresPerPosition: z.array(z.number().int().min(1).max(8)).min(1),
    /** Co-occurring features: size of the feature dictionary. */
    contextFeatures: z.number().int().min(16).max(100000),
    /** Co-occurring features: keys per context, and contexts per draw. */
    contextLength: z.number().int().min(3).max(1024),
    contexts: z.number().int().min(10).max(100000),
    /** Co-occurring features: a d_head works when the target wins in at least this share of contexts. */
    successRate: z.number().gt(0.5).lte(1),
    /** Ties: the most the two targets' attention weights may differ by (a ratio). */
    tieRatio: z.number().gt(1),
    /** Bootstrap resamples for the intervals on the fitted growth of d_head with n. */
    resamples: z.number().int().min(100).max(5000),
  })
  .strict();

const interval = z.object({ estimate: z.number(), lo: z.number(), hi: z.number() });

const result = z.object({
  /** One row per (d_resid, n, repeat): the token construction. */
  tokens: z.array(z.object({
    dResid: z.number().int(),
    n: z.number().int(),
    repeat: z.number().int(),
    /** Smallest d_head from which (for it and every larger one) every token's own score beats every other. */
    kArgmax: z.number().int(),
    /** Smallest d_head from which every score is within ε of its target (null: not even at d_head = d_resid). */
    kEpsilon: z.number().int().nullable(),
    /** At d_head = kArgmax: the largest off-target score (target 0) and the RMS error over all scores. */
    maxOffTarget: z.number(),
    rmsError: z.number(),
    /** At d_head = kArgmax: the smallest margin, own score minus the best other, over queries. */
    minMargin: z.number(),
    /** At d_head = kArgmax: the largest temperature at which every query keeps ≤ nonTargetMass off its own token (all n tokens present). */
    hardTemperature: z.number(),
    /** At d_head = d_resid: the largest off-target score (plain dot products of the token vectors). */
    maxOffTargetFull: z.number(),
  })),
  /** Per d_resid: kArgmax = a + b·ln n, with a 95% bootstrap interval on b (draws resampled), and the log-log slope of kArgmax on n. */
  growth: z.array(z.object({
    dResid: z.number().int(),
    perLogTokens: interval,
    logLogSlope: interval,
    /** Mean kArgmax at the largest n. */
    kAtLargest: z.number(),
  })),
  /** Mean kArgmax at the largest n: largest d_resid over smallest (1 if d_head does not depend on d_resid). */
  residRatioAtLargest: z.number(),
  /** Over all rows: smallest largest-off-target score at kArgmax (how large an error the argmax tolerates). */
  minMaxOffTarget: z.number(),
  /** Means over rows at kArgmax: the largest off-target score and the RMS error; and the largest off-target score at d_head = d_resid. */
  meanMaxOffTarget: z.number(),
  meanRmsError: z.number(),
  meanMaxOffTargetFull: z.number(),
  /** Over rows: the hard temperature at kArgmax (target score ≈ 1), smallest and median. */
  hardTemperature: z.object({ min: z.number(), median: z.number() }),
  /** Share of rows where ε-accuracy is reached at some d_head ≤ d_resid. */
  epsilonReachable: z.number(),
  /** Mean kEpsilon / kArgmax over rows where both exist (NaN when none). */
  epsilonOverArgmax: z.number().nullable(),
  /** Mean over rows of (largest off-target score)/(RMS error) at kArgmax, and the Gaussian-extreme prediction √(2 ln(n(n−1))) averaged alike. */
  maxOverRms: z.number(),
  maxOverRmsGaussian: z.number(),
  /** One row per (d_resid, s, repeat): co-occurring features. */
  cooccur: z.array(z.object({
    dResid: z.number().int(),
    s: z.number().int(),
    repeat: z.number().int(),
    /** Smallest d_head from which the target wins in at least `successRate` of contexts (null: never, even at d_resid). */
    kSuccess: z.number().int().nullable(),
    /** Share of contexts the target wins at d_head = d_resid / 4, d_resid / 2 and d_resid. */
    winQuarter: z.number(),
    winHalf: z.number(),
    winFull: z.number(),
    /** Ties (s ≥ 2; null for s = 1, where the tied keys carry the same vector): at d_head = d_resid, share of contexts with both targets above every non-target, and share where one temperature also splits them within tieRatio. */
    tiesRanked: z.number().nullable(),
    tiesSplit: z.number().nullable(),
  })),
  /** Per (d_resid, s), means over repeats: the share of contexts won at full width. */
  cooccurSummary: z.array(z.object({ dResid: z.number().int(), s: z.number().int(), winFull: z.number(), winHalf: z.number(), kSuccessFound: z.number(), tiesRanked: z.number().nullable(), tiesSplit: z.number().nullable() })),
});
export type AttentionProjectionResult = z.output<typeof result>;

/** Token vectors as Float64 rows. */
function tokenVectors(rng: Rng, n: number, d: number): Float64Array {
  return Float64Array.from(randomUnitVectors(rng, n, d));
}

/** The smallest k in 1…d from which `ok` holds for k and every larger k (null when it fails at d). */
export function firstFromWhichAlways(ok: ArrayLike<number | boolean>, d: number): number | null {
  if (!ok[d]) return null;
  let k = d;
  while (k > 1 && ok[k - 1]) k--;
  return k;
}

/** Gram matrix of the first k coordinates of the rows of t (n×d), times λ. */
export function projectedScores(t: Float64Array, n: number, d: number, k: number, lam: number): Float64Array {
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let v = 0;
      for (let c = 0; c < k; c++) v += t[i * d + c] * t[j * d + c];
      S[i * n + j] = S[j * n + i] = lam * v;
    }
  }
  return S;
}

/**
 * The largest temperature τ at which every query i, among keys carrying all n tokens once, puts at most `mass`
 * of its softmax(S_i·/τ) attention off its own token (0 when some query's own score is not its strict maximum).
 */
export function hardTemperature(S: Float64Array, n: number, mass: number): number {
  /** Query i's attention mass off its own token at temperature τ. */
  const offMass = (i: number, tau: number) => {
    const own = S[i * n + i];
    let rest = 0;
    for (let j = 0; j < n; j++) if (j !== i) rest += Math.exp((S[i * n + j] - own) / tau);
    return rest / (1 + rest);
  };
  const worstOff = (tau: number) => {
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, offMass(i, tau));
    return worst;
  };
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (j !== i && S[i * n + j] >= S[i * n + i]) return 0;
  // Every off-target score is now below its own, so with finite scores every mass is a finite number and
  // worstOff(τ) ≤ mass exactly when no query's mass exceeds it: a check can stop at the first query over, and the
  // last one over is tried first. Otherwise (NaN scores) the maximum decides, as it did.
  let finite = true;
  for (let t = 0; t < S.length; t++) if (!Number.isFinite(S[t])) finite = false;
  let lastOver = 0;
  const within = (tau: number): boolean => {
    if (!finite) return worstOff(tau) <= mass;
    if (!(offMass(lastOver, tau) <= mass)) return false;
    for (let i = 0; i < n; i++) {
      if (i !== lastOver && !(offMass(i, tau) <= mass)) {
        lastOver = i;
        return false;
      }
    }
    return true;
  };
  // Off-target mass rises with τ: bisect log τ.
  let lo = 1e-6;
  let hi = 1e3;
  if (finite ? !within(lo) : worstOff(lo) > mass) return 0;
  for (let it = 0; it < 50; it++) {
    const mid = Math.sqrt(lo * hi);
    if (within(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

export interface TokenScan {
  kArgmax: number;
  kEpsilon: number | null;
  maxOffTarget: number;
  rmsError: number;
  minMargin: number;
  hardTemperature: number;
  maxOffTargetFull: number;
}

/**
 * Scan d_head = k = 1…d for n token vectors (rows of `t`, n×d): scores s_ij = (d/k)·⟨P_k t_i, P_k t_j⟩, P_k the
 * projection on the first k coordinates; target 1 on the diagonal, 0 off it.
 */
export function scanTokens(t: Float64Array, n: number, d: number, epsilon: number, nonTargetMass: number): TokenScan {
  const G = new Float64Array(n * n);
  const argmaxOk = new Uint8Array(d + 1);
  const epsOk = new Uint8Array(d + 1);
  const maxOff = new Float64Array(d + 1);
  const rms = new Float64Array(d + 1);
  const margin = new Float64Array(d + 1);
  for (let k = 1; k <= d; k++) {
    const c = k - 1;
    for (let i = 0; i < n; i++) {
      const ti = t[i * d + c];
      const row = i * n;
      for (let j = 0; j < n; j++) G[row + j] += ti * t[j * d + c];
    }
    const lam = d / k;
    let worstMargin = Infinity;
    let maxErr = 0;
    let off = -Infinity;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const own = lam * G[i * n + i];
      let best = -Infinity;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const v = lam * G[i * n + j];
        if (v > best) best = v;
        const a = Math.abs(v);
        if (a > maxErr) maxErr = a;
        sq += v * v;
      }
      maxErr = Math.max(maxErr, Math.abs(own - 1));
      sq += (own - 1) ** 2;
      off = Math.max(off, best);
      worstMargin = Math.min(worstMargin, own - best);
    }
    argmaxOk[k] = worstMargin > 0 ? 1 : 0;
    epsOk[k] = maxErr <= epsilon ? 1 : 0;
    maxOff[k] = off;
    rms[k] = Math.sqrt(sq / (n * n));
    margin[k] = worstMargin;
  }
  const kArgmax = firstFromWhichAlways(argmaxOk, d) ?? d;
  return {
    kArgmax,
    kEpsilon: firstFromWhichAlways(epsOk, d),
    maxOffTarget: maxOff[kArgmax],
    rmsError: rms[kArgmax],
    minMargin: margin[kArgmax],
    hardTemperature: hardTemperature(projectedScores(t, n, d, kArgmax, d / kArgmax), n, nonTargetMass),
    maxOffTargetFull: maxOff[d],
  };
}

export interface ContextScan {
  /** Share of contexts the single target wins, per d_head k = 1…d (index k). */
  win: Float64Array;
  tiesRanked: number | null;
  tiesSplit: number | null;
}

/**
 * Co-occurring features: each position carries the sum of s distinct features (rows of `f`, m×d). A context is a
 * query and T keys; key 0 shares exactly one feature with the query, the others none. Score (d/k)·⟨P_k x_q, P_k x⟩.
 * Ties (s ≥ 2): keys 0 and 1 share one different query feature each; at k = d, whether both beat every other key,
 * and whether some temperature keeps the others' attention mass ≤ `mass` while the two targets' weights differ by
 * at most the factor `tieRatio`.
 */
export function scanContexts(rng: Rng, f: Float64Array, m: number, d: number, s: number, T: number, contexts: number, mass: number, tieRatio: number): ContextScan {
  const wins = new Float64Array(d + 1);
  const q = new Float64Array(d);
  const keys = new Float64Array(T * d);
  const scores = new Float64Array(T);
  const addFeature = (into: Float64Array, at: number, a: number) => {
    for (let c = 0; c < d; c++) into[at + c] += f[a * d + c];
  };
  // Draw a context: query features, then each key's features avoiding the query's (except the shared ones).
  const draw = (shared: number) => {
    q.fill(0);
    keys.fill(0);
    const qFeatures = rng.sampleDistinct(m, s);
    for (const a of qFeatures) addFeature(q, 0, a);
    for (let key = 0; key < T; key++) {
      const own = key < shared ? [qFeatures[key]] : [];
      const others = rng.sampleDistinct(m, s - own.length, qFeatures);
      for (const a of [...own, ...others]) addFeature(keys, key * d, a);
    }
  };
  for (let ctx = 0; ctx < contexts; ctx++) {
    draw(1);
    scores.fill(0);
    for (let k = 1; k <= d; k++) {
      const c = k - 1;
      let best = -Infinity;
      for (let key = 0; key < T; key++) {
        scores[key] += q[c] * keys[key * d + c];
        if (key > 0 && scores[key] > best) best = scores[key];
      }
      if (scores[0] > best) wins[k] += 1;
    }
  }
  for (let k = 1; k <= d; k++) wins[k] /= contexts;
  let ranked = 0;
  let split = 0;
  if (s >= 2) {
    for (let ctx = 0; ctx < contexts; ctx++) {
      draw(2);
      for (let key = 0; key < T; key++) {
        let v = 0;
        for (let c = 0; c < d; c++) v += q[c] * keys[key * d + c];
        scores[key] = v;
      }
      const verdict = tieVerdict(scores, mass, tieRatio);
      ranked += verdict.ranked ? 1 : 0;
      split += verdict.split ? 1 : 0;
    }
  }
  return { win: wins, tiesRanked: s >= 2 ? ranked / contexts : null, tiesSplit: s >= 2 ? split / contexts : null };
}

/**
 * Two targets (scores[0], scores[1]) and T − 2 others. `ranked`: both targets above every other. `split`: some
 * temperature τ has the others' attention mass ≤ `mass` and the targets' weights within `tieRatio`; the ratio
 * e^{|Δ|/τ} needs τ ≥ |Δ|/ln(tieRatio), and the others' mass falls as τ falls, so test τ = |Δ|/ln(tieRatio).
 */
export function tieVerdict(scores: Float64Array, mass: number, tieRatio: number): { ranked: boolean; split: boolean } {
  const [a, b] = [scores[0], scores[1]];
  let best = -Infinity;
  for (let key = 2; key < scores.length; key++) best = Math.max(best, scores[key]);
  const ranked = Math.min(a, b) > best;
  if (!ranked) return { ranked, split: false };
  const delta = Math.abs(a - b);
  if (delta === 0) return { ranked, split: true };
  const tau = delta / Math.log(tieRatio);
  const top = Math.max(a, b);
  let targets = 0;
  let others = 0;
  for (let key = 0; key < scores.length; key++) {
    const w = Math.exp((scores[key] - top) / tau);
    if (key < 2) targets += w;
    else others += w;
  }
  return { ranked, split: others / (targets + others) <= mass };
}

type TokenUnit = { label: string; kind: 'tokens'; rep: number; n: number; dResid: number };
type ContextUnit = { label: string; kind: 'contexts'; rep: number; dResid: number; s: number };
type Partial =
  | ({ kind: 'tokens'; dResid: number; n: number; repeat: number } & TokenScan)
  | { kind: 'contexts'; dResid: number; s: number; repeat: number; kSuccess: number | null; winQuarter: number; winHalf: number; winFull: number; tiesRanked: number | null; tiesSplit: number | null };

export const attentionProjection = defineExperiment({
  id: 'attention-token-projection',
  title: "The comment's attention construction for random tokens: how d_head grows with the number of tokens",
  description:
    'W_QK = (d_resid/d_head)·P with P a projection onto a d_head-dimensional subspace, for n random token vectors; the softmax at low temperature attends to the key carrying the query\'s own token when its score beats every other. Measures the smallest such d_head against n and d_resid, the errors the argmax tolerates against ε-accuracy, the temperature needed, and what happens when several features share a position (co-occurring features, ties).',
  module: import.meta.url,
  config,
  profiles: {
    quick: { seed: 0, repeats: 2, tokens: [32, 64, 128], dResids: [24, 32], epsilon: 0.25, nonTargetMass: 0.05, featuresPerPosition: [1, 2, 3, 4], contextFeatures: 256, contextLength: 16, contexts: 200, successRate: 0.99, tieRatio: 2, resamples: 200 },
    full: { seed: 0, repeats: 5, tokens: [64, 128, 256, 512, 1024, 2048], dResids: [64, 128], epsilon: 0.25, nonTargetMass: 0.05, featuresPerPosition: [1, 2, 3, 4], contextFeatures: 2048, contextLength: 32, contexts: 2000, successRate: 0.99, tieRatio: 2, resamples: 2000 },
  },
  result,
  timeLimitSeconds: { quick: 60, full: 900 },
  unitGrid: ['repeats', 'tokens', 'dResids', 'featuresPerPosition'],
  units: (cfg): (TokenUnit | ContextUnit)[] => [
    // Largest first, so the long units start early on both cores.
    ...[...cfg.tokens].sort((a, b) => b - a).flatMap((n) =>
      cfg.dResids.flatMap((dResid) => Array.from({ length: cfg.repeats }, (_, rep) => ({ label: `tokens/n${n}/r${dResid}/rep${rep}`, kind: 'tokens' as const, rep, n, dResid }))),
    ),
    ...cfg.dResids.flatMap((dResid) =>
      cfg.featuresPerPosition.flatMap((s) => Array.from({ length: cfg.repeats }, (_, rep) => ({ label: `contexts/r${dResid}/s${s}/rep${rep}`, kind: 'contexts' as const, rep, dResid, s }))),
    ),
  ],
  async runUnit(cfg, unit, ctx): Promise<Partial> {
    ctx.signal.throwIfAborted();
    if (unit.kind === 'tokens') {
      const t = tokenVectors(ctx.rng(`tokens/${unit.n}/${unit.dResid}/${unit.rep}`), unit.n, unit.dResid);
      return { kind: 'tokens', dResid: unit.dResid, n: unit.n, repeat: unit.rep, ...scanTokens(t, unit.n, unit.dResid, cfg.epsilon, cfg.nonTargetMass) };
    }
    const rng = ctx.rng(`contexts/${unit.dResid}/${unit.s}/${unit.rep}`);
    const f = tokenVectors(rng.child('features'), cfg.contextFeatures, unit.dResid);
    const scan = scanContexts(rng.child('draws'), f, cfg.contextFeatures, unit.dResid, unit.s, cfg.contextLength, cfg.contexts, cfg.nonTargetMass, cfg.tieRatio);
    const d = unit.dResid;
    return {
      kind: 'contexts',
      dResid: d,
      s: unit.s,
      repeat: unit.rep,
      kSuccess: firstFromWhichAlways(Array.from(scan.win, (w) => (w >= cfg.successRate ? 1 : 0)), d),
      winQuarter: scan.win[Math.max(1, Math.round(d / 4))],
      winHalf: scan.win[Math.round(d / 2)],
      winFull: scan.win[d],
      tiesRanked: scan.tiesRanked,
      tiesSplit: scan.tiesSplit,
    };
  },
  merge(cfg, partials) {
    const tokens = partials.flatMap(({ kind, ...r }) => (kind === 'tokens' ? [r as Omit<Extract<Partial, { kind: 'tokens' }>, 'kind'>] : []));
    const cooccur = partials.flatMap(({ kind, ...r }) => (kind === 'contexts' ? [r as Omit<Extract<Partial, { kind: 'contexts' }>, 'kind'>] : []));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const largest = Math.max(...cfg.tokens);
    const growth = cfg.dResids.map((dResid) => {
      const rows = tokens.filter((r) => r.dResid === dResid);
      // merge() has no run context: this is the stream ctx.rng(label) would give.
      const rng = streamFor(cfg.seed, `bootstrap/${dResid}`);
      const slope = (idx: ArrayLike<number>, x: (n: number) => number, y: (k: number) => number) => fitLine(Array.from(idx, (i) => x(rows[i].n)), Array.from(idx, (i) => y(rows[i].kArgmax))).slope;
      const perLog = (idx: ArrayLike<number>) => slope(idx, Math.log, (k) => k);
      const logLog = (idx: ArrayLike<number>) => slope(idx, Math.log, Math.log);
      const all = rows.map((_, i) => i);
      const ci = (f: (idx: ArrayLike<number>) => number) => {
        const b = bootstrapInterval(rows.length, f, rng, { resamples: cfg.resamples });
        return { estimate: f(all), lo: b.lo, hi: b.hi };
      };
      return { dResid, perLogTokens: ci(perLog), logLogSlope: ci(logLog), kAtLargest: mean(rows.filter((r) => r.n === largest).map((r) => r.kArgmax)) };
    });
    const both = tokens.filter((r) => r.kEpsilon !== null);
    const cooccurSummary = cfg.dResids.flatMap((dResid) =>
      cfg.featuresPerPosition.map((s) => {
        const rows = cooccur.filter((r) => r.dResid === dResid && r.s === s);
        return {
          dResid,
          s,
          winFull: mean(rows.map((r) => r.winFull)),
          winHalf: mean(rows.map((r) => r.winHalf)),
          kSuccessFound: mean(rows.map((r) => (r.kSuccess === null ? 0 : 1))),
          tiesRanked: s >= 2 ? mean(rows.map((r) => r.tiesRanked!)) : null,
          tiesSplit: s >= 2 ? mean(rows.map((r) => r.tiesSplit!)) : null,
        };
      }),
    );
    return {
      tokens,
      growth,
      residRatioAtLargest: growth[growth.length - 1].kAtLargest / growth[0].kAtLargest,
      minMaxOffTarget: Math.min(...tokens.map((r) => r.maxOffTarget)),
      meanMaxOffTarget: mean(tokens.map((r) => r.maxOffTarget)),
      meanRmsError: mean(tokens.map((r) => r.rmsError)),
      meanMaxOffTargetFull: mean(tokens.map((r) => r.maxOffTargetFull)),
      hardTemperature: { min: Math.min(...tokens.map((r) => r.hardTemperature)), median: quantileSorted(tokens.map((r) => r.hardTemperature).sort((a, b) => a - b), 0.5) },
      epsilonReachable: both.length / tokens.length,
      epsilonOverArgmax: both.length ? mean(both.map((r) => r.kEpsilon! / r.kArgmax)) : null,
      maxOverRms: mean(tokens.map((r) => r.maxOffTarget / r.rmsError)),
      maxOverRmsGaussian: mean(tokens.map((r) => Math.sqrt(2 * Math.log(r.n * (r.n - 1))))),
      cooccur,
      cooccurSummary,
    };
  },
});
