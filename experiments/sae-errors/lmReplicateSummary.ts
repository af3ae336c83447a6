/**
 * Setting B across its replicates: two language models (seeds 11 and 12) × two hooks (before block 1, after the last
 * block). Collects each run's B1–B3 verdict statistics into rows for the page's table and figure, and the extremes
 * over the four runs that the page's "in every run" claims test. Runs no model.
 */
import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { lmSplice, type LmSpliceConfig, type LmSpliceResult } from './lmSplice';
import { lmSpliceReplicates } from './lmSpliceReplicates';
import type { LmTrainConfig, LmTrainResult } from './lmTrain';

/** The four runs: each splice experiment and the language model it reads. */
const SPLICES = [lmSplice, ...lmSpliceReplicates];
export const LM_RUNS = SPLICES.map((e) => ({ splice: e.id, model: e.upstream![0] }));

const ci = z.object({ ratio: z.number(), lo: z.number(), hi: z.number() });
const run = z.object({
  id: z.string(),
  label: z.string(),
  modelSeed: z.number().int(),
  hook: z.number().int(),
  heldOutLoss: z.number(),
  modelSteps: z.number().int(),
  modelStoppedBy: z.string(),
  /** The main (k = 16) SAE's FVU and CE recovered (mean ablation). */
  fvu: z.number(),
  ceRecoveredMean: z.number(),
  vsRandom: ci,
  vsCov: ci,
  /** Over the TopK SAEs: smallest lower bound of SAE / ε-random; k = 4's SAE / cov-random. */
  topkMinLoVsRandom: z.number(),
  k4VsCov: ci,
  /** Largest upper bound of SAE / cov-random over the TopK SAEs with k ≥ 8 and the L1 SAE. */
  maxHiVsCovK8Up: z.number(),
  /** Smallest lower bound of SAE / shuffled error over the TopK SAEs. */
  topkMinLoVsShuffled: z.number(),
  saeRowsPercentile: z.number(),
  saeRowsOverRandom: z.number(),
  mixtureRatio: z.number(),
  /** Largest mean-KL ratio over random of the data's own directions (PCA, differences, cov-random), over SAE rows'. */
  dataDirsOverSaeRows: z.number(),
  minDataDirsOverSaeRows: z.number(),
  jitterVsRandom: ci,
  swapVsRandom: ci,
  jitterVsCov: ci,
  swapVsCov: ci,
  jitterVsShuffled: ci,
  swapVsShuffled: ci,
});

const result = z.object({
  runs: z.array(run),
  /** Tidy rows for the B1 figure: every run, SAE and baseline. */
  rows: z.array(z.object({ run: z.string(), sae: z.string(), l0: z.number(), vs: z.string(), ratio: z.number(), lo: z.number(), hi: z.number() })),
  /** Extremes over the four runs. */
  across: z.object({
    runs: z.number().int(),
    minTopkLoVsRandom: z.number(),
    minVsRandom: z.number(),
    maxVsRandom: z.number(),
    maxHiVsCovK8Up: z.number(),
    /** Runs where k = 4's SAE / cov-random is above 1 (lower bound > 1) and below 1 (upper bound < 1). */
    k4AboveCov: z.number().int(),
    k4BelowCov: z.number().int(),
    minTopkLoVsShuffled: z.number(),
    maxSaeRowsPercentile: z.number(),
    maxMixtureRatio: z.number(),
    minDataDirsOverSaeRows: z.number(),
    minLatentLoVsRandom: z.number(),
    maxLatentHiVsCov: z.number(),
    minLatentLoVsShuffled: z.number(),
    /** Held-out loss of the two models (nats/char) and their difference. */
    heldOutLosses: z.array(z.number()),
  }),
});
export type LmReplicateSummaryResult = z.output<typeof result>;

export const lmReplicateSummary = defineExperiment({
  id: 'sae-lm-replicates',
  title: 'Setting B across two language-model seeds and two hooks',
  description: 'Collects the four splice runs (models with seeds 11 and 12, hooks before block 1 and after the last block): each run’s B1–B3 statistics and their extremes over the runs.',
  module: import.meta.url,
  config: z.object({ seed: z.number().int().nonnegative() }).strict(),
  profiles: { quick: { seed: 0 }, full: { seed: 0 } },
  result,
  upstream: [...new Set(LM_RUNS.flatMap((r) => [r.splice, r.model]))],
  timeLimitSeconds: { quick: 30, full: 60 },
  async run(_cfg, ctx) {
    const pick = (c: { ratio: number; lo: number; hi: number }) => ({ ratio: c.ratio, lo: c.lo, hi: c.hi });
    const rows: LmReplicateSummaryResult['rows'] = [];
    const runs = LM_RUNS.map(({ splice, model }) => {
      const up = ctx.upstream(splice);
      const r = up.results as LmSpliceResult;
      const cfg = up.config as LmSpliceConfig;
      const m = ctx.upstream(model);
      const mr = m.results as LmTrainResult;
      const mcfg = m.config as LmTrainConfig;
      const where = cfg.hook === mcfg.lm.layers ? 'after the last block' : cfg.hook === 0 ? 'before the first block' : `between blocks ${cfg.hook} and ${cfg.hook + 1}`;
      const label = `seed ${mcfg.seed}, ${where}`;
      const kindOf = (name: string) => cfg.saes.find((s) => s.name === name)!;
      for (const b of r.b1Ratios) rows.push({ run: label, sae: b.sae, l0: b.l0, vs: b.vs, ...pick(b) });
      const ratios = (vs: string, keep: (s: LmSpliceConfig['saes'][number]) => boolean) => r.b1Ratios.filter((b) => b.vs === vs && keep(kindOf(b.sae)));
      const k4 = r.b1Ratios.find((b) => b.vs === 'cov-random' && kindOf(b.sae).kind === 'topk' && kindOf(b.sae).k === 4);
      if (!k4) throw new Error(`${splice}: no TopK SAE with k = 4`);
      const main = r.saes.find((s) => s.name === cfg.mainSae)!;
      const sc = r.main.scan;
      const dataDirs = [sc.pcaOverRandom, sc.diffOverRandom, sc.covOverRandom].map((v) => v / sc.saeRowsOverRandom);
      return {
        id: splice,
        label,
        modelSeed: mcfg.seed,
        hook: cfg.hook,
        heldOutLoss: mr.heldOutLoss,
        modelSteps: mr.steps,
        modelStoppedBy: mr.stoppedBy,
        fvu: main.fvu,
        ceRecoveredMean: main.ceRecoveredMean,
        vsRandom: pick(r.main.vsRandom),
        vsCov: pick(r.main.vsCov),
        topkMinLoVsRandom: r.topkMinLoVsRandom,
        k4VsCov: pick(k4),
        maxHiVsCovK8Up: Math.max(...ratios('cov-random', (s) => s.kind !== 'topk' || s.k >= 8).map((b) => b.hi)),
        topkMinLoVsShuffled: Math.min(...ratios('shuffled error', (s) => s.kind === 'topk').map((b) => b.lo)),
        saeRowsPercentile: sc.saeRowsPercentile,
        saeRowsOverRandom: sc.saeRowsOverRandom,
        mixtureRatio: sc.mixtureRatio,
        dataDirsOverSaeRows: Math.max(...dataDirs),
        minDataDirsOverSaeRows: Math.min(...dataDirs),
        jitterVsRandom: pick(r.main.jitterVsRandom),
        swapVsRandom: pick(r.main.swapVsRandom),
        jitterVsCov: pick(r.main.jitterVsCov),
        swapVsCov: pick(r.main.swapVsCov),
        jitterVsShuffled: pick(r.main.jitterVsShuffled),
        swapVsShuffled: pick(r.main.swapVsShuffled),
      };
    });
    const min = (f: (x: (typeof runs)[number]) => number) => Math.min(...runs.map(f));
    const max = (f: (x: (typeof runs)[number]) => number) => Math.max(...runs.map(f));
    return {
      runs,
      rows,
      across: {
        runs: runs.length,
        minTopkLoVsRandom: min((x) => x.topkMinLoVsRandom),
        minVsRandom: min((x) => x.vsRandom.ratio),
        maxVsRandom: max((x) => x.vsRandom.ratio),
        maxHiVsCovK8Up: max((x) => x.maxHiVsCovK8Up),
        k4AboveCov: runs.filter((x) => x.k4VsCov.lo > 1).length,
        k4BelowCov: runs.filter((x) => x.k4VsCov.hi < 1).length,
        minTopkLoVsShuffled: min((x) => x.topkMinLoVsShuffled),
        maxSaeRowsPercentile: max((x) => x.saeRowsPercentile),
        maxMixtureRatio: max((x) => x.mixtureRatio),
        minDataDirsOverSaeRows: min((x) => x.minDataDirsOverSaeRows),
        minLatentLoVsRandom: min((x) => Math.min(x.jitterVsRandom.lo, x.swapVsRandom.lo)),
        maxLatentHiVsCov: max((x) => Math.max(x.jitterVsCov.hi, x.swapVsCov.hi)),
        minLatentLoVsShuffled: min((x) => Math.min(x.jitterVsShuffled.lo, x.swapVsShuffled.lo)),
        heldOutLosses: [...new Map(runs.map((x) => [x.modelSeed, x.heldOutLoss])).values()],
      },
    };
  },
});
