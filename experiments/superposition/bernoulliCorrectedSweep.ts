import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { bootstrapInterval } from '../lib/bootstrap';
import { fitPowerLaw } from '../lib/fits';
import { meanSd, meanSdSchema } from '../lib/stats';
import { sampleBernoulliLayer } from './bernoulliLayer';
import { correctionConstants, correctedRmsApprox, groupMean, pairGroups } from './bernoulliCorrected';
import { predictRms } from './bernoulliTheory';
import { CASES, choosePairs, pairCaseActive } from './sparseInputs';

const config = z
  .object({
    /** Base seed; replicate r at (d, p) draws its layer from `layer/r/d/p`, pairs and inputs likewise. */
    seed: z.number().int().nonnegative(),
    /** Independent replicates (layers, pairs, inputs); bootstrap intervals resample them. */
    replicates: z.number().int().min(2).max(20),
    /** Number of boolean features (orthonormal inputs). */
    m: z.number().int().min(10).max(100_000),
    /** Widths, ascending. */
    ds: z.array(z.number().int().min(4).max(16_384)).min(3),
    /** Connection probabilities; each readoff keeps its best per width. */
    ps: z.array(z.number().gt(0).lt(1)).min(3),
    /** Other features on besides the pair. */
    sPrimes: z.array(z.number().int().min(1).max(16)).min(1),
    /** Random pairs per layer. */
    pairs: z.number().int().min(1),
    /** Inputs per pair and per case. */
    inputsPerCase: z.number().int().min(1),
  })
  .strict();

const READOFFS = ['plain', 'corrected'] as const;
const interval = z.object({ estimate: z.number(), lo: z.number(), hi: z.number() });

const result = z.object({
  setup: z.object({ m: z.number(), replicates: z.number(), dMin: z.number(), dMax: z.number() }),
  /** RMS (four cases weighted equally) per (s′, d, p), both readoffs, with the exact and leading-order predictions. */
  grid: z.array(
    z.object({
      sPrime: z.number().int(),
      d: z.number().int(),
      p: z.number(),
      plain: meanSdSchema,
      corrected: meanSdSchema,
      plainExact: z.number(),
      correctedApprox: z.number(),
    }),
  ),
  /** The best p on the grid and its RMS, per replicate, then mean ± sd. */
  best: z.array(z.object({ sPrime: z.number().int(), d: z.number().int(), readoff: z.enum(READOFFS), p: meanSdSchema, rms: meanSdSchema })),
  /** Exponent of the best RMS against d over every swept width, with a bootstrap interval over replicates. */
  exponents: z.array(z.object({ sPrime: z.number().int(), readoff: z.enum(READOFFS), exponent: interval })),
  summary: z.object({
    /** Largest |mean error| of the corrected readoff per case, over cells with dp² ≥ 4, in units of its RMS there. */
    correctedMaxAbsBiasOverRms: z.number(),
    /** Corrected over plain best RMS at the largest width, per s′ (smallest and largest s′). */
    gainAtMaxDSMin: z.number(),
    gainAtMaxDSMax: z.number(),
  }),
});
/** The experiment's results, as stored in its artifact and read by its figures. */
export type BernoulliCorrectedSweepResult = z.output<typeof result>;

type Cell = { sPrime: number; d: number; p: number; rms: [number, number]; bias: number[]; dp2: number };
interface Partial {
  r: number;
  cells: Cell[];
}

export const bernoulliCorrectedSweep = defineExperiment({
  id: 'bernoulli-corrected-sweep',
  title: "The post's 0/1 layer with a bias-corrected readoff",
  description:
    "The post's readoff of the 0/1 layer is biased by s′p, which forces p to fall and gives an error of order d^(−1/3). Subtracting the mean outputs of the neurons wired to only one of the two features, plus a known constant, removes the bias in all four cases. Both readoffs are measured on the same layers over a grid of widths and p, and the best error's exponent in d is fitted with a bootstrap interval.",
  module: import.meta.url,
  config,
  profiles: {
    quick: { seed: 0, replicates: 2, m: 200, ds: [128, 512, 2048], ps: [0.04, 0.08, 0.16, 0.32], sPrimes: [1, 2, 4], pairs: 15, inputsPerCase: 4 },
    full: {
      seed: 0,
      replicates: 5,
      m: 500,
      ds: [256, 512, 1024, 2048, 4096],
      ps: [0.02, 0.028, 0.04, 0.056, 0.08, 0.11, 0.16, 0.22, 0.3, 0.4, 0.5],
      sPrimes: [1, 2, 4],
      pairs: 40,
      inputsPerCase: 8,
    },
  },
  result,
  timeLimitSeconds: { quick: 60, full: 400 },
  unitGrid: ['replicates'],
  units: (cfg) => Array.from({ length: cfg.replicates }, (_, r) => ({ label: `replicate${r}`, r })),
  async runUnit(cfg, unit, ctx): Promise<Partial> {
    const { m } = cfg;
    const r = unit.r;
    const cells: Cell[] = [];
    const bar = ctx.progress(unit.label, cfg.ds.length * cfg.ps.length);
    for (const d of cfg.ds) {
      for (const p of cfg.ps) {
        ctx.signal.throwIfAborted();
        const layer = sampleBernoulliLayer(ctx.rng(`layer/${r}/${d}/${p}`), m, d, p);
        const pairs = choosePairs(ctx.rng(`pairs/${r}/${d}/${p}`), m, cfg.pairs);
        const groups = pairs.map(([i, j]) => pairGroups(layer, i, j));
        for (const sPrime of cfg.sPrimes) {
          const rng = ctx.rng(`inputs/${r}/${d}/${p}/${sPrime}`);
          const { b0, scale } = correctionConstants(sPrime, p);
          const sq = [0, 0];
          const caseSum = CASES.map(() => 0);
          let n = 0;
          pairs.forEach(([i, j], pi) => {
            const g = groups[pi];
            CASES.forEach(([a, b], ci) => {
              for (let t = 0; t < cfg.inputsPerCase; t++) {
                const active = pairCaseActive(rng, m, sPrime + a + b, i, j, a, b);
                const sh = groupMean(layer, g.shared, active);
                const target = a & b;
                const plain = sh - target;
                const corrected = (sh - groupMean(layer, g.onlyA, active) - groupMean(layer, g.onlyB, active) + b0) * scale - target;
                sq[0] += plain * plain;
                sq[1] += corrected * corrected;
                caseSum[ci] += corrected;
                n++;
              }
            });
          });
          const perCase = n / CASES.length;
          cells.push({ sPrime, d, p, rms: [Math.sqrt(sq[0] / n), Math.sqrt(sq[1] / n)], bias: caseSum.map((v) => v / perCase), dp2: d * p * p });
        }
        bar.tick();
      }
    }
    bar.done();
    return { r, cells };
  },
  merge(cfg, partials, rng) {
    const R = partials.length;
    const cellOf = (r: number, sPrime: number, d: number, p: number) => partials[r].cells.find((c) => c.sPrime === sPrime && c.d === d && c.p === p)!;
    const grid = cfg.sPrimes.flatMap((sPrime) =>
      cfg.ds.flatMap((d) =>
        cfg.ps.map((p) => {
          const cs = partials.map((_, r) => cellOf(r, sPrime, d, p));
          return {
            sPrime,
            d,
            p,
            plain: meanSd(cs.map((c) => c.rms[0])),
            corrected: meanSd(cs.map((c) => c.rms[1])),
            plainExact: predictRms(sPrime, p, d),
            correctedApprox: correctedRmsApprox(sPrime, p, d),
          };
        }),
      ),
    );
    // bestOf[readoff][sPrime][r][d] = { p, rms }
    const bestOf = (ri: number, sPrime: number, r: number, d: number) => {
      let best = { p: NaN, rms: Infinity };
      for (const p of cfg.ps) {
        const v = cellOf(r, sPrime, d, p).rms[ri];
        if (v < best.rms) best = { p, rms: v };
      }
      return best;
    };
    const best: z.input<typeof result>['best'] = [];
    const exponents: z.input<typeof result>['exponents'] = [];
    const bootstrapRng = rng('bootstrap');
    for (const sPrime of cfg.sPrimes) {
      READOFFS.forEach((readoff, ri) => {
        const table = Array.from({ length: R }, (_, r) => cfg.ds.map((d) => bestOf(ri, sPrime, r, d)));
        cfg.ds.forEach((d, di) => best.push({ sPrime, d, readoff, p: meanSd(table.map((t) => t[di].p)), rms: meanSd(table.map((t) => t[di].rms)) }));
        const stat = (idx: ArrayLike<number>) => {
          const xs: number[] = [];
          const ys: number[] = [];
          for (let t = 0; t < idx.length; t++) cfg.ds.forEach((d, di) => (xs.push(d), ys.push(table[idx[t]][di].rms)));
          return fitPowerLaw(xs, ys).exponent;
        };
        const iv = bootstrapInterval(R, stat, bootstrapRng);
        exponents.push({ sPrime, readoff, exponent: { estimate: stat(Int32Array.from({ length: R }, (_, r) => r)), lo: iv.lo, hi: iv.hi } });
      });
    }
    const biasRatios = partials.flatMap((part) => part.cells.filter((c) => c.dp2 >= 4).flatMap((c) => c.bias.map((b) => Math.abs(b) / c.rms[1])));
    const dMax = cfg.ds[cfg.ds.length - 1];
    const gain = (sPrime: number) => {
      const rows = best.filter((b) => b.sPrime === sPrime && b.d === dMax);
      return rows.find((b) => b.readoff === 'corrected')!.rms.mean / rows.find((b) => b.readoff === 'plain')!.rms.mean;
    };
    return {
      setup: { m: cfg.m, replicates: R, dMin: cfg.ds[0], dMax },
      grid,
      best,
      exponents,
      summary: {
        correctedMaxAbsBiasOverRms: Math.max(...biasRatios),
        gainAtMaxDSMin: gain(Math.min(...cfg.sPrimes)),
        gainAtMaxDSMax: gain(Math.max(...cfg.sPrimes)),
      },
    };
  },
});
