import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { pairReadoff, sampleBernoulliLayer, sharedNeurons } from './bernoulliLayer';
import { optimalP, optimalPApprox, postP, predictCase, predictRms, sharedCount } from './bernoulliTheory';
import { fitPowerLaw } from '../lib/fits';
import { exponentIntervalSchema, pooledExponent } from '../lib/exponentInterval';
import { meanSd, meanSdSchema } from '../lib/stats';
import { CASES, choosePairs, pairCaseActive } from './sparseInputs';

const config = z
  .object({
    /** Base seed; layer replicate r at (d, p) draws from the stream `layer/r/d/p`. */
    seed: z.number().int().nonnegative(),
    /** Independent layers (and pairs and inputs) per (d, p): the spread across them is reported. */
    replicates: z.number().int().min(1).max(20),
    /** Number of boolean features (no input superposition); the predictions do not depend on it. */
    m: z.number().int().min(10).max(100_000),
    /** Layer widths d. */
    ds: z.array(z.number().int().min(4).max(16_384)).min(1),
    /** Connection probabilities p. */
    ps: z.array(z.number().gt(0).max(1)).min(3),
    /** Numbers s' of other features on besides the pair under test (exactly s' in every input). */
    sPrimes: z.array(z.number().int().min(1).max(32)).min(1),
    /** Random pairs read off per layer. */
    pairs: z.number().int().min(1),
    /** Fresh inputs per pair and per case (x_α, x_β) ∈ {00, 10, 01, 11}. */
    inputsPerCase: z.number().int().min(1),
    /** Widths at which only the exact optimum is computed, to extend the best-p curve. */
    theoryDs: z.array(z.number().int().min(4).max(1 << 20)),
    /** Input dimension and width at which to report the post's own p = log²(d0)/√d. */
    postDim: z.number().int().min(2),
  })
  .strict();

const spread = meanSdSchema;
const caseRow = z.object({
  /** Measured over pairs with at least one shared neuron; spread across replicates. */
  bias: spread,
  variance: spread,
  biasExact: z.number(),
  varianceExact: z.number(),
  biasApprox: z.number(),
  varianceApprox: z.number(),
});

const result = z.object({
  grid: z.array(
    z.object({
      sPrime: z.number().int(),
      d: z.number().int(),
      p: z.number(),
      /** RMS error over the four cases weighted equally, pairs without a shared neuron reading 0. */
      rms: spread,
      rmsExact: z.number(),
      /** Share of pairs with no shared neuron, against (1 − p²)^d. */
      pNone: spread,
      pNoneExact: z.number(),
      /** '10' pools (1,0) and (0,1). */
      cases: z.object({ '00': caseRow, '10': caseRow, '11': caseRow }),
    }),
  ),
  bestP: z.array(
    z.object({
      sPrime: z.number().int(),
      d: z.number().int(),
      /** Per replicate: grid argmin of RMS refined by a parabola in (log p, log RMS). */
      p: spread,
      rms: spread,
      pExact: z.number(),
      rmsExact: z.number(),
      /** (2s'd)^(−1/3), the optimum of the leading-order trade-off (s'p)² + s'/(dp). */
      pApprox: z.number(),
    }),
  ),
  /** Exponent of best p against d, per s': measured (spread across replicates), from the exact RMS, and −1/3. */
  bestPExponent: z.array(z.object({ sPrime: z.number().int(), measured: spread, interval: exponentIntervalSchema, exact: z.number(), approx: z.number() })),
  /** Exponent of the best RMS against d, per s': measured, exact, and the leading-order −1/3. */
  bestRmsExponent: z.array(z.object({ sPrime: z.number().int(), measured: spread, interval: exponentIntervalSchema, exact: z.number(), approx: z.number() })),
  /** The exact optimum beyond the swept widths (theory only), to show where (2s'd)^(−1/3) takes over. */
  bestPTheory: z.array(z.object({ sPrime: z.number().int(), d: z.number().int(), pExact: z.number(), rmsExact: z.number(), pApprox: z.number() })),
  /** The best p at the smallest and largest width, for the smallest and largest s′ (named, for the prose). */
  headline: z.record(
    z.enum(['sMinDMin', 'sMinDMax', 'sMaxDMin', 'sMaxDMax']),
    z.object({ sPrime: z.number().int(), d: z.number().int(), p: spread, rms: spread, pExact: z.number(), rmsExact: z.number(), pApprox: z.number() }),
  ),
  /** The exact optimum over (2s′d)^(−1/3) at the largest theory width, for the smallest and largest s′. */
  largestTheory: z.object({ d: z.number().int(), ratioSMin: z.number(), ratioSMax: z.number() }),
  /** Summaries across the grid used by the prose. */
  agreement: z.object({
    /** Measured RMS / exact RMS over the grid. */
    rmsRatioMin: z.number(),
    rmsRatioMax: z.number(),
    /** Over cells with dp² ≥ 4: |measured − exact| bias on the (1,1) and (1,0) cases, largest. */
    biasOnMaxAbsDev: z.number(),
    /** Measured variance / exact variance on (1,1) and (1,0), over cells with dp² ≥ 4. */
    varianceOnRatioMin: z.number(),
    varianceOnRatioMax: z.number(),
    /**
     * Exact (1,1) variance over the source's s'(1−p)/(dp) across the grid: above 1 where dp² is a few (Jensen: E[1/N] > 1/E[N]),
     * far below 1 where dp² ≪ 1 (then N is mostly 1, not dp²), at the cell with the smallest dp².
     */
    varianceExactOverApproxMax: z.number(),
    varianceExactOverApproxAtMaxDp2: z.number(),
    varianceExactOverApproxAtMinDp2: z.number(),
    /** dp² at the grid's largest ratio, and at its smallest and largest dp². */
    dp2AtVarianceRatioMax: z.number(),
    dp2Min: z.number(),
    dp2Max: z.number(),
    /** Exact (0,0) bias / C(s',2)p² at the largest p and s'. */
    bias00ExactOverApproxLargeP: z.number(),
  }),
  post: z.object({
    dim: z.number().int(),
    /** log²(d0)/√d at d0 = d = dim. */
    pAtDim: z.number(),
    /** Smallest d = d0 ≥ dim at which the post's p drops below 1. */
    firstWidthBelowOne: z.number().int(),
    /** The post's p at the largest swept width, and the RMS-optimal p there (s' = smallest swept). */
    pAtMaxD: z.number(),
    optimalAtMaxD: z.number(),
  }),
});
/** The experiment's results, as stored in its artifact and read by its figures. */
export type BernoulliSweepResult = z.output<typeof result>;

type CaseKey = '00' | '10' | '11';
const caseKey = (a: number, b: number): CaseKey => (a && b ? '11' : a || b ? '10' : '00');

export const bernoulliSweep = defineExperiment({
  id: 'bernoulli-sweep',
  title: "The post's sparse 0/1 construction: bias, variance and the best p",
  description:
    "Neurons wired to each feature with probability p and biased by −1 fire only when two of their features are on; the AND of a pair is read off as the mean output of the neurons wired to both. Sweeping p and d with s' other features on measures the readoff's bias and variance against their exact closed forms and the source's approximations, and finds the RMS-optimal p per width.",
  module: import.meta.url,
  config,
  profiles: {
    quick: { seed: 0, replicates: 2, m: 300, ds: [256, 1024, 4096], ps: [0.02, 0.04, 0.07, 0.12, 0.2, 0.4], sPrimes: [1, 2, 4], pairs: 40, inputsPerCase: 5, theoryDs: [16384, 65536], postDim: 100 },
    full: {
      seed: 0,
      replicates: 5,
      m: 500,
      ds: [256, 512, 1024, 2048, 4096],
      ps: [0.02, 0.028, 0.04, 0.056, 0.08, 0.11, 0.16, 0.22, 0.3, 0.4],
      sPrimes: [1, 2, 4],
      pairs: 150,
      inputsPerCase: 10,
      theoryDs: [8192, 16384, 32768, 65536, 131072, 262144],
      postDim: 100,
    },
  },
  result,
  timeLimitSeconds: { quick: 30, full: 300 },
  async run(cfg, ctx) {
    const { m, ds, ps, sPrimes, replicates } = cfg;
    type Stat = { bias: number; variance: number };
    // measured[sPrime][d][p][replicate]
    const measured = new Map<string, { rms: number; pNone: number; cases: Record<CaseKey, Stat> }[]>();
    const key = (s: number, d: number, p: number) => `${s}/${d}/${p}`;
    const bar = ctx.progress('layers', replicates * ds.length * ps.length);
    for (let r = 0; r < replicates; r++) {
      for (const d of ds) {
        for (const p of ps) {
          ctx.signal.throwIfAborted();
          const layer = sampleBernoulliLayer(ctx.rng(`layer/${r}/${d}/${p}`), m, d, p);
          const pairs = choosePairs(ctx.rng(`pairs/${r}/${d}/${p}`), m, cfg.pairs);
          const shared = pairs.map(([i, j]) => sharedNeurons(layer, i, j));
          const pNone = shared.filter((s) => s.length === 0).length / pairs.length;
          for (const sPrime of sPrimes) {
            const rng = ctx.rng(`inputs/${r}/${d}/${p}/${sPrime}`);
            const acc = { '00': [] as number[], '10': [] as number[], '11': [] as number[] };
            let sq = 0;
            let count = 0;
            pairs.forEach(([i, j], pi) => {
              for (const [a, b] of CASES) {
                for (let t = 0; t < cfg.inputsPerCase; t++) {
                  const active = pairCaseActive(rng, m, sPrime + a + b, i, j, a, b);
                  const err = pairReadoff(layer, shared[pi], active) - (a & b);
                  sq += err * err;
                  count++;
                  if (shared[pi].length > 0) acc[caseKey(a, b)].push(err);
                }
              }
            });
            const stat = (e: number[]): Stat => {
              if (e.length === 0) return { bias: NaN, variance: NaN };
              const mean = e.reduce((s, v) => s + v, 0) / e.length;
              return { bias: mean, variance: e.reduce((s, v) => s + (v - mean) ** 2, 0) / e.length };
            };
            const list = measured.get(key(sPrime, d, p)) ?? [];
            list.push({ rms: Math.sqrt(sq / count), pNone, cases: { '00': stat(acc['00']), '10': stat(acc['10']), '11': stat(acc['11']) } });
            measured.set(key(sPrime, d, p), list);
          }
          bar.tick();
        }
      }
    }
    bar.done();

    const finite = (xs: number[]) => xs.filter(Number.isFinite);
    const grid = sPrimes.flatMap((sPrime) =>
      ds.flatMap((d) =>
        ps.map((p) => {
          const reps = measured.get(key(sPrime, d, p))!;
          const sc = sharedCount(d, p);
          const caseRow = (k: CaseKey, a: number, b: number) => {
            const pred = predictCase(a, b, sPrime, p, d, sc);
            const biasVals = finite(reps.map((x) => x.cases[k].bias));
            const varVals = finite(reps.map((x) => x.cases[k].variance));
            return {
              bias: biasVals.length ? meanSd(biasVals) : { mean: NaN, sd: NaN },
              variance: varVals.length ? meanSd(varVals) : { mean: NaN, sd: NaN },
              biasExact: pred.bias,
              varianceExact: pred.variance,
              biasApprox: pred.biasApprox,
              varianceApprox: pred.varianceApprox,
            };
          };
          return {
            sPrime,
            d,
            p,
            rms: meanSd(reps.map((x) => x.rms)),
            rmsExact: predictRms(sPrime, p, d),
            pNone: meanSd(reps.map((x) => x.pNone)),
            pNoneExact: sc.pNone,
            cases: { '00': caseRow('00', 0, 0), '10': caseRow('10', 1, 0), '11': caseRow('11', 1, 1) },
          };
        }),
      ),
    );

    const bestP = sPrimes.flatMap((sPrime) =>
      ds.map((d) => {
        const perRep = Array.from({ length: replicates }, (_, r) => refinedArgmin(ps, ps.map((p) => measured.get(key(sPrime, d, p))![r].rms)));
        const exact = optimalP(sPrime, d);
        return {
          sPrime,
          d,
          p: meanSd(perRep.map((x) => x.x)),
          rms: meanSd(perRep.map((x) => x.y)),
          pExact: exact.p,
          rmsExact: exact.rms,
          pApprox: optimalPApprox(sPrime, d),
        };
      }),
    );

    const exponents = (field: 'x' | 'y', exactField: 'pExact' | 'rmsExact') =>
      sPrimes.map((sPrime) => {
        const rows = bestP.filter((b) => b.sPrime === sPrime);
        const perRepYs = Array.from({ length: replicates }, (_, r) => ds.map((d) => refinedArgmin(ps, ps.map((p) => measured.get(key(sPrime, d, p))![r].rms))[field]));
        const perRep = perRepYs.map((ys) => fitPowerLaw(ds, ys).exponent);
        // Bootstrap over replicates of the pooled fit: the interval the page's claims check.
        const interval = pooledExponent(ds, perRepYs, ctx.rng(`bootstrap/${field}/${sPrime}`));
        return { sPrime, measured: meanSd(perRep), interval, exact: fitPowerLaw(ds, rows.map((b) => b[exactField])).exponent, approx: -1 / 3 };
      });
    const bestPTheory = sPrimes.flatMap((sPrime) =>
      [...ds, ...cfg.theoryDs].map((d) => {
        const exact = optimalP(sPrime, d);
        return { sPrime, d, pExact: exact.p, rmsExact: exact.rms, pApprox: optimalPApprox(sPrime, d) };
      }),
    );

    const well = grid.filter((g) => g.d * g.p * g.p >= 4);
    const onCases = well.flatMap((g) => [g.cases['10'], g.cases['11']]);
    const ratios = grid.map((g) => g.rms.mean / g.rmsExact);
    const sMax = Math.max(...sPrimes);
    const pMax = Math.max(...ps);
    const dMax = Math.max(...ds);
    const varRatio = grid.map((g) => ({ dp2: g.d * g.p * g.p, ratio: g.cases['11'].varianceExact / g.cases['11'].varianceApprox }));
    const byDp2 = [...varRatio].sort((x, y) => x.dp2 - y.dp2);
    const ratioMax = varRatio.reduce((best, v) => (v.ratio > best.ratio ? v : best));
    const zeroLarge = predictCase(0, 0, sMax, pMax, dMax);
    let firstWidthBelowOne = cfg.postDim;
    while (postP(firstWidthBelowOne, firstWidthBelowOne) >= 1) firstWidthBelowOne++;

    return {
      grid,
      bestP,
      bestPExponent: exponents('x', 'pExact'),
      bestRmsExponent: exponents('y', 'rmsExact'),
      bestPTheory,
      headline: {
        sMinDMin: bestP.find((b) => b.sPrime === Math.min(...sPrimes) && b.d === Math.min(...ds))!,
        sMinDMax: bestP.find((b) => b.sPrime === Math.min(...sPrimes) && b.d === dMax)!,
        sMaxDMin: bestP.find((b) => b.sPrime === sMax && b.d === Math.min(...ds))!,
        sMaxDMax: bestP.find((b) => b.sPrime === sMax && b.d === dMax)!,
      },
      largestTheory: (() => {
        const dTop = Math.max(...bestPTheory.map((t) => t.d));
        const at = (sPrime: number) => bestPTheory.find((t) => t.sPrime === sPrime && t.d === dTop)!;
        return { d: dTop, ratioSMin: at(Math.min(...sPrimes)).pExact / at(Math.min(...sPrimes)).pApprox, ratioSMax: at(sMax).pExact / at(sMax).pApprox };
      })(),
      agreement: {
        rmsRatioMin: Math.min(...ratios),
        rmsRatioMax: Math.max(...ratios),
        biasOnMaxAbsDev: Math.max(...onCases.map((c) => Math.abs(c.bias.mean - c.biasExact))),
        varianceOnRatioMin: Math.min(...onCases.map((c) => c.variance.mean / c.varianceExact)),
        varianceOnRatioMax: Math.max(...onCases.map((c) => c.variance.mean / c.varianceExact)),
        varianceExactOverApproxMax: ratioMax.ratio,
        varianceExactOverApproxAtMaxDp2: byDp2[byDp2.length - 1].ratio,
        varianceExactOverApproxAtMinDp2: byDp2[0].ratio,
        dp2AtVarianceRatioMax: ratioMax.dp2,
        dp2Min: byDp2[0].dp2,
        dp2Max: byDp2[byDp2.length - 1].dp2,
        bias00ExactOverApproxLargeP: zeroLarge.bias / zeroLarge.biasApprox,
      },
      post: {
        dim: cfg.postDim,
        pAtDim: postP(cfg.postDim, cfg.postDim),
        firstWidthBelowOne,
        pAtMaxD: postP(dMax, dMax),
        optimalAtMaxD: optimalP(Math.min(...sPrimes), dMax).p,
      },
    };
  },
});

/** Grid argmin of y(x), refined by the vertex of a parabola through the neighbours in (log x, log y). */
export function refinedArgmin(xs: readonly number[], ys: readonly number[]): { x: number; y: number } {
  let i = 0;
  for (let k = 1; k < ys.length; k++) if (ys[k] < ys[i]) i = k;
  if (i === 0 || i === ys.length - 1) return { x: xs[i], y: ys[i] };
  const [x0, x1, x2] = [xs[i - 1], xs[i], xs[i + 1]].map(Math.log);
  const [y0, y1, y2] = [ys[i - 1], ys[i], ys[i + 1]].map(Math.log);
  const denom = (x0 - x1) * (x0 - x2) * (x1 - x2);
  const A = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / denom;
  const B = (x2 * x2 * (y0 - y1) + x1 * x1 * (y2 - y0) + x0 * x0 * (y1 - y2)) / denom;
  const C = (x1 * x2 * (x1 - x2) * y0 + x2 * x0 * (x2 - x0) * y1 + x0 * x1 * (x0 - x1) * y2) / denom;
  if (!(A > 0)) return { x: xs[i], y: ys[i] };
  const xv = Math.min(x2, Math.max(x0, -B / (2 * A)));
  return { x: Math.exp(xv), y: Math.exp(A * xv * xv + B * xv + C) };
}
