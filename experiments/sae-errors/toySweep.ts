/**
 * Setting A across dimensions: collects each d's Gurnee ratios, scan statistics and prediction-(b) ratios into
 * rows for the page's central figures and named fields for its claims. Runs no model.
 */
import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { HEADS, type HeadName } from './toyEval';
import type { ToyResult } from './toyExperiment';
import { TOY_IDS, TOY_REPLICATE_IDS } from './toySettings';

const ci = z.object({ ratio: z.number(), lo: z.number(), hi: z.number() });
const perHead = z.object({
  vsRandom: ci,
  vsCov: ci,
  vsShuffled: ci,
  normCorrectedVsRandom: ci,
  saeJitter: ci,
  saeSwap: ci,
  oracleJitter: ci,
  truthJitter: ci,
  truthSwap: ci,
  featurePercentile: z.number(),
  featureOverRandom: z.number(),
  mixtureRatio: z.number(),
  spearmanMaxCos: z.number(),
  partialSpearmanGivenQ: z.number(),
  /** A3: log-log slopes of KL along +e_i (off→on) and random lines. */
  slopeFeatureOn: z.number(),
  slopeRandom: z.number(),
});
const spread = z.object({ min: z.number(), max: z.number(), minLo: z.number(), maxLo: z.number(), maxHi: z.number() });
const seedSpreads = z.object({ vsRandom: spread, vsCov: spread, saeJitter: spread });
const perD = z.object(Object.fromEntries(HEADS.map((h) => [h, perHead])) as Record<HeadName, typeof perHead>);

const result = z.object({
  ds: z.array(z.number().int()),
  /** Per d, the radius of the (a) verdict (the main SAE's median error norm). */
  scanRadius: z.array(z.object({ d: z.number().int(), radius: z.number() })),
  /** Keyed d16, d32, …; `smallest` and `largest` repeat the ends of the sweep so prose can name them. */
  byD: z.record(z.string(), perD),
  smallest: perD,
  largest: perD,
  /** Tidy rows: ratio of mean KL over ε-random (or a named baseline) per d, head and comparison. */
  rows: z.array(z.object({ d: z.number().int(), head: z.string(), comparison: z.string(), ratio: z.number(), lo: z.number(), hi: z.number() })),
  scanRows: z.array(z.object({ d: z.number().int(), head: z.string(), featurePercentile: z.number(), mixtureRatio: z.number(), spearmanMaxCos: z.number(), partialSpearmanGivenQ: z.number() })),
  /** Every seed's run (the primary and the replicates). */
  seeds: z.array(z.number().int()),
  /**
   * Across seeds, per d (keys as in byD, plus smallest/largest) and head: for the Gurnee ratio, SAE / cov-random and
   * SAE latent jitter, the smallest and largest ratio, the smallest and largest lower bound, and the largest upper bound.
   */
  acrossSeeds: z.record(z.string(), z.object(Object.fromEntries(HEADS.map((h) => [h, seedSpreads])) as Record<HeadName, typeof seedSpreads>)),
  /** Tidy rows per seed: d, seed, head, comparison and the ratio with its interval. */
  seedRows: z.array(z.object({ d: z.number().int(), seed: z.number().int(), head: z.string(), comparison: z.string(), ratio: z.number(), lo: z.number(), hi: z.number() })),
  /** Every trained head (MLP, noise-trained MLP, linear) of every run, primary and replicate seeds: steps, what stopped it, and the held-out loss's fall over the last quarter of its curve. */
  headTraining: z.array(z.object({ d: z.number().int(), seed: z.number().int(), head: z.string(), steps: z.number().int(), stoppedBy: z.string(), lastQuarterDrop: z.number() })),
  /** Over headTraining: heads trained, heads stopped by the step cap, and the largest last-quarter fall among those. */
  headsTrained: z.number().int(),
  headsAtCap: z.number().int(),
  maxDropAtCap: z.number(),
  /** Wall time of the per-d experiments' phases, and the heads' training FLOP rate. */
  timing: z.array(z.object({ d: z.number().int(), headTrainSeconds: z.number(), headTrainCpuSeconds: z.number(), headTrainGflops: z.number(), headTrainGflopsPerCpuSecond: z.number(), saeTrainSeconds: z.number(), evalSeconds: z.number() })),
});

export const toySweep = defineExperiment({
  id: 'sae-toy-sweep',
  title: 'SAE errors in the toy model, across dimensions',
  description: 'Collects the per-dimension toy experiments: the Gurnee ratio, the scan statistics and prediction (b) against d for every head.',
  module: import.meta.url,
  config: z.object({ seed: z.number().int().nonnegative() }).strict(),
  profiles: { quick: { seed: 0 }, full: { seed: 0 } },
  result,
  upstream: [...TOY_IDS, ...TOY_REPLICATE_IDS],
  timeLimitSeconds: { quick: 30, full: 60 },
  tolerances: { 'timing.*.*': { measured: true }, 'timing.*.d': {} },
  async run(_cfg, ctx) {
    const all = TOY_IDS.map((id) => ctx.upstream(id).results as ToyResult).sort((a, b) => a.d - b.d);
    const pick = (c: { ratio: number; lo: number; hi: number }) => ({ ratio: c.ratio, lo: c.lo, hi: c.hi });
    const byD: Record<string, z.infer<typeof perD>> = {};
    const rows: z.infer<typeof result>['rows'] = [];
    const scanRows: z.infer<typeof result>['scanRows'] = [];
    for (const r of all) {
      const entry = {} as z.infer<typeof perD>;
      for (const h of HEADS) {
        const g = r.gurnee[h];
        const a = r.a4main[h];
        const s = r.scan[h];
        entry[h] = {
          vsRandom: pick(g.vsRandom),
          vsCov: pick(g.vsCov),
          vsShuffled: pick(g.vsShuffled),
          normCorrectedVsRandom: pick(g.normCorrectedVsRandom),
          saeJitter: pick(a.saeJitter),
          saeSwap: pick(a.saeSwap),
          oracleJitter: pick(a.oracleJitter),
          truthJitter: pick(a.truthJitter),
          truthSwap: pick(a.truthSwap),
          featurePercentile: s.featurePercentile,
          featureOverRandom: s.featureOverRandom,
          mixtureRatio: s.mixtureRatio,
          spearmanMaxCos: s.spearmanMaxCos,
          partialSpearmanGivenQ: s.partialSpearmanGivenQ,
          slopeFeatureOn: r.lineSlopes[h].featureOn,
          slopeRandom: r.lineSlopes[h].random,
        };
        const comps = { 'SAE / ε-random': g.vsRandom, 'SAE / cov-random': g.vsCov, 'SAE / shuffled error': g.vsShuffled, 'norm-corrected SAE / ε-random': g.normCorrectedVsRandom, 'SAE latent jitter / ε-random': a.saeJitter, 'SAE latent swap / ε-random': a.saeSwap, 'oracle latent jitter / ε-random': a.oracleJitter, 'true-feature jitter / ε-random': a.truthJitter, 'true-feature swap / ε-random': a.truthSwap };
        for (const [comparison, c] of Object.entries(comps)) rows.push({ d: r.d, head: h, comparison, ...pick(c) });
        scanRows.push({ d: r.d, head: h, featurePercentile: s.featurePercentile, mixtureRatio: s.mixtureRatio, spearmanMaxCos: s.spearmanMaxCos, partialSpearmanGivenQ: s.partialSpearmanGivenQ });
      }
      byD[`d${r.d}`] = entry;
    }
    const replicates = TOY_REPLICATE_IDS.map((id) => ({ res: ctx.upstream(id).results as ToyResult, seed: (ctx.upstream(id).config as { seed: number }).seed }));
    const runs = [...all.map((res) => ({ res, seed: (ctx.upstream(TOY_IDS.find((id) => id.endsWith(`d${res.d}`))!).config as { seed: number }).seed })), ...replicates];
    const seedRows: z.infer<typeof result>['seedRows'] = [];
    const acrossSeeds: z.infer<typeof result>['acrossSeeds'] = {};
    for (const r of all) {
      const mine = runs.filter((x) => x.res.d === r.d);
      const entry = {} as z.infer<typeof result>['acrossSeeds'][string];
      for (const h of HEADS) {
        const get = (x: ToyResult) => ({ vsRandom: x.gurnee[h].vsRandom, vsCov: x.gurnee[h].vsCov, saeJitter: x.a4main[h].saeJitter });
        const sp = (k: 'vsRandom' | 'vsCov' | 'saeJitter') => {
          const cs = mine.map((x) => get(x.res)[k]);
          return { min: Math.min(...cs.map((c) => c.ratio)), max: Math.max(...cs.map((c) => c.ratio)), minLo: Math.min(...cs.map((c) => c.lo)), maxLo: Math.max(...cs.map((c) => c.lo)), maxHi: Math.max(...cs.map((c) => c.hi)) };
        };
        entry[h] = { vsRandom: sp('vsRandom'), vsCov: sp('vsCov'), saeJitter: sp('saeJitter') };
        for (const x of mine) {
          const g = get(x.res);
          seedRows.push({ d: r.d, seed: x.seed, head: h, comparison: 'SAE / ε-random', ...pick(g.vsRandom) }, { d: r.d, seed: x.seed, head: h, comparison: 'SAE / cov-random', ...pick(g.vsCov) }, { d: r.d, seed: x.seed, head: h, comparison: 'SAE latent jitter / ε-random', ...pick(g.saeJitter) });
        }
      }
      acrossSeeds[`d${r.d}`] = entry;
    }
    const headTraining = runs.flatMap(({ res, seed }) =>
      res.heads.filter((h) => h.stoppedBy !== 'untrained' && !h.head.endsWith('Temp')).map((h) => ({ d: res.d, seed, head: h.head, steps: h.steps, stoppedBy: h.stoppedBy, lastQuarterDrop: h.lastQuarterDrop })),
    );
    const atCap = headTraining.filter((h) => h.stoppedBy === 'maxSteps');
    acrossSeeds.smallest = acrossSeeds[`d${all[0].d}`];
    acrossSeeds.largest = acrossSeeds[`d${all[all.length - 1].d}`];
    return {
      headTraining,
      headsTrained: headTraining.length,
      headsAtCap: atCap.length,
      maxDropAtCap: atCap.length ? Math.max(...atCap.map((h) => h.lastQuarterDrop)) : 0,
      seeds: [...new Set(runs.map((x) => x.seed))].sort((a, b) => a - b),
      acrossSeeds,
      seedRows,
      ds: all.map((r) => r.d),
      scanRadius: all.map((r) => ({ d: r.d, radius: r.scanRadius })),
      byD,
      smallest: byD[`d${all[0].d}`],
      largest: byD[`d${all[all.length - 1].d}`],
      rows,
      scanRows,
      timing: all.map((r) => ({ d: r.d, ...r.timing })),
    };
  },
});
