import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { affineBaseline } from './affineBaseline';
import type { Rng } from '../runtime/rng';
import { histogram, meanSdWithValues as meanSd, meanSdValuesSchema } from '../lib/stats';
import { nestedRidgeLeastSquares } from '../lib/nestedRidge';
import { summarizeErrors, type ErrorSummary } from './errorStats';
import { gaussianLayer, hiddenActivations } from './randomLayer';
import { CASES, choosePairs } from './sparseInputs';
import { forward, trainNetwork, type TwoLayerNet } from './trainReadoffs';

const FNS = ['and', 'xor'] as const;
type Fn = (typeof FNS)[number];
const CONDITIONS = ['trained', 'frozen', 'leastSquares'] as const;
type Condition = (typeof CONDITIONS)[number];
const target = (fn: Fn, a: number, b: number) => (fn === 'and' ? a & b : a ^ b);

/** Each feature on independently with probability q; x is n×m, row-major. */
function fillBernoulli(rng: Rng, q: number, x: Float32Array): void {
  for (let t = 0; t < x.length; t++) x[t] = rng.uniform() < q ? 1 : 0;
}

/** Targets of every pair in (pi, pj) for each of n inputs: y is n×pairs. */
export function fillTargets(fn: Fn, x: Float32Array, m: number, pi: Int32Array, pj: Int32Array, y: Float32Array): void {
  const k = pi.length;
  const n = x.length / m;
  for (let r = 0; r < n; r++) {
    for (let o = 0; o < k; o++) y[r * k + o] = target(fn, x[r * m + pi[o]], x[r * m + pj[o]]);
  }
}

/** Active features of a Bernoulli input conditioned on (x_i, x_j) = (a, b): the others stay independent Bernoulli(q). */
export function pairCaseBernoulliActive(rng: Rng, m: number, q: number, i: number, j: number, a: number, b: number): number[] {
  const active: number[] = [];
  for (let l = 0; l < m; l++) {
    if (l === i) {
      if (a) active.push(l);
    } else if (l === j) {
      if (b) active.push(l);
    } else if (rng.uniform() < q) active.push(l);
  }
  return active;
}

/** The first d of dMax neurons: widths are nested, so one layer serves every width. */
function prefixColumns(W: Float32Array, rows: number, dMax: number, d: number): Float32Array {
  const out = new Float32Array(rows * d);
  for (let r = 0; r < rows; r++) out.set(W.subarray(r * dMax, r * dMax + d), r * d);
  return out;
}

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
    /** Exponent of the L_p loss. */
    p: z.number().min(2),
    /** Loss = onesWeight·mean_{y=1}|e|^p + mean_{y=0}|e|^p, each mean over its own class. */
    onesWeight: z.number().positive(),
    /** Adam steps per training run, and inputs per step. */
    steps: z.number().int().min(1),
    batch: z.number().int().min(1),
    /** Adam step size, decayed linearly from lr to lrFinal. */
    lr: z.number().positive(),
    lrFinal: z.number().positive(),
    /** Adam's ε, kept far below the tiny L_6 gradients so Adam stays scale-free. */
    adamEpsilon: z.number().positive(),
    /**
     * Pairs on which all three conditions are evaluated. The frozen condition trains readoffs for these pairs only:
     * with a frozen layer every output is an independent problem, so a subset changes nothing but cost.
     */
    evalPairs: z.number().int().min(1),
    /** Least-squares condition: training inputs per pair and case (x_i, x_j), the rest Bernoulli. */
    lsTrainPerCase: z.number().int().min(1),
    /** Ridge penalty per sample for the least-squares readoffs. */
    ridge: z.number().nonnegative(),
    /** Fresh Bernoulli test inputs, shared by the three conditions. */
    testSamples: z.number().int().min(1),
    /** |error| histogram: bins on [0, histMax); larger errors land in the last bin. */
    histBins: z.number().int().min(4).max(400),
    histMax: z.number().positive(),
  })
  .strict();

const stat = meanSdValuesSchema;
const summaryAcrossSeeds = z.object({ mean: stat, rms: stat, p99Abs: stat, maxAbs: stat, fracBelowQuarter: stat });
const fnStats = z.object({
  /** Errors on test outputs whose target is 0, and 1. */
  zeros: summaryAcrossSeeds,
  ones: summaryAcrossSeeds,
  /** √((RMS₀² + RMS₁²)/2): both classes equally weighted, the metric for the ratios. */
  balancedRms: stat,
});
const conditionStats = z.object({ and: fnStats, xor: fnStats });
const fnPair = z.object({ and: stat, xor: stat });
const widthRatios = z.object({
  frozenOverTrained: fnPair,
  leastSquaresOverTrained: fnPair,
  xorOverAnd: z.object({ trained: stat, frozen: stat, leastSquares: stat }),
});
const widthStats = z.object({ trained: conditionStats, frozen: conditionStats, leastSquares: conditionStats });

const result = z.object({
  /** Features (= input dimension d0) and the expected number on, ℓ = q·m. */
  m: z.number().int(),
  expectedActive: z.number(),
  /** Probability that each feature is on. */
  q: z.number(),
  pairsTotal: z.number().int(),
  pairsEvaluated: z.number().int(),
  samplesPerRun: z.number().int(),
  /** Worst-case errors of the best affine readoffs of the raw inputs, from the affine-baseline experiment. */
  affine: z.object({ andMinimax: z.number(), xorMinimax: z.number() }),
  /** Keyed `d{width}`, then condition. */
  byWidth: z.record(z.string(), widthStats),
  /** The narrowest and widest widths' entries of byWidth and ratios, named so that prose can cite them in every profile. */
  narrowest: z.object({ d: z.number().int(), stats: widthStats, ratios: widthRatios }),
  widest: z.object({ d: z.number().int(), stats: widthStats, ratios: widthRatios }),
  /** Keyed `d{width}`: balanced-RMS ratios per replicate. */
  ratios: z.record(z.string(), widthRatios),
  /** The comment's three claims, over all widths: the largest ratios and the smallest share below 1/4. */
  worst: z.object({
    frozenOverTrained: z.number(),
    xorOverAnd: z.number(),
    /** Smallest share of |error| < 1/4 over conditions, widths and both targets, per function. */
    andFracBelowQuarter: z.number(),
    xorFracBelowQuarter: z.number(),
  }),
  /** ‖W − W₀‖/‖W₀‖ over the trained-layer runs: how far training moved the first layer from its random start. */
  trainedLayerChange: z.object({ mean: z.number(), max: z.number() }),
  /** Tidy rows for figures. target is 0, 1 or 'balanced'. */
  summary: z.array(
    z.object({ d: z.number().int(), condition: z.enum(CONDITIONS), fn: z.enum(FNS), target: z.enum(['0', '1', 'balanced']), stat: z.string(), mean: z.number(), sd: z.number() }),
  ),
  /** |error| histograms pooled over replicates. */
  histogram: z.array(
    z.object({ d: z.number().int(), condition: z.enum(CONDITIONS), fn: z.enum(FNS), target: z.union([z.literal(0), z.literal(1)]), x0: z.number(), x1: z.number(), share: z.number() }),
  ),
  /** Per training run: loss at the first step and averaged over the last steps, and how far the first layer moved. */
  training: z.array(
    z.object({
      rep: z.number().int(),
      d: z.number().int(),
      condition: z.enum(['trained', 'frozen']),
      fn: z.enum(FNS),
      initialLoss: z.number(),
      finalLoss: z.number(),
      /** ‖W − W₀‖/‖W₀‖ (Frobenius); 0 when frozen. */
      layerChange: z.number(),
      /** RMS of the first-layer bias at the end. */
      biasRms: z.number(),
    }),
  ),
});
/** The experiment's results, as stored in its artifact and read by its figures. */
export type JakeReplicationResult = z.output<typeof result>;

export type Summaries = { zeros: ErrorSummary; ones: ErrorSummary };

/** Per-replicate error summaries, keyed by `summaryKey`, and pooled |error| histogram counts keyed `${d}/${condition}/${fn}/${target}`. */
export interface ReplicateRecords {
  widths: readonly number[];
  replicates: number;
  histBins: number;
  histMax: number;
  summaries: ReadonlyMap<string, Summaries>;
  histCounts: ReadonlyMap<string, number[]>;
}

export const summaryKey = (rep: number, d: number, c: Condition, fn: Fn) => `${rep}/${d}/${c}/${fn}`;

/**
 * Across replicates: per width, condition and function the mean ± sd of each error statistic and of the balanced
 * RMS, the ratios the post's claims compare (each replicate's ratio, then mean ± sd), the worst cases over widths,
 * and the pooled histograms as shares.
 */
export function aggregateReplicates(o: ReplicateRecords) {
  const reps = Array.from({ length: o.replicates }, (_, r) => r);
  const across = (list: ErrorSummary[]) => ({
    mean: meanSd(list.map((e) => e.mean)),
    rms: meanSd(list.map((e) => e.rms)),
    p99Abs: meanSd(list.map((e) => e.p99Abs)),
    maxAbs: meanSd(list.map((e) => e.maxAbs)),
    fracBelowQuarter: meanSd(list.map((e) => e.fracBelowQuarter)),
  });
  const balanced = (rep: number, d: number, c: Condition, fn: Fn) => {
    const e = o.summaries.get(summaryKey(rep, d, c, fn))!;
    return Math.sqrt((e.zeros.rms ** 2 + e.ones.rms ** 2) / 2);
  };
  const byWidth: Record<string, Record<Condition, Record<Fn, z.input<typeof fnStats>>>> = {};
  const ratios: z.input<typeof result>['ratios'] = {};
  const summary: z.input<typeof result>['summary'] = [];
  const hist: z.input<typeof result>['histogram'] = [];
  for (const d of o.widths) {
    const bal = Object.fromEntries(
      CONDITIONS.map((c) => [c, Object.fromEntries(FNS.map((fn) => [fn, reps.map((rep) => balanced(rep, d, c, fn))]))]),
    ) as Record<Condition, Record<Fn, number[]>>;
    byWidth[`d${d}`] = Object.fromEntries(
      CONDITIONS.map((c) => [
        c,
        Object.fromEntries(
          FNS.map((fn) => {
            const perRep = reps.map((rep) => o.summaries.get(summaryKey(rep, d, c, fn))!);
            const zeros = across(perRep.map((e) => e.zeros));
            const ones = across(perRep.map((e) => e.ones));
            const balancedRms = meanSd(bal[c][fn]);
            for (const [tgt, s] of [['0', zeros], ['1', ones]] as const) {
              for (const [name, v] of Object.entries(s)) summary.push({ d, condition: c, fn, target: tgt, stat: name, mean: v.mean, sd: v.sd });
            }
            summary.push({ d, condition: c, fn, target: 'balanced', stat: 'rms', mean: balancedRms.mean, sd: balancedRms.sd });
            for (const tgt of [0, 1] as const) {
              const counts = o.histCounts.get(`${d}/${c}/${fn}/${tgt}`)!;
              const total = counts.reduce((a, b) => a + b, 0);
              const width = o.histMax / o.histBins;
              counts.forEach((n, b) => hist.push({ d, condition: c, fn, target: tgt, x0: b * width, x1: (b + 1) * width, share: n / total }));
            }
            return [fn, { zeros, ones, balancedRms }];
          }),
        ),
      ]),
    ) as Record<Condition, Record<Fn, z.input<typeof fnStats>>>;
    const ratio = (num: number[], den: number[]) => meanSd(num.map((v, r) => v / den[r]));
    ratios[`d${d}`] = {
      frozenOverTrained: { and: ratio(bal.frozen.and, bal.trained.and), xor: ratio(bal.frozen.xor, bal.trained.xor) },
      leastSquaresOverTrained: { and: ratio(bal.leastSquares.and, bal.trained.and), xor: ratio(bal.leastSquares.xor, bal.trained.xor) },
      xorOverAnd: {
        trained: ratio(bal.trained.xor, bal.trained.and),
        frozen: ratio(bal.frozen.xor, bal.frozen.and),
        leastSquares: ratio(bal.leastSquares.xor, bal.leastSquares.and),
      },
    };
  }
  const ratioRows = Object.values(ratios);
  const minBelow = (fn: Fn) =>
    Math.min(...Object.values(byWidth).flatMap((w) => CONDITIONS.flatMap((c) => [w[c][fn].zeros.fracBelowQuarter.mean, w[c][fn].ones.fracBelowQuarter.mean])));
  const worst = {
    frozenOverTrained: Math.max(...ratioRows.flatMap((r) => [r.frozenOverTrained.and.mean, r.frozenOverTrained.xor.mean])),
    xorOverAnd: Math.max(...ratioRows.flatMap((r) => [r.xorOverAnd.trained.mean, r.xorOverAnd.frozen.mean, r.xorOverAnd.leastSquares.mean])),
    andFracBelowQuarter: minBelow('and'),
    xorFracBelowQuarter: minBelow('xor'),
  };
  return { byWidth, ratios, summary, hist, worst };
}

/** One piece of the experiment: a replicate's least-squares readoffs, one training run, or reading the affine baseline. */
type JakeUnit =
  | { label: string; kind: 'leastSquares'; rep: number; dMax: number; widths: number[] }
  | { label: string; kind: 'train'; rep: number; dMax: number; d: number; fn: Fn; condition: 'trained' | 'frozen' }
  | { label: string; kind: 'affine' };

/** What a unit hands to `merge`: error summaries and |error| histogram counts per (d, condition, fn), and training rows. */
interface JakePartial {
  records: { d: number; condition: Condition; fn: Fn; summaries: Summaries; counts: [number[], number[]] }[];
  training?: z.input<typeof result>['training'][number];
  affine?: { andMinimax: number; xorMinimax: number };
}

type JakeConfig = z.output<typeof config>;

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
  const yTest = Object.fromEntries(FNS.map((fn) => {
    const y = new Float32Array(T * P);
    fillTargets(fn, xTest, m, evI, evJ, y);
    return [fn, y];
  })) as Record<Fn, Float32Array>;
  // Summarise the errors of predictions (T×stride) whose column cols[o] answers evaluated pair o.
  const record = (c: Condition, d: number, fn: Fn, pred: Float32Array, stride: number, cols: ArrayLike<number>): JakePartial['records'][number] => {
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
    const counts = byTarget.map((e) => histogram(e.map(Math.abs), 0, cfg.histMax, cfg.histBins).map((bin) => bin.count)) as [number[], number[]];
    return { d, condition: c, fn, summaries: { zeros: summarizeErrors(byTarget[0]), ones: summarizeErrors(byTarget[1]) }, counts };
  };
  return { q, label, W0, evalPairs, P, evI, evJ, T, xTest, record };
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
  const dMax = widths[widths.length - 1];
  const units: JakeUnit[] = [{ label: 'affine', kind: 'affine' }];
  for (let rep = 0; rep < cfg.replicates; rep++) {
    units.push({ label: `rep${rep}/leastSquares`, kind: 'leastSquares', rep, dMax, widths });
    for (const d of widths) {
      for (const fn of FNS) {
        for (const condition of ['trained', 'frozen'] as const) units.push({ label: `rep${rep}/d${d}/${fn}/${condition}`, kind: 'train', rep, dMax, d, fn, condition });
      }
    }
  }
  return units;
}

export const jakeReplication = defineExperiment({
  id: 'jake-replication',
  title: "Jake Mendel's experiment: trained vs frozen random first layer for U-AND and U-XOR",
  description:
    'A one-hidden-layer ReLU network must output every pairwise AND (or XOR) of m = d0 sparse Bernoulli features. Three conditions: the whole network trained with Adam on a class-weighted L_6 loss; the first layer frozen at its N(0,1), zero-bias initialisation and only the readoffs trained; and the same frozen layer with closed-form balanced least-squares readoffs. Compares error sizes with the comment\'s claims and with the affine readoff\'s 1/4.',
  module: import.meta.url,
  config,
  profiles: {
    quick: {
      seed: 0, replicates: 1, m: 24, widths: [24, 48], expectedActive: 2 * Math.sqrt(Math.log(24)), p: 6, onesWeight: 1,
      steps: 300, batch: 100, lr: 3e-3, lrFinal: 1e-4, adamEpsilon: 1e-10, evalPairs: 100, lsTrainPerCase: 150, ridge: 1e-3,
      testSamples: 800, histBins: 26, histMax: 1.3,
    },
    full: {
      seed: 0, replicates: 3, m: 50, widths: [50, 100, 200], expectedActive: 2 * Math.sqrt(Math.log(50)), p: 6, onesWeight: 1,
      steps: 900, batch: 100, lr: 3e-3, lrFinal: 1e-4, adamEpsilon: 1e-10, evalPairs: 200, lsTrainPerCase: 250, ridge: 1e-3,
      testSamples: 1200, histBins: 26, histMax: 1.3,
    },
  },
  result,
  upstream: [affineBaseline.id],
  timeLimitSeconds: { quick: 60, full: 900 },
  // Units carry the widest width (every layer is a prefix of the widest) and the widths they fit.
  unitGrid: ['widths', 'replicates'],
  units: jakeUnits,
  async runUnit(cfg, unit, ctx): Promise<JakePartial> {
    if (unit.kind === 'affine') {
      const affine = ctx.upstream(affineBaseline).results;
      return { records: [], affine: { andMinimax: affine.andMinimax.maxAbsError, xorMinimax: affine.xorMinimax.maxAbsError } };
    }
    const { m } = cfg;
    const { dMax, rep } = unit;
    const s = replicateSetup(cfg, (l) => ctx.rng(l), rep, dMax);
    if (unit.kind === 'leastSquares') {
      // Least-squares readoffs: balanced pair-conditioned inputs at the widest layer, then every width's prefix.
      const { widths } = unit;
      const bar = ctx.progress(`${unit.label} pairs`, s.P);
      const lsRng = ctx.rng(`${s.label}/leastSquares`);
      const nLs = 4 * cfg.lsTrainPerCase;
      const lsR = widths.map((d) => new Float32Array(d * 2 * s.P));
      const H = new Float32Array(nLs * dMax);
      const Y = new Float32Array(nLs * 2);
      s.evalPairs.forEach(([i, j], o) => {
        for (let row = 0; row < nLs; row++) {
          const [a, b] = CASES[row % 4];
          hiddenActivations(s.W0, dMax, pairCaseBernoulliActive(lsRng, m, s.q, i, j, a, b), H, row * dMax);
          Y[row * 2] = a & b;
          Y[row * 2 + 1] = a ^ b;
        }
        nestedRidgeLeastSquares(ctx.tf, H, Y, nLs, dMax, 2, widths, cfg.ridge).forEach((r, w) => {
          const d = widths[w];
          for (let k = 0; k < d; k++) {
            lsR[w][k * 2 * s.P + o] = r[k * 2];
            lsR[w][k * 2 * s.P + s.P + o] = r[k * 2 + 1];
          }
        });
        bar.tick();
      });
      bar.done();
      const hTest = new Float32Array(s.T * dMax);
      for (let r = 0; r < s.T; r++) {
        const active: number[] = [];
        for (let l = 0; l < m; l++) if (s.xTest[r * m + l]) active.push(l);
        hiddenActivations(s.W0, dMax, active, hTest, r * dMax);
      }
      const identity = Int32Array.from({ length: s.P }, (_, o) => o);
      const records: JakePartial['records'] = [];
      widths.forEach((d, w) => {
        const pred = ctx.tf.tidy(() => ctx.tf.matMul(ctx.tf.tensor2d(prefixColumns(hTest, s.T, dMax, d), [s.T, d]), ctx.tf.tensor2d(lsR[w], [d, 2 * s.P])).dataSync()) as Float32Array;
        records.push(s.record('leastSquares', d, 'and', pred, 2 * s.P, identity));
        records.push(s.record('leastSquares', d, 'xor', pred, 2 * s.P, identity.map((o) => o + s.P)));
      });
      return { records };
    }

    // A trained or frozen network. Both see the same input stream; frozen trains only the evaluated pairs' readoffs.
    const { d, fn, condition } = unit;
    const trained = condition === 'trained';
    const all = allPairsOf(cfg, (l) => ctx.rng(l));
    const [pi, pj] = trained ? [all.allI, all.allJ] : [s.evI, s.evJ];
    const k = pi.length;
    const Wd = prefixColumns(s.W0, m, dMax, d);
    const dataRng = ctx.rng(`${s.label}/d${d}/${fn}/data`);
    const init: TwoLayerNet = { m, d, k, W: Wd, bias: new Float32Array(d), R: new Float32Array(d * k) };
    const bar = ctx.progress(`${unit.label} steps`, cfg.steps);
    const run = trainNetwork(ctx.tf, {
      init,
      trainFirstLayer: trained,
      steps: cfg.steps,
      batch: cfg.batch,
      lr: cfg.lr,
      lrFinal: cfg.lrFinal,
      epsilon: cfg.adamEpsilon,
      p: cfg.p,
      onesWeight: cfg.onesWeight,
      sampleBatch: (x, y) => {
        fillBernoulli(dataRng, s.q, x);
        fillTargets(fn, x, m, pi, pj, y);
      },
      onStep: (step) => {
        ctx.signal.throwIfAborted();
        if (step % 50 === 49) bar.tick(50);
      },
    });
    bar.done();
    const evalCols = s.evalPairs.map(([i, j]) => all.pairIndex.get(i * m + j)!);
    const identity = Int32Array.from({ length: s.P }, (_, o) => o);
    const rec = s.record(condition, d, fn, forward(ctx.tf, run.net, s.xTest, s.T), k, trained ? evalCols : identity);
    let moved = 0;
    let norm = 0;
    for (let t = 0; t < Wd.length; t++) {
      moved += (run.net.W[t] - Wd[t]) ** 2;
      norm += Wd[t] ** 2;
    }
    const biasRms = Math.sqrt(run.net.bias.reduce((acc, v) => acc + v * v, 0) / d);
    return { records: [rec], training: { rep, d, condition, fn, initialLoss: run.initialLoss, finalLoss: run.finalLoss, layerChange: Math.sqrt(moved / norm), biasRms } };
  },
  merge(cfg, partials) {
    const { m, widths } = cfg;
    const dMax = widths[widths.length - 1];
    const K = (m * (m - 1)) / 2;
    const summaries = new Map<string, Summaries>();
    const histCounts = new Map<string, number[]>();
    const training: z.input<typeof result>['training'] = [];
    let affine: JakePartial['affine'];
    // Partials come in `units` order, so training rows keep the order replicate, width, function, condition.
    const units = jakeUnits(cfg);
    partials.forEach((p, u) => {
      const unit = units[u];
      if (p.affine) affine = p.affine;
      if (unit.kind === 'affine') return;
      for (const r of p.records) {
        summaries.set(summaryKey(unit.rep, r.d, r.condition, r.fn), r.summaries);
        r.counts.forEach((c, t) => {
          const hk = `${r.d}/${r.condition}/${r.fn}/${t}`;
          const counts = histCounts.get(hk) ?? new Array<number>(cfg.histBins).fill(0);
          c.forEach((n, b) => (counts[b] += n));
          histCounts.set(hk, counts);
        });
      }
      if (p.training) training.push(p.training);
    });
    if (!affine) throw new Error('merge: the affine unit is missing');
    const { byWidth, ratios, summary, hist, worst } = aggregateReplicates({ widths, replicates: cfg.replicates, histBins: cfg.histBins, histMax: cfg.histMax, summaries, histCounts });
    return {
      m,
      expectedActive: cfg.expectedActive,
      q: cfg.expectedActive / m,
      pairsTotal: K,
      pairsEvaluated: cfg.evalPairs >= K ? K : cfg.evalPairs,
      samplesPerRun: cfg.steps * cfg.batch,
      affine,
      byWidth,
      narrowest: { d: widths[0], stats: byWidth[`d${widths[0]}`], ratios: ratios[`d${widths[0]}`] },
      widest: { d: dMax, stats: byWidth[`d${dMax}`], ratios: ratios[`d${dMax}`] },
      ratios,
      worst,
      trainedLayerChange: {
        mean: meanSd(training.filter((t) => t.condition === 'trained').map((t) => t.layerChange)).mean,
        max: Math.max(...training.filter((t) => t.condition === 'trained').map((t) => t.layerChange)),
      },
      summary,
      histogram: hist,
      training,
    };
  },
});
