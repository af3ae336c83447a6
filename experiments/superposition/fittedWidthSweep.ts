import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { summarizeErrors } from './errorStats';
import { bootstrapInterval } from '../lib/bootstrap';
import type { Rng } from '../runtime/rng';
import { logLogSlope } from '../lib/fits';
import { meanSdWithValues as meanSd, meanSdValuesSchema } from '../lib/stats';
import { ridgeLeastSquares } from './ridgeLeastSquares';
import { createProducts } from './wasmProducts';
import { prefixPairSums, signAndPrediction, signConstant } from './kaarelReadoff';
import { gaussianLayer, hiddenActivations } from './randomLayer';
import { CASE_NAMES, CASES, andTarget, choosePairs, pairCaseActive } from './sparseInputs';

const config = z
  .object({
    /** Base seed; replicate r draws its layer, pairs and samples from streams labelled `rep{r}/…`. */
    seed: z.number().int().nonnegative(),
    /** Independent replicates (layer, pairs, data): the spread across them is the error bar. */
    replicates: z.number().int().min(1).max(20),
    /**
     * Settings to sweep: m boolean features (identity embedding) with exactly s on in every input. Kaarel's readoff
     * does not depend on m; the fitted one may, so arms that vary m at fixed s test that.
     */
    arms: z.array(z.object({ m: z.number().int().min(3).max(100_000), s: z.number().int().min(2).max(64) }).strict()).min(1),
    /** Widths, ascending. The layer of width d is the first d neurons of the widest one, so widths are nested. */
    widths: z.array(z.number().int().min(2).max(2048)).min(2),
    /** Random pairs (i, j) per replicate and arm. */
    pairs: z.number().int().min(1),
    /** Training inputs per pair at width d: max(minSamples, samplesPerNeuron·d), balanced over the four cases. */
    samplesPerNeuron: z.number().positive(),
    minSamples: z.number().int().min(4),
    /** Fresh test inputs per pair and case. */
    testPerCase: z.number().int().min(1),
    /** Ridge penalty per sample (λ in (HᵀH + λ·n·I) r = Hᵀy). */
    ridge: z.number().nonnegative(),
  })
  .strict();

const stat = meanSdValuesSchema;
/** 95% percentile-bootstrap interval of the mean over replicates (each replicate: its own layer, pairs and data). */
const interval = z.object({ lo: z.number(), hi: z.number() });
const readoffStats = z.object({
  /** RMS of (readoff − target) over all test inputs, the four cases equally weighted. */
  rms: stat,
  p99Abs: stat,
  maxAbs: stat,
  /** RMS per case (x_i, x_j). */
  byCase: z.record(z.enum(['00', '10', '01', '11']), stat),
});

const result = z.object({
  /** One row per (arm, d): measured fitted and Kaarel readoff errors with Kaarel's predicted RMS beside them. */
  rows: z.array(
    z.object({
      arm: z.string(),
      m: z.number().int(),
      s: z.number().int(),
      d: z.number().int(),
      trainSamples: z.number().int(),
      fitted: readoffStats,
      kaarel: readoffStats,
      /** Kaarel's readoff: predicted RMS from the closed form (cases equally weighted), and K(s)/√d for the zero cases. */
      kaarelPredictedRms: z.number(),
      /** Kaarel RMS / fitted RMS, per replicate. */
      kaarelOverFitted: stat,
    }),
  ),
  /** Per arm (`m{m}s{s}`): log-log slopes of RMS vs d over all widths and over the widest two, and the end points. */
  byArm: z.record(
    z.string(),
    z.object({
      fitted: stat,
      fittedLastPair: stat,
      kaarel: stat,
      /** Bootstrap intervals of the three slopes above (resampling replicates); the range of the fit is `widths`. */
      fittedCi: interval,
      fittedLastPairCi: interval,
      kaarelCi: interval,
      /** The closed form's slope is exactly −1/2. */
      predicted: z.number(),
      /** The narrowest and widest rows, named so that prose can cite them in every profile. */
      narrowest: z.object({ d: z.number().int(), fittedRms: stat, kaarelRms: stat, kaarelPredictedRms: z.number(), kaarelOverFitted: stat }),
      widest: z.object({ d: z.number().int(), fittedRms: stat, kaarelRms: stat, kaarelPredictedRms: z.number(), kaarelOverFitted: stat }),
    }),
  ),
  /** Slopes between consecutive widths, per arm: where the fitted readoff's curve is heading. */
  localSlopes: z.array(z.object({ arm: z.string(), dFrom: z.number().int(), dTo: z.number().int(), fitted: stat, kaarel: stat })),
  /** c(s) used to scale Kaarel's readoff, from quadrature. */
  signConstants: z.record(z.string(), z.number()),
});
/** The experiment's results, as stored in its artifact and read by its figures. */
export type FittedWidthSweepResult = z.output<typeof result>;

/** s = 3 and 5 at m = 200, and m = 100 and 800 at s = 3: the same arms in both profiles, so claims can name them. */
const ARMS = [
  { m: 200, s: 3 },
  { m: 200, s: 5 },
  { m: 100, s: 3 },
  { m: 800, s: 3 },
];

const armName = (arm: { m: number; s: number }) => `m${arm.m}s${arm.s}`;
const BOOTSTRAP_RESAMPLES = 2000;
/** Training samples at width d: enough per neuron, at least minSamples, a multiple of 4 (balanced over the cases). */
const samplesAt = (cfg: { minSamples: number; samplesPerNeuron: number }, d: number) => 4 * Math.ceil(Math.max(cfg.minSamples, cfg.samplesPerNeuron * d) / 4);

export const fittedWidthSweep = defineExperiment({
  id: 'fitted-width-sweep',
  title: 'Fitted vs closed-form readoff from a random layer, against width',
  description:
    "A frozen N(0,1) ReLU layer with zero bias and no input superposition. For each width, a balanced least-squares AND readoff is fitted per pair and compared on fresh inputs with Kaarel's closed-form readoff sign(W_ik W_jk)/(d·c(s)), whose RMS error is predicted exactly. Measures how much fitting gains at finite width, whether the fitted error's log-log slope approaches −1/2, and whether the fitted error depends on the number of features m (Kaarel's does not).",
  module: import.meta.url,
  config,
  profiles: {
    quick: { seed: 0, replicates: 1, arms: ARMS, widths: [25, 50, 100], pairs: 6, samplesPerNeuron: 20, minSamples: 1000, testPerCase: 50, ridge: 1e-3 },
    full: { seed: 0, replicates: 5, arms: ARMS, widths: [25, 50, 100, 200, 400], pairs: 15, samplesPerNeuron: 20, minSamples: 4000, testPerCase: 100, ridge: 1e-3 },
  },
  result,
  timeLimitSeconds: { quick: 60, full: 600 },
  // One unit per (replicate, arm): its layer, pairs and samples; every width is a prefix of the widest layer.
  unitGrid: ['replicates', 'arms'],
  // A last unit draws the bootstrap's resamples, so that merge stays pure.
  units: (cfg) => [
    ...Array.from({ length: cfg.replicates }, (_, rep) => cfg.arms.map(({ m, s }) => ({ label: `rep${rep}/${armName({ m, s })}`, rep, m, s }))).flat(),
    { label: 'bootstrap', rep: -1, m: 0, s: 0 },
  ],
  async runUnit(cfg, { rep, m, s, label: unitLabel }, ctx) {
    if (unitLabel === 'bootstrap') {
      const rng = ctx.rng('bootstrap');
      return { arm: 'bootstrap', rep, byWidth: [], draws: Array.from({ length: BOOTSTRAP_RESAMPLES * cfg.replicates }, () => rng.int(cfg.replicates)) };
    }
    const { widths } = cfg;
    for (let t = 1; t < widths.length; t++) if (!(widths[t] > widths[t - 1])) throw new Error('widths must be ascending');
    const dMax = widths[widths.length - 1];
    const nMax = samplesAt(cfg, dMax);
    // Per width: errors by case of the fitted and of Kaarel's readoff.
    const collected = widths.map(() => ({ fitted: CASES.map(() => [] as number[]), kaarel: CASES.map(() => [] as number[]) }));
    const label = `rep${rep}/${armName({ m, s })}`;
    const bar = ctx.progress(`${label} pairs`, cfg.pairs);
    const H = new Float32Array(nMax * dMax);
    const Y = new Float32Array(nMax);
    const h = new Float32Array(dMax);
    const signSums = new Float64Array(widths.length);
    const prodSums = new Float64Array(widths.length);
    const W = gaussianLayer(ctx.rng(`${label}/layer`), m, dMax);
    const pairs = choosePairs(ctx.rng(`${label}/pairs`), m, cfg.pairs);
    const trainRng = ctx.rng(`${label}/train`);
    const testRng = ctx.rng(`${label}/test`);
    const c = signConstant(s);
    const products = await createProducts();
    for (const [i, j] of pairs) {
      const wi = W.subarray(i * dMax, (i + 1) * dMax);
      const wj = W.subarray(j * dMax, (j + 1) * dMax);
      // Rows cycle through the four cases, so every prefix of a multiple of 4 rows is balanced.
      for (let row = 0; row < nMax; row++) {
        const [a, b] = CASES[row % 4];
        hiddenActivations(W, dMax, pairCaseActive(trainRng, m, s, i, j, a, b), H, row * dMax);
        Y[row] = andTarget(a, b);
      }
      const readoffs = widths.map((d) => {
        const n = samplesAt(cfg, d);
        const Hd = new Float32Array(n * d);
        for (let row = 0; row < n; row++) Hd.set(H.subarray(row * dMax, row * dMax + d), row * d);
        return ridgeLeastSquares(products, Hd, Y.subarray(0, n), 1, n, d, 1, cfg.ridge);
      });
      CASES.forEach(([a, b], ci) => {
        for (let t = 0; t < cfg.testPerCase; t++) {
          hiddenActivations(W, dMax, pairCaseActive(testRng, m, s, i, j, a, b), h);
          prefixPairSums(wi, wj, h, widths, signSums, prodSums);
          widths.forEach((d, w) => {
            const r = readoffs[w];
            let fit = 0;
            for (let k = 0; k < d; k++) fit += r[k] * h[k];
            collected[w].fitted[ci].push(fit - andTarget(a, b));
            collected[w].kaarel[ci].push(signSums[w] / (d * c) - andTarget(a, b));
          });
        }
      });
      bar.tick();
    }
    bar.done();
    // What the merge needs of this replicate: summaries of all errors and the RMS of each case.
    const summary = (cases: number[][]) => ({ all: summarizeErrors(cases.flat(), 0.25), byCase: cases.map((e) => summarizeErrors(e, 0.25).rms) });
    return { arm: armName({ m, s }), rep, byWidth: collected.map((x) => ({ fitted: summary(x.fitted), kaarel: summary(x.kaarel) })), draws: [] as number[] };
  },
  merge(cfg, partials) {
    const { widths } = cfg;
    const part = (arm: string, rep: number) => partials.find((p) => p.arm === arm && p.rep === rep)!;
    const draws = partials.find((p) => p.arm === 'bootstrap')!.draws;
    /** 95% interval of the mean of per-replicate values, replaying the bootstrap unit's draws for every statistic. */
    const ci = (values: number[]) => {
      let k = 0;
      const replay = { int: () => draws[k++ % draws.length] } as unknown as Rng;
      const b = bootstrapInterval(values.length, (idx) => idx.reduce((acc, i) => acc + values[i], 0) / idx.length, replay, { resamples: BOOTSTRAP_RESAMPLES });
      return { lo: b.lo, hi: b.hi };
    };
    type PerRep = (typeof partials)[number]['byWidth'][number]['fitted'];
    const reps = Array.from({ length: cfg.replicates }, (_, r) => r);
    const statsOf = (pick: (rep: number) => PerRep) => {
      const per = reps.map(pick);
      return {
        rms: meanSd(per.map((p) => p.all.rms)),
        p99Abs: meanSd(per.map((p) => p.all.p99Abs)),
        maxAbs: meanSd(per.map((p) => p.all.maxAbs)),
        byCase: Object.fromEntries(CASE_NAMES.map((name, ci) => [name, meanSd(per.map((p) => p.byCase[ci]))])),
      };
    };
    const rows = cfg.arms.flatMap(({ m, s }) =>
      widths.map((d) => {
        const arm = armName({ m, s });
        const fitted = statsOf((rep) => part(arm, rep).byWidth[widths.indexOf(d)].fitted);
        const kaarel = statsOf((rep) => part(arm, rep).byWidth[widths.indexOf(d)].kaarel);
        // Balanced RMS² is the mean over cases of variance/d + bias².
        const predictedMs =
          CASES.reduce((acc, [a, b]) => {
            const p = signAndPrediction(s, a as 0 | 1, b as 0 | 1);
            return acc + p.k ** 2 / d + (p.mean - andTarget(a, b)) ** 2;
          }, 0) / 4;
        return {
          arm,
          m,
          s,
          d,
          trainSamples: samplesAt(cfg, d),
          fitted,
          kaarel,
          kaarelPredictedRms: Math.sqrt(predictedMs),
          kaarelOverFitted: meanSd(reps.map((r) => kaarel.rms.values[r] / fitted.rms.values[r])),
        };
      }),
    );
    const endPoint = (r: (typeof rows)[number]) => ({ d: r.d, fittedRms: r.fitted.rms, kaarelRms: r.kaarel.rms, kaarelPredictedRms: r.kaarelPredictedRms, kaarelOverFitted: r.kaarelOverFitted });
    const byArm = Object.fromEntries(
      cfg.arms.map((a) => {
        const arm = armName(a);
        const mine = rows.filter((r) => r.arm === arm);
        const perRep = (f: (rep: number) => number) => meanSd(reps.map(f));
        const last = mine.slice(-2);
        const fitted = perRep((rep) => logLogSlope(widths, mine.map((r) => r.fitted.rms.values[rep])));
        const fittedLastPair = perRep((rep) => logLogSlope(last.map((r) => r.d), last.map((r) => r.fitted.rms.values[rep])));
        const kaarel = perRep((rep) => logLogSlope(widths, mine.map((r) => r.kaarel.rms.values[rep])));
        return [
          arm,
          {
            fitted,
            fittedLastPair,
            kaarel,
            fittedCi: ci(fitted.values),
            fittedLastPairCi: ci(fittedLastPair.values),
            kaarelCi: ci(kaarel.values),
            predicted: -0.5,
            narrowest: endPoint(mine[0]),
            widest: endPoint(mine[mine.length - 1]),
          },
        ];
      }),
    );
    const localSlopes = cfg.arms.flatMap((a) => {
      const arm = armName(a);
      const mine = rows.filter((r) => r.arm === arm);
      return mine.slice(1).map((hi, t) => {
        const lo = mine[t];
        const slope = (pick: (r: (typeof rows)[number]) => number[]) => meanSd(reps.map((rep) => logLogSlope([lo.d, hi.d], [pick(lo)[rep], pick(hi)[rep]])));
        return { arm, dFrom: lo.d, dTo: hi.d, fitted: slope((r) => r.fitted.rms.values), kaarel: slope((r) => r.kaarel.rms.values) };
      });
    });
    return { rows, byArm, localSlopes, signConstants: Object.fromEntries(cfg.arms.map(({ s }) => [`s${s}`, signConstant(s)])) };
  },
});
