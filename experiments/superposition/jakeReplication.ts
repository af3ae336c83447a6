import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { affineBaseline } from './affineBaseline';
import type { Rng } from '../runtime/rng';
import { histogram, meanSdWithValues as meanSd, meanSdValuesSchema } from '../lib/stats';
import { summarizeErrors, type ErrorSummary } from './errorStats';
import { naturalLeastSquares } from './naturalLeastSquares';
import { gaussianLayer } from './randomLayer';
import { choosePairs } from './sparseInputs';
import { forward, trainNetwork, type TwoLayerNet } from './trainReadoffs';

const FNS = ['and', 'xor'] as const;
type Fn = (typeof FNS)[number];
const CONDITIONS = ['trained', 'frozen', 'leastSquares'] as const;
type Condition = (typeof CONDITIONS)[number];
const target = (fn: Fn, a: number, b: number) => (fn === 'and' ? a & b : a ^ b);

/** Each feature on independently with probability q; x is n×m, row-major. */
export function fillBernoulli(rng: Rng, q: number, x: Float32Array): void {
  for (let t = 0; t < x.length; t++) x[t] = rng.uniform() < q ? 1 : 0;
}

/** The pairs that touch each feature, as one list grouped by feature (CSR): feature l's are touching[start[l] … start[l+1]). */
function pairsByFeature(m: number, pi: Int32Array, pj: Int32Array): { start: Int32Array; touching: Int32Array } {
  const k = pi.length;
  const start = new Int32Array(m + 1);
  for (let o = 0; o < k; o++) start[pi[o] + 1]++, start[pj[o] + 1]++;
  for (let l = 0; l < m; l++) start[l + 1] += start[l];
  const fill = start.slice(0, m);
  const touching = new Int32Array(2 * k);
  for (let o = 0; o < k; o++) touching[fill[pi[o]]++] = o, touching[fill[pj[o]]++] = o;
  return { start, touching };
}

/**
 * Targets of every pair in (pi, pj) for each of n 0/1 inputs: y is n×pairs. Only pairs that touch an active feature
 * can be nonzero, so each row visits the pairs of its few active features instead of every pair.
 */
export function fillTargets(fn: Fn, x: Float32Array, m: number, pi: Int32Array, pj: Int32Array, y: Float32Array): void {
  const k = pi.length;
  const n = x.length / m;
  const { start, touching } = pairsByFeature(m, pi, pj);
  const ends = new Uint8Array(k); // active ends of each pair in the current row
  y.fill(0);
  for (let r = 0; r < n; r++) {
    for (let l = 0; l < m; l++) if (x[r * m + l] !== 0) for (let t = start[l]; t < start[l + 1]; t++) ends[touching[t]]++;
    for (let l = 0; l < m; l++) {
      if (x[r * m + l] === 0) continue;
      for (let t = start[l]; t < start[l + 1]; t++) {
        const o = touching[t];
        if (ends[o] === 0) continue; // already written
        y[r * k + o] = fn === 'and' ? (ends[o] === 2 ? 1 : 0) : ends[o] === 1 ? 1 : 0;
        ends[o] = 0;
      }
    }
  }
}

/**
 * Training batches: fills x as `fillBernoulli(rng, q, x)` and y as `fillTargets(fn, x, m, pi, pj, y)` would, value
 * for value and consuming the same stream, at a fraction of the cost (the targets were a fifth of a small network's
 * step). The uniforms come from one bulk draw (`rng.fillUint32` yields the sequence of `nextUint32`, and `uniform()`
 * is two consecutive draws), compared with q in the same expression; the targets are written only where they are 1,
 * after clearing what the previous batch set, so y must be the same buffer on every call and written by no one else.
 * Pairs are looked up by their two active ends, so an AND row costs C(active, 2) lookups instead of a pass over every
 * pair that touches an active feature.
 */
export function bernoulliBatchSampler(fn: Fn, rng: Rng, q: number, m: number, pi: Int32Array, pj: Int32Array): (x: Float32Array, y: Float32Array) => void {
  const k = pi.length;
  const pairAt = new Int32Array(m * m).fill(-1);
  let distinct = true;
  for (let o = 0; o < k; o++) {
    const [lo, hi] = pi[o] < pj[o] ? [pi[o], pj[o]] : [pj[o], pi[o]];
    if (lo === hi || pairAt[lo * m + hi] >= 0) distinct = false;
    pairAt[lo * m + hi] = o;
  }
  const { start, touching } = pairsByFeature(m, pi, pj); // XOR's ones
  const act = new Int32Array(m);
  let bits = new Uint32Array(0);
  // AND's ones of the last batch, to clear (XOR sets too many for that to beat clearing everything).
  let ones = new Int32Array(0);
  let nOnes = 0;
  let lastY: Float32Array | null = null;
  return (x, y) => {
    if (bits.length !== 2 * x.length) bits = new Uint32Array(2 * x.length);
    rng.fillUint32(bits);
    for (let t = 0; t < x.length; t++) x[t] = ((bits[2 * t] >>> 5) * 67108864 + (bits[2 * t + 1] >>> 6)) / 9007199254740992 < q ? 1 : 0;
    if (!distinct) return fillTargets(fn, x, m, pi, pj, y);
    if (fn === 'xor' || y !== lastY) y.fill(0);
    else for (let i = 0; i < nOnes; i++) y[ones[i]] = 0;
    lastY = y;
    nOnes = 0;
    const n = x.length / m;
    for (let r = 0; r < n; r++) {
      let na = 0;
      for (let l = 0; l < m; l++) if (x[r * m + l] !== 0) act[na++] = l;
      const row = r * k;
      if (fn === 'xor') {
        for (let a = 0; a < na; a++) for (let t = start[act[a]]; t < start[act[a] + 1]; t++) y[row + touching[t]] = 1;
        // Pairs with both ends on were set from each end: XOR is 0 there.
        for (let a = 0; a < na; a++) {
          for (let b = a + 1; b < na; b++) {
            const o = pairAt[act[a] * m + act[b]];
            if (o >= 0) y[row + o] = 0;
          }
        }
        continue;
      }
      if (nOnes + (na * (na - 1)) / 2 > ones.length) {
        const grown = new Int32Array(Math.max(1024, 2 * (nOnes + (na * (na - 1)) / 2)));
        grown.set(ones.subarray(0, nOnes));
        ones = grown;
      }
      for (let a = 0; a < na; a++) {
        for (let b = a + 1; b < na; b++) {
          const o = pairAt[act[a] * m + act[b]];
          if (o < 0) continue;
          y[row + o] = 1;
          ones[nOnes++] = row + o;
        }
      }
    }
  };
}

/** The first d of dMax neurons: widths are nested, so one layer serves every width. */
function prefixColumns(W: Float32Array, rows: number, dMax: number, d: number): Float32Array {
  const out = new Float32Array(rows * d);
  for (let r = 0; r < rows; r++) out.set(W.subarray(r * dMax, r * dMax + d), r * d);
  return out;
}

/** A loss setting's key in results: `p6w1` for p = 6, onesWeight = 1. */
export const lossKey = (l: { p: number; onesWeight: number }) => `p${l.p}w${l.onesWeight}`;

const lossSchema = z
  .object({
    /** Exponent of the L_p loss. */
    p: z.number().min(2),
    /** Loss = onesWeight·mean_{y=1}|e|^p + mean_{y=0}|e|^p, each mean over its own class. */
    onesWeight: z.number().positive(),
  })
  .strict();

const config = z
  .object({
    /** Base seed; replicate r draws its layer, pairs and data from streams labelled `rep{r}/…`. */
    seed: z.number().int().nonnegative(),
    /** Independent replicates (layer, evaluated pairs, data): the spread across them is the error bar. */
    replicates: z.number().int().min(1).max(20),
    /** Features, embedded as the identity (m = d0): all m(m−1)/2 pairs are outputs. */
    m: z.number().int().min(3).max(200),
    /** Hidden widths, ascending; the width-d layer is the first d neurons of the widest, at initialisation. */
    widths: z.array(z.number().int().min(2).max(1024)).min(1),
    /** Expected number of active features: each is on with probability expectedActive/m (the script's 2√(ln d0)). */
    expectedActive: z.number().positive(),
    /** Loss settings, each trained separately; results are keyed by `lossKey`. */
    losses: z.array(lossSchema).min(1),
    /** Step cap of each training run: a guard, set above where the stopping rule ends every run (the page checks it). */
    maxSteps: z.number().int().min(1),
    /**
     * Inputs the least-squares readoffs are fitted on. Its budget: at least as many inputs as the median training run
     * sees (median steps × batch; the page checks it). Fixed rather than cap × batch, so that raising the guard above
     * does not change this baseline.
     */
    leastSquaresSamples: z.number().int().min(1),
    /** Inputs per step. */
    batch: z.number().int().min(1),
    /** Adam's initial step size; halved at each plateau (see `stopping`). */
    lr: z.number().positive(),
    /** Adam's ε, kept far below the tiny L_6 gradients so Adam stays scale-free. */
    adamEpsilon: z.number().positive(),
    /** Stopping rule: window of steps, the relative improvement a window must make, halvings before stopping. */
    stopping: z.object({ window: z.number().int().min(1), minImprovement: z.number().min(0).max(1), halvings: z.number().int().min(1) }).strict(),
    /** Steps after which every reported quantity is measured on the test inputs (the training-length figure). */
    checkpoints: z.array(z.number().int().min(1)),
    /**
     * Pairs on which all three conditions are evaluated. The frozen condition trains readoffs for these pairs only:
     * with a frozen layer every output is an independent problem, so a subset changes nothing but cost.
     */
    evalPairs: z.number().int().min(1),
    /** Ridge penalty of the least-squares readoffs (on the class-balanced mean squared error). */
    ridge: z.number().nonnegative(),
    /** Fresh Bernoulli test inputs, shared by the three conditions. */
    testSamples: z.number().int().min(1),
    /** |error| histogram: bins on [0, histMax); larger errors land in the last bin. */
    histBins: z.number().int().min(4).max(400),
    histMax: z.number().positive(),
  })
  .strict();

const stat = meanSdValuesSchema;
const summaryAcrossSeeds = z.object({ mean: stat, meanAbs: stat, rms: stat, p99Abs: stat, maxAbs: stat, fracBelow: stat });
const fnStats = z.object({
  /** Errors on test outputs whose target is 0, and 1; `fracBelow` is the share below the affine bound (1/4 AND, 1/2 XOR). */
  zeros: summaryAcrossSeeds,
  ones: summaryAcrossSeeds,
  /** √((RMS₀² + RMS₁²)/2): both classes equally weighted, the metric for the ratios. */
  balancedRms: stat,
  /** The largest |error| over both classes. */
  maxAbs: stat,
});
const conditionStats = z.object({ and: fnStats, xor: fnStats });
const fnPair = z.object({ and: stat, xor: stat });
const widthRatios = z.object({
  frozenOverTrained: fnPair,
  leastSquaresOverTrained: fnPair,
  /** Largest |error|, frozen over trained. */
  frozenOverTrainedMax: fnPair,
  xorOverAnd: z.object({ trained: stat, frozen: stat, leastSquares: stat }),
});
const widthStats = z.object({ trained: conditionStats, frozen: conditionStats, leastSquares: conditionStats });
const checkpointRow = z.object({
  step: z.number().int(),
  /** Replicates that reached this step before stopping (statistics are over these). */
  reps: z.number().int(),
  balancedRms: z.number(),
  maxAbs: z.number(),
  onesFracBelow: z.number(),
  zerosFracBelow: z.number(),
  layerChange: z.number(),
});
const lossResult = z.object({
  p: z.number(),
  onesWeight: z.number(),
  /** Keyed `d{width}`, then condition. */
  byWidth: z.record(z.string(), widthStats),
  /** The narrowest and widest widths' entries of byWidth and ratios, named so that prose can cite them in every profile. */
  narrowest: z.object({ d: z.number().int(), stats: widthStats, ratios: widthRatios }),
  widest: z.object({ d: z.number().int(), stats: widthStats, ratios: widthRatios }),
  /** Keyed `d{width}`: ratios per replicate. */
  ratios: z.record(z.string(), widthRatios),
  /** Over all widths and both functions (means over replicates). */
  worst: z.object({
    /** Largest balanced-RMS ratio frozen/trained, and the smallest. */
    frozenOverTrained: z.number(),
    frozenOverTrainedMin: z.number(),
    xorOverAnd: z.number(),
    /** Smallest share of |error| below the function's affine bound, over conditions, widths and both targets. */
    andFracBelow: z.number(),
    xorFracBelow: z.number(),
  }),
  /** ‖W − W₀‖/‖W₀‖ over the trained-layer runs at their end. */
  trainedLayerChange: z.object({ mean: z.number(), max: z.number(), min: z.number() }),
  /** Training steps taken (over trained and frozen runs), and how many runs hit the cap instead of the stopping rule. */
  steps: z.object({ min: z.number().int(), max: z.number().int(), median: z.number(), cappedRuns: z.number().int(), runs: z.number().int() }),
  /**
   * The training-length study, keyed `d{width}/{fn}/{condition}`: every reported quantity, mean over the replicates
   * that reached each checkpoint, then at the end of training (`step` = median steps taken).
   */
  curves: z.record(z.string(), z.object({ checkpoints: z.array(checkpointRow), final: checkpointRow })),
});

const result = z.object({
  /** Features (= input dimension d0) and the expected number on, ℓ = q·m. */
  m: z.number().int(),
  expectedActive: z.number(),
  /** Probability that each feature is on. */
  q: z.number(),
  pairsTotal: z.number().int(),
  pairsEvaluated: z.number().int(),
  /** Inputs the least-squares fit sees: as many as the step cap lets a training run see. */
  leastSquaresSamples: z.number().int(),
  /** Worst-case errors of the best affine readoffs of the raw inputs, from the affine-baseline experiment. */
  affine: z.object({ andMinimax: z.number(), xorMinimax: z.number() }),
  /** Keyed by `lossKey` (e.g. `p6w1`). */
  byLoss: z.record(z.string(), lossResult),
  /** |error| histogram counts pooled over replicates, keyed `{loss}/d{width}/{condition}/{fn}` (least squares under every loss). */
  histograms: z.record(z.string(), z.object({ zeros: z.array(z.number().int()), ones: z.array(z.number().int()) })),
  /** Per training run: losses, steps, how it stopped, and how far the first layer moved. */
  training: z.array(
    z.object({
      rep: z.number().int(),
      loss: z.string(),
      d: z.number().int(),
      condition: z.enum(['trained', 'frozen']),
      fn: z.enum(FNS),
      initialLoss: z.number(),
      finalLoss: z.number(),
      stepsTaken: z.number().int(),
      stoppedBy: z.enum(['plateau', 'cap']),
      /** ‖W − W₀‖/‖W₀‖ (Frobenius); 0 when frozen. */
      layerChange: z.number(),
      /** RMS of the first-layer bias at the end. */
      biasRms: z.number(),
    }),
  ),
});
/** The experiment's results, as stored in its artifact and read by its figures. */
export type JakeReplicationResult = z.output<typeof result>;
type JakeConfig = z.output<typeof config>;

/** Bound for the share-below statistic: the best affine readoff's worst-case error (1/4 for AND, 1/2 for XOR). */
export const AFFINE_BOUND: Record<Fn, number> = { and: 0.25, xor: 0.5 };

export type Summaries = { zeros: ErrorSummary; ones: ErrorSummary };

/** Errors of one network on the test inputs at one point of training, as the merge needs them. */
interface Evaluation {
  summaries: Summaries;
  layerChange: number;
}

/** Per-replicate error summaries keyed by `summaryKey`, for one loss. */
export interface ReplicateRecords {
  widths: readonly number[];
  replicates: number;
  summaries: ReadonlyMap<string, Summaries>;
}

export const summaryKey = (rep: number, d: number, c: Condition, fn: Fn) => `${rep}/${d}/${c}/${fn}`;
const balancedOf = (e: Summaries) => Math.sqrt((e.zeros.rms ** 2 + e.ones.rms ** 2) / 2);

/**
 * Across replicates, for one loss: per width, condition and function the mean ± sd of each error statistic and of
 * the balanced RMS, the ratios the comment's claims compare (each replicate's ratio, then mean ± sd), and the
 * extremes over widths.
 */
export function aggregateReplicates(o: ReplicateRecords) {
  const reps = Array.from({ length: o.replicates }, (_, r) => r);
  const across = (list: ErrorSummary[]) => ({
    mean: meanSd(list.map((e) => e.mean)),
    meanAbs: meanSd(list.map((e) => e.meanAbs)),
    rms: meanSd(list.map((e) => e.rms)),
    p99Abs: meanSd(list.map((e) => e.p99Abs)),
    maxAbs: meanSd(list.map((e) => e.maxAbs)),
    fracBelow: meanSd(list.map((e) => e.fracBelow)),
  });
  const get = (rep: number, d: number, c: Condition, fn: Fn) => {
    const e = o.summaries.get(summaryKey(rep, d, c, fn));
    if (!e) throw new Error(`aggregateReplicates: no summary for ${summaryKey(rep, d, c, fn)}`);
    return e;
  };
  const byWidth: Record<string, Record<Condition, Record<Fn, z.input<typeof fnStats>>>> = {};
  const ratios: Record<string, z.input<typeof widthRatios>> = {};
  for (const d of o.widths) {
    const per = (c: Condition, fn: Fn, f: (e: Summaries) => number) => reps.map((rep) => f(get(rep, d, c, fn)));
    const maxOf = (e: Summaries) => Math.max(e.zeros.maxAbs, e.ones.maxAbs);
    byWidth[`d${d}`] = Object.fromEntries(
      CONDITIONS.map((c) => [
        c,
        Object.fromEntries(
          FNS.map((fn) => {
            const perRep = reps.map((rep) => get(rep, d, c, fn));
            return [fn, { zeros: across(perRep.map((e) => e.zeros)), ones: across(perRep.map((e) => e.ones)), balancedRms: meanSd(per(c, fn, balancedOf)), maxAbs: meanSd(per(c, fn, maxOf)) }];
          }),
        ),
      ]),
    ) as Record<Condition, Record<Fn, z.input<typeof fnStats>>>;
    const ratio = (num: number[], den: number[]) => meanSd(num.map((v, r) => v / den[r]));
    const bal = (c: Condition, fn: Fn) => per(c, fn, balancedOf);
    ratios[`d${d}`] = {
      frozenOverTrained: { and: ratio(bal('frozen', 'and'), bal('trained', 'and')), xor: ratio(bal('frozen', 'xor'), bal('trained', 'xor')) },
      leastSquaresOverTrained: { and: ratio(bal('leastSquares', 'and'), bal('trained', 'and')), xor: ratio(bal('leastSquares', 'xor'), bal('trained', 'xor')) },
      frozenOverTrainedMax: { and: ratio(per('frozen', 'and', maxOf), per('trained', 'and', maxOf)), xor: ratio(per('frozen', 'xor', maxOf), per('trained', 'xor', maxOf)) },
      xorOverAnd: {
        trained: ratio(bal('trained', 'xor'), bal('trained', 'and')),
        frozen: ratio(bal('frozen', 'xor'), bal('frozen', 'and')),
        leastSquares: ratio(bal('leastSquares', 'xor'), bal('leastSquares', 'and')),
      },
    };
  }
  const ratioRows = Object.values(ratios);
  const minBelow = (fn: Fn) =>
    Math.min(...Object.values(byWidth).flatMap((w) => CONDITIONS.flatMap((c) => [w[c][fn].zeros.fracBelow.mean, w[c][fn].ones.fracBelow.mean])));
  const fot = ratioRows.flatMap((r) => [r.frozenOverTrained.and.mean, r.frozenOverTrained.xor.mean]);
  const worst = {
    frozenOverTrained: Math.max(...fot),
    frozenOverTrainedMin: Math.min(...fot),
    xorOverAnd: Math.max(...ratioRows.flatMap((r) => [r.xorOverAnd.trained.mean, r.xorOverAnd.frozen.mean, r.xorOverAnd.leastSquares.mean])),
    andFracBelow: minBelow('and'),
    xorFracBelow: minBelow('xor'),
  };
  return { byWidth, ratios, worst };
}

/** One checkpoint row from the evaluations of the replicates that reached it (means over them). */
export function checkpointMeans(step: number, evals: readonly Evaluation[]): z.input<typeof checkpointRow> {
  const avg = (f: (e: Evaluation) => number) => evals.reduce((a, e) => a + f(e), 0) / evals.length;
  return {
    step,
    reps: evals.length,
    balancedRms: avg((e) => balancedOf(e.summaries)),
    maxAbs: avg((e) => Math.max(e.summaries.zeros.maxAbs, e.summaries.ones.maxAbs)),
    onesFracBelow: avg((e) => e.summaries.ones.fracBelow),
    zerosFracBelow: avg((e) => e.summaries.zeros.fracBelow),
    layerChange: avg((e) => e.layerChange),
  };
}

/** One piece of the experiment: a replicate's least-squares readoffs, one training run, or reading the affine baseline. */
type JakeUnit =
  | { label: string; kind: 'leastSquares'; rep: number; dMax: number; widths: number[] }
  | { label: string; kind: 'train'; rep: number; dMax: number; d: number; fn: Fn; condition: 'trained' | 'frozen'; loss: { p: number; onesWeight: number } }
  | { label: string; kind: 'affine' };

type HistCounts = [number[], number[]];
/** What a unit hands to `merge`. */
interface JakePartial {
  /** Least squares: per width and function. Training: the final network's. */
  records: { d: number; condition: Condition; fn: Fn; summaries: Summaries; counts: HistCounts }[];
  /** Training: the evaluations at each checkpoint reached. */
  checkpoints?: { step: number; evaluation: Evaluation }[];
  training?: Omit<z.input<typeof result>['training'][number], 'loss'>;
  affine?: { andMinimax: number; xorMinimax: number };
}

/** What every unit of a replicate shares: its layer, evaluated pairs and test inputs, all re-derived from their streams. */
function replicateSetup(cfg: JakeConfig, rng: (label: string) => Rng, rep: number, dMax: number) {
  const { m } = cfg;
  const q = cfg.expectedActive / m;
  const label = `rep${rep}`;
  const W0 = gaussianLayer(rng(`${label}/layer`), m, dMax);
  const evalPairs = choosePairs(rng(`${label}/evalPairs`), m, cfg.evalPairs);
  const P = evalPairs.length;
  const evI = Int32Array.from(evalPairs, (pr) => pr[0]);
  const evJ = Int32Array.from(evalPairs, (pr) => pr[1]);
  const T = cfg.testSamples;
  const xTest = new Float32Array(T * m);
  fillBernoulli(rng(`${label}/test`), q, xTest);
  const yTest = Object.fromEntries(
    FNS.map((fn) => {
      const y = new Float32Array(T * P);
      fillTargets(fn, xTest, m, evI, evJ, y);
      return [fn, y];
    }),
  ) as Record<Fn, Float32Array>;
  /** Signed errors by target class of predictions (T×stride) whose column cols[o] answers evaluated pair o. */
  const errorsByTarget = (fn: Fn, pred: Float32Array, stride: number, cols: ArrayLike<number>) => {
    const y = yTest[fn];
    let nOnes = 0;
    for (let t = 0; t < y.length; t++) nOnes += y[t];
    const byTarget = [new Float32Array(y.length - nOnes), new Float32Array(nOnes)];
    const fill = [0, 0];
    for (let r = 0; r < T; r++) {
      for (let o = 0; o < P; o++) {
        const t = y[r * P + o];
        byTarget[t][fill[t]++] = pred[r * stride + cols[o]] - t;
      }
    }
    return byTarget;
  };
  const summarise = (fn: Fn, pred: Float32Array, stride: number, cols: ArrayLike<number>): Summaries => {
    const [e0, e1] = errorsByTarget(fn, pred, stride, cols);
    return { zeros: summarizeErrors(e0, AFFINE_BOUND[fn]), ones: summarizeErrors(e1, AFFINE_BOUND[fn]) };
  };
  const record = (c: Condition, d: number, fn: Fn, pred: Float32Array, stride: number, cols: ArrayLike<number>): JakePartial['records'][number] => {
    const byTarget = errorsByTarget(fn, pred, stride, cols);
    const counts = byTarget.map((e) => histogram(e.map(Math.abs), 0, cfg.histMax, cfg.histBins).map((bin) => bin.count)) as HistCounts;
    return { d, condition: c, fn, summaries: { zeros: summarizeErrors(byTarget[0], AFFINE_BOUND[fn]), ones: summarizeErrors(byTarget[1], AFFINE_BOUND[fn]) }, counts };
  };
  return { q, label, W0, evalPairs, P, evI, evJ, T, xTest, record, summarise };
}

/** Every pair, in the order the trained networks output them. */
function allPairsOf(cfg: JakeConfig, rng: (label: string) => Rng) {
  const allPairs = choosePairs(rng('allPairs'), cfg.m, (cfg.m * (cfg.m - 1)) / 2); // all of them: no draw
  return {
    K: allPairs.length,
    allI: Int32Array.from(allPairs, (pr) => pr[0]),
    allJ: Int32Array.from(allPairs, (pr) => pr[1]),
    pairIndex: new Map(allPairs.map(([i, j], o) => [i * cfg.m + j, o])),
  };
}

/** The affine baseline's numbers, then per replicate its least-squares unit and one unit per training run. */
function jakeUnits(cfg: JakeConfig): JakeUnit[] {
  const { widths } = cfg;
  for (let t = 1; t < widths.length; t++) if (!(widths[t] > widths[t - 1])) throw new Error('widths must be ascending');
  const keys = cfg.losses.map(lossKey);
  if (new Set(keys).size !== keys.length) throw new Error(`losses must be distinct, got ${keys.join(', ')}`);
  const dMax = widths[widths.length - 1];
  const units: JakeUnit[] = [{ label: 'affine', kind: 'affine' }];
  for (let rep = 0; rep < cfg.replicates; rep++) {
    units.push({ label: `rep${rep}/leastSquares`, kind: 'leastSquares', rep, dMax, widths });
    for (const loss of cfg.losses) {
      for (const d of widths) {
        for (const fn of FNS) {
          for (const condition of ['trained', 'frozen'] as const) {
            units.push({ label: `rep${rep}/${lossKey(loss)}/d${d}/${fn}/${condition}`, kind: 'train', rep, dMax, d, fn, condition, loss: { p: loss.p, onesWeight: loss.onesWeight } });
          }
        }
      }
    }
  }
  return units;
}

type Profiles = { quick: z.input<typeof config>; full: z.input<typeof config> };

/**
 * Jake Mendel's experiment at one size: the page runs it at m = 50 over widths, at the comment's own m = d0 = d = 100,
 * and over loss settings, as three experiments of this one definition.
 */
export function defineJakeExperiment(spec: { id: string; title: string; description: string; profiles: Profiles; timeLimitSeconds: { quick: number; full: number } }) {
  return defineExperiment({
    id: spec.id,
    title: spec.title,
    description: spec.description,
    module: import.meta.url,
    config,
    profiles: spec.profiles,
    result,
    upstream: [affineBaseline.id],
    timeLimitSeconds: spec.timeLimitSeconds,
    tolerances: { 'training.*.stepsTaken': { abs: 0 } },
    // Units carry the widest width (every layer is a prefix of the widest), the widths they fit, and their loss.
    unitGrid: ['widths', 'replicates', 'losses'],
    units: jakeUnits,
    async runUnit(cfg, unit, ctx): Promise<JakePartial> {
      if (unit.kind === 'affine') {
        const affine = ctx.upstream(affineBaseline).results;
        return { records: [], affine: { andMinimax: affine.andMinimax.maxAbsError, xorMinimax: affine.xorMinimax.maxAbsError } };
      }
      const { m } = cfg;
      const { dMax, rep } = unit;
      const s = replicateSetup(cfg, (l) => ctx.rng(l), rep, dMax);
      const identity = Int32Array.from({ length: s.P }, (_, o) => o);
      if (unit.kind === 'leastSquares') {
        // Class-balanced least squares on the natural (Bernoulli) inputs the other conditions train and are scored on.
        const fit = await naturalLeastSquares({
          W: s.W0, m, dMax, widths: unit.widths, q: s.q, samples: cfg.leastSquaresSamples, pairs: s.evalPairs, ridge: cfg.ridge,
          rng: ctx.rng(`${s.label}/leastSquares`), onChunk: () => ctx.signal.throwIfAborted(),
        });
        const records: JakePartial['records'] = [];
        unit.widths.forEach((d, w) => {
          for (const fn of FNS) {
            const net: TwoLayerNet = { m, d, k: s.P, W: prefixColumns(s.W0, m, dMax, d), bias: new Float32Array(d), R: Float32Array.from(fit[fn][w]) };
            records.push(s.record('leastSquares', d, fn, forward(ctx.tf, net, s.xTest, s.T), s.P, identity));
          }
        });
        return { records };
      }

      // A trained or frozen network. Both see the same input stream; frozen trains only the evaluated pairs' readoffs.
      const { d, fn, condition, loss } = unit;
      const trained = condition === 'trained';
      const all = allPairsOf(cfg, (l) => ctx.rng(l));
      const [pi, pj] = trained ? [all.allI, all.allJ] : [s.evI, s.evJ];
      const k = pi.length;
      const Wd = prefixColumns(s.W0, m, dMax, d);
      const dataRng = ctx.rng(`${s.label}/d${d}/${fn}/data`);
      const init: TwoLayerNet = { m, d, k, W: Wd, bias: new Float32Array(d), R: new Float32Array(d * k) };
      const evalCols = trained ? s.evalPairs.map(([i, j]) => all.pairIndex.get(i * m + j)!) : identity;
      const layerChange = (net: TwoLayerNet) => {
        let moved = 0;
        let norm = 0;
        for (let t = 0; t < Wd.length; t++) {
          moved += (net.W[t] - Wd[t]) ** 2;
          norm += Wd[t] ** 2;
        }
        return Math.sqrt(moved / norm);
      };
      const checkpoints: NonNullable<JakePartial['checkpoints']> = [];
      const bar = ctx.progress(`${unit.label} steps`, cfg.maxSteps);
      const sampleBatch = bernoulliBatchSampler(fn, dataRng, s.q, m, pi, pj);
      const run = await trainNetwork(ctx.tf, {
        init,
        trainFirstLayer: trained,
        steps: cfg.maxSteps,
        batch: cfg.batch,
        lr: cfg.lr,
        lrFinal: cfg.lr,
        stopping: cfg.stopping,
        epsilon: cfg.adamEpsilon,
        p: loss.p,
        onesWeight: loss.onesWeight,
        checkpoints: cfg.checkpoints,
        onCheckpoint: (step, net) => checkpoints.push({ step, evaluation: { summaries: s.summarise(fn, forward(ctx.tf, net, s.xTest, s.T), k, evalCols), layerChange: layerChange(net) } }),
        sampleBatch,
        onStep: (step) => {
          ctx.signal.throwIfAborted();
          if (step % 50 === 49) bar.tick(50);
        },
      });
      bar.done();
      const rec = s.record(condition, d, fn, forward(ctx.tf, run.net, s.xTest, s.T), k, evalCols);
      const biasRms = Math.sqrt(run.net.bias.reduce((acc, v) => acc + v * v, 0) / d);
      return {
        records: [rec],
        checkpoints,
        training: { rep, d, condition, fn, initialLoss: run.initialLoss, finalLoss: run.finalLoss, stepsTaken: run.stepsTaken, stoppedBy: run.stoppedBy, layerChange: layerChange(run.net), biasRms },
      };
    },
    merge(cfg, partials) {
      const { m, widths } = cfg;
      const dMax = widths[widths.length - 1];
      const K = (m * (m - 1)) / 2;
      const units = jakeUnits(cfg);
      let affine: JakePartial['affine'];
      const lsRecords: { rep: number; r: JakePartial['records'][number] }[] = [];
      const trainParts: { unit: Extract<JakeUnit, { kind: 'train' }>; p: JakePartial }[] = [];
      partials.forEach((p, u) => {
        const unit = units[u];
        if (unit.kind === 'affine') affine = p.affine;
        else if (unit.kind === 'leastSquares') for (const r of p.records) lsRecords.push({ rep: unit.rep, r });
        else trainParts.push({ unit, p });
      });
      if (!affine) throw new Error('merge: the affine unit is missing');
      const histograms: z.input<typeof result>['histograms'] = {};
      const addCounts = (key: string, counts: HistCounts) => {
        const h = (histograms[key] ??= { zeros: new Array<number>(cfg.histBins).fill(0), ones: new Array<number>(cfg.histBins).fill(0) });
        counts[0].forEach((n, b) => (h.zeros[b] += n));
        counts[1].forEach((n, b) => (h.ones[b] += n));
      };
      const training: z.input<typeof result>['training'] = [];
      const byLoss: Record<string, z.input<typeof lossResult>> = {};
      for (const loss of cfg.losses) {
        const key = lossKey(loss);
        const summaries = new Map<string, Summaries>();
        for (const { rep, r } of lsRecords) {
          summaries.set(summaryKey(rep, r.d, r.condition, r.fn), r.summaries);
          addCounts(`${key}/d${r.d}/${r.condition}/${r.fn}`, r.counts);
        }
        const mine = trainParts.filter(({ unit }) => lossKey(unit.loss) === key);
        for (const { unit, p } of mine) {
          for (const r of p.records) {
            summaries.set(summaryKey(unit.rep, r.d, r.condition, r.fn), r.summaries);
            addCounts(`${key}/d${r.d}/${r.condition}/${r.fn}`, r.counts);
          }
          training.push({ ...p.training!, loss: key });
        }
        const agg = aggregateReplicates({ widths, replicates: cfg.replicates, summaries });
        const runs = mine.map(({ p }) => p.training!);
        const stepsSorted = runs.map((t) => t.stepsTaken).sort((a, b) => a - b);
        const median = (xs: number[]) => (xs.length % 2 ? xs[(xs.length - 1) / 2] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2);
        const trainedChanges = runs.filter((t) => t.condition === 'trained').map((t) => t.layerChange);
        const curves: z.input<typeof lossResult>['curves'] = {};
        for (const d of widths) {
          for (const fn of FNS) {
            for (const condition of ['trained', 'frozen'] as const) {
              const group = mine.filter(({ unit }) => unit.d === d && unit.fn === fn && unit.condition === condition);
              const steps = [...new Set(group.flatMap(({ p }) => p.checkpoints!.map((c) => c.step)))].sort((a, b) => a - b);
              const finals = group.map(({ p }) => ({ summaries: p.records[0].summaries, layerChange: p.training!.layerChange }));
              curves[`d${d}/${fn}/${condition}`] = {
                checkpoints: steps.map((step) => checkpointMeans(step, group.flatMap(({ p }) => p.checkpoints!.filter((c) => c.step === step).map((c) => c.evaluation)))),
                final: checkpointMeans(Math.round(median(group.map(({ p }) => p.training!.stepsTaken).sort((a, b) => a - b))), finals),
              };
            }
          }
        }
        byLoss[key] = {
          p: loss.p,
          onesWeight: loss.onesWeight,
          byWidth: agg.byWidth,
          narrowest: { d: widths[0], stats: agg.byWidth[`d${widths[0]}`], ratios: agg.ratios[`d${widths[0]}`] },
          widest: { d: dMax, stats: agg.byWidth[`d${dMax}`], ratios: agg.ratios[`d${dMax}`] },
          ratios: agg.ratios,
          worst: agg.worst,
          trainedLayerChange: { mean: meanSd(trainedChanges).mean, max: Math.max(...trainedChanges), min: Math.min(...trainedChanges) },
          steps: { min: stepsSorted[0], max: stepsSorted[stepsSorted.length - 1], median: median(stepsSorted), cappedRuns: runs.filter((t) => t.stoppedBy === 'cap').length, runs: runs.length },
          curves,
        };
      }
      return {
        m,
        expectedActive: cfg.expectedActive,
        q: cfg.expectedActive / m,
        pairsTotal: K,
        pairsEvaluated: cfg.evalPairs >= K ? K : cfg.evalPairs,
        leastSquaresSamples: cfg.leastSquaresSamples,
        affine,
        byLoss,
        histograms,
        training,
      };
    },
  });
}

const common = { seed: 0, adamEpsilon: 1e-10, lr: 3e-3, batch: 100, ridge: 1e-3, histBins: 26, histMax: 1.3 };
const quickStop = { window: 50, minImprovement: 0.01, halvings: 2 };
const fullStop = { window: 250, minImprovement: 0.01, halvings: 3 };
const p6 = [{ p: 6, onesWeight: 1 }];

export const jakeReplication = defineJakeExperiment({
  id: 'jake-replication',
  title: "Jake Mendel's experiment: trained vs frozen random first layer for U-AND and U-XOR, trained to a stopping rule",
  description:
    "A one-hidden-layer ReLU network must output every pairwise AND (or XOR) of m = d0 sparse Bernoulli features. Three conditions: the whole network trained with Adam on a class-weighted L_6 loss; the first layer frozen at its N(0,1), zero-bias initialisation and only the readoffs trained; and the same frozen layer with class-balanced least-squares readoffs fitted on the same input distribution. Training runs to a stated stopping rule, and every quantity is also measured along the way. Compares error sizes with the comment's claims and with the affine readoffs' worst cases (1/4 for AND, 1/2 for XOR).",
  profiles: {
    quick: { ...common, replicates: 1, m: 24, widths: [24, 48], expectedActive: 2 * Math.sqrt(Math.log(24)), losses: p6, maxSteps: 200, leastSquaresSamples: 20_000, stopping: quickStop, checkpoints: [50, 100], evalPairs: 100, testSamples: 500 },
    full: { ...common, replicates: 2, m: 50, widths: [50, 100, 200], expectedActive: 2 * Math.sqrt(Math.log(50)), losses: p6, maxSteps: 10_000, leastSquaresSamples: 400_000, stopping: fullStop, checkpoints: [100, 300, 900, 1800, 3600], evalPairs: 200, testSamples: 1200 },
  },
  timeLimitSeconds: { quick: 120, full: 1800 },
});

export const jakeReplicationM100 = defineJakeExperiment({
  id: 'jake-replication-m100',
  title: "Jake Mendel's experiment at the comment's own size, m = d0 = d = 100",
  description:
    'The same three conditions as jake-replication at the size of the comment\'s figure: 100 features with identity embeddings, 4,950 pairwise outputs, 100 hidden neurons; class-weighted L_6 loss, trained to the same stopping rule.',
  profiles: {
    quick: { ...common, replicates: 1, m: 30, widths: [30], expectedActive: 2 * Math.sqrt(Math.log(30)), losses: p6, maxSteps: 150, leastSquaresSamples: 15_000, stopping: quickStop, checkpoints: [50], evalPairs: 100, testSamples: 400 },
    full: { ...common, replicates: 3, m: 100, widths: [100], expectedActive: 2 * Math.sqrt(Math.log(100)), losses: p6, maxSteps: 10_000, leastSquaresSamples: 400_000, stopping: fullStop, checkpoints: [100, 300, 900, 1800, 3600], evalPairs: 200, testSamples: 1200 },
  },
  timeLimitSeconds: { quick: 120, full: 1800 },
});

export const jakeLossSweep = defineJakeExperiment({
  id: 'jake-loss-sweep',
  title: "Jake Mendel's experiment under the losses the comment describes: L_p for p = 2, 4, 6, and extra weight on the ones",
  description:
    'The jake-replication setup at one width (m = d = 50), trained to the same stopping rule under each of several class-weighted L_p losses: p = 2, 4 and 6 with the two classes weighted equally, and p = 6 with the targets that should be 1 weighted 4 times.',
  profiles: {
    quick: { ...common, replicates: 1, m: 20, widths: [30], expectedActive: 2 * Math.sqrt(Math.log(20)), losses: [{ p: 2, onesWeight: 1 }, { p: 6, onesWeight: 1 }, { p: 6, onesWeight: 4 }], maxSteps: 100, leastSquaresSamples: 10_000, stopping: quickStop, checkpoints: [50], evalPairs: 60, testSamples: 300 },
    full: { ...common, replicates: 3, m: 50, widths: [50], expectedActive: 2 * Math.sqrt(Math.log(50)), losses: [{ p: 2, onesWeight: 1 }, { p: 4, onesWeight: 1 }, { p: 6, onesWeight: 1 }, { p: 6, onesWeight: 4 }], maxSteps: 10_000, leastSquaresSamples: 400_000, stopping: fullStop, checkpoints: [100, 300, 900, 1800, 3600], evalPairs: 200, testSamples: 1200 },
  },
  timeLimitSeconds: { quick: 120, full: 1800 },
});
