/**
 * How the jake-replication conclusions move with training length: reads the checkpoint curves of jake-replication
 * (m = 50) and jake-replication-m100 (the comment's size) and compares, per width and function, the trained and
 * frozen conditions at the previous page's budget (900 steps) and at the end of training. Computes nothing new.
 */
import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { jakeReplication, jakeReplicationM100, type JakeReplicationResult } from './jakeReplication';

const config = z
  .object({
    seed: z.number().int().nonnegative(),
    /** The checkpoint compared with the end of training: the step count the page used before it trained to a rule. */
    earlyStep: z.number().int().min(1),
    /** The loss setting whose curves are read. */
    loss: z.string(),
  })
  .strict();

const point = z.object({
  step: z.number().int(),
  /** ‖W − W₀‖/‖W₀‖ of the trained layer. */
  layerChange: z.number(),
  /** Frozen over trained: balanced RMS, and largest |error|. */
  rmsRatio: z.number(),
  maxRatio: z.number(),
  /** Largest |error|, trained and frozen. */
  trainedMax: z.number(),
  frozenMax: z.number(),
});
const comparison = z.object({ early: point, final: point });

const result = z.object({
  /** Keyed by size (`m50`, `m100`), width (`d100`), function (`and`, `xor`). */
  sizes: z.record(z.string(), z.record(z.string(), z.record(z.string(), comparison))),
  /** Each size's widest and narrowest width (one and the same at m = 100), keyed size then function, named so that prose can cite them in every profile. */
  widest: z.record(z.string(), z.record(z.string(), comparison)),
  narrowest: z.record(z.string(), z.record(z.string(), comparison)),
  /** Over every size, width and function: the extremes the prose cites. */
  summary: z.object({
    /** Smallest and largest trained-layer change at the end, and the largest at the early checkpoint. */
    finalLayerChangeMin: z.number(),
    finalLayerChangeMax: z.number(),
    earlyLayerChangeMax: z.number(),
    /** Frozen/trained RMS ratio at the end: its range. */
    finalRmsRatioMin: z.number(),
    finalRmsRatioMax: z.number(),
    /** Frozen/trained largest-error ratio for AND at the end: its range; and at the early checkpoint, its largest. */
    finalAndMaxRatioMin: z.number(),
    finalAndMaxRatioMax: z.number(),
    earlyAndMaxRatioMax: z.number(),
  }),
});
export type JakeTrainingLengthResult = z.output<typeof result>;

type Curve = JakeReplicationResult['byLoss'][string]['curves'][string];

/** The comparison at one checkpoint row of the trained and frozen curves. */
export function comparePoint(trained: Curve['final'], frozen: Curve['final']): z.input<typeof point> {
  return {
    step: trained.step,
    layerChange: trained.layerChange,
    rmsRatio: frozen.balancedRms / trained.balancedRms,
    maxRatio: frozen.maxAbs / trained.maxAbs,
    trainedMax: trained.maxAbs,
    frozenMax: frozen.maxAbs,
  };
}

/** Per width and function of one jake result: early checkpoint against the end of training. */
export function compareCurves(res: JakeReplicationResult, loss: string, earlyStep: number) {
  const L = res.byLoss[loss];
  if (!L) throw new Error(`jake-training-length: no loss setting ${loss} (have ${Object.keys(res.byLoss).join(', ')})`);
  const out: Record<string, Record<string, z.input<typeof comparison>>> = {};
  for (const dKey of Object.keys(L.byWidth)) {
    for (const fn of ['and', 'xor']) {
      const t = L.curves[`${dKey}/${fn}/trained`];
      const f = L.curves[`${dKey}/${fn}/frozen`];
      const at = (c: Curve) => {
        const row = c.checkpoints.find((p) => p.step === earlyStep);
        if (!row) throw new Error(`jake-training-length: no checkpoint at step ${earlyStep} for ${dKey}/${fn}`);
        return row;
      };
      (out[dKey] ??= {})[fn] = { early: comparePoint(at(t), at(f)), final: comparePoint(t.final, f.final) };
    }
  }
  return out;
}

export const jakeTrainingLength = defineExperiment({
  id: 'jake-training-length',
  title: "Jake Mendel's experiment: what changes between 900 steps and the end of training",
  description:
    'Reads the checkpoint curves of jake-replication (m = 50, three widths) and jake-replication-m100 (m = d0 = d = 100) and compares the trained and frozen first layers at 900 steps (the earlier budget) and at the end of training: how far the trained layer moved, and the frozen/trained ratios of balanced RMS and of the largest error.',
  module: import.meta.url,
  config,
  profiles: {
    quick: { seed: 0, earlyStep: 50, loss: 'p6w1' },
    full: { seed: 0, earlyStep: 900, loss: 'p6w1' },
  },
  result,
  upstream: [jakeReplication.id, jakeReplicationM100.id],
  timeLimitSeconds: { quick: 30, full: 60 },
  async run(cfg, ctx) {
    const sizes = {
      m50: compareCurves(ctx.upstream(jakeReplication).results, cfg.loss, cfg.earlyStep),
      m100: compareCurves(ctx.upstream(jakeReplicationM100).results, cfg.loss, cfg.earlyStep),
    };
    const all = Object.values(sizes).flatMap((bySize) => Object.values(bySize).flatMap((byFn) => Object.entries(byFn)));
    const and = all.filter(([fn]) => fn === 'and').map(([, c]) => c);
    const cs = all.map(([, c]) => c);
    const byWidth = (bySize: Record<string, Record<string, z.input<typeof comparison>>>) =>
      Object.keys(bySize).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))).map((k) => bySize[k]);
    const widestOf = (bySize: Record<string, Record<string, z.input<typeof comparison>>>) => byWidth(bySize).at(-1)!;
    const narrowestOf = (bySize: Record<string, Record<string, z.input<typeof comparison>>>) => byWidth(bySize)[0];
    return {
      sizes,
      widest: { m50: widestOf(sizes.m50), m100: widestOf(sizes.m100) },
      narrowest: { m50: narrowestOf(sizes.m50), m100: narrowestOf(sizes.m100) },
      summary: {
        finalLayerChangeMin: Math.min(...cs.map((c) => c.final.layerChange)),
        finalLayerChangeMax: Math.max(...cs.map((c) => c.final.layerChange)),
        earlyLayerChangeMax: Math.max(...cs.map((c) => c.early.layerChange)),
        finalRmsRatioMin: Math.min(...cs.map((c) => c.final.rmsRatio)),
        finalRmsRatioMax: Math.max(...cs.map((c) => c.final.rmsRatio)),
        finalAndMaxRatioMin: Math.min(...and.map((c) => c.final.maxRatio)),
        finalAndMaxRatioMax: Math.max(...and.map((c) => c.final.maxRatio)),
        earlyAndMaxRatioMax: Math.max(...and.map((c) => c.early.maxRatio)),
      },
    };
  },
});
