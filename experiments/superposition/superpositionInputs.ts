import { z } from 'zod';
import { defineExperiment, type RunContext } from '../runtime/experiment';
import type { Rng } from '../runtime/rng';
import { type BernoulliLayer, pairReadoff, sampleBernoulliLayer, sharedNeurons, superposedPairReadoff } from './bernoulliLayer';
import { modelQuantile, modelRequiredWidth } from './bernoulliSuperposedModel';
import { plainErrorQuantile } from './bernoulliTheory';
import { fitPowerLaw } from '../lib/fits';
import { bootstrapInterval } from '../lib/bootstrap';
import { streamFor } from '../runtime/rng';
import { normalCdf } from '../lib/special';
import { meanSd, meanSdSchema, quantileSorted } from '../lib/stats';
import { signAndPrediction, signConstant } from './kaarelReadoff';
import { CASES, choosePairs, pairCaseActive } from './sparseInputs';
import { transpose } from '../lib/linalg';
import { embedInputs, gaussianProjections } from './superpositionInputsEmbedding';
import { createProducts, type Products } from './wasmProducts';
import { randomUnitVectors } from '../lib/unitVectors';

/** The constructions compared; `bernoulliOrthogonal` reads the same 0/1 layers with orthonormal features (no superposition). */
export const CONSTRUCTIONS = ['gaussian', 'bernoulli', 'bernoulliOrthogonal'] as const;
export type Construction = (typeof CONSTRUCTIONS)[number];

const config = z
  .object({
    /** Base seed; replicate r draws its features, layers, pairs and inputs from streams labelled with r. */
    seed: z.number().int().nonnegative(),
    /** Independent replicates (features, layers, pairs, inputs). */
    replicates: z.number().int().min(1).max(20),
    /** Numbers of features m, each a random unit vector in R^{d0}. */
    ms: z.array(z.number().int().min(10).max(100_000)).min(2),
    /** Candidate widths d = d0, ascending; a construction stops being evaluated once every replicate has met the threshold. */
    ds: z.array(z.number().int().min(8).max(16_384)).min(2),
    /** Connection probabilities tried for the 0/1 constructions; the best (lowest quantile) is kept at each width. */
    ps: z.array(z.number().gt(0).max(1)).min(1),
    /** Features on in every input (exactly s; s − a − b besides the pair in case (a, b)). */
    s: z.number().int().min(2).max(16),
    /** Random pairs per replicate and m, shared by all widths. */
    pairs: z.number().int().min(1),
    /** Inputs per pair and per case (x_i, x_j). */
    inputsPerCase: z.number().int().min(1),
    /** The error quantile judged (0.99: the 99th percentile of |error|). */
    quantile: z.number().gt(0.5).lt(1),
    /** Width required: the smallest d whose quantile of |error| falls below this. */
    epsilon: z.number().positive(),
    /** Draws per case for each evaluation of the reduced noise model (bernoulliSuperposedModel.ts). */
    modelPerCase: z.number().int().min(100),
    /**
     * Larger m simulated for the Gaussian layer only, far beyond d0: its readoff touches only the features a check
     * uses, so only those get unit vectors (the others never enter any computed number).
     */
    gaussianLargeMs: z.array(z.number().int().min(10).max(10_000_000)),
    /** Extra m, beyond those simulated, at which the reduced model finds the required width. */
    modelMs: z.array(z.number().int().min(10).max(100_000_000)),
    /** Bisection steps in log d for the model's required width. */
    modelSteps: z.number().int().min(1).max(20),
  })
  .strict();

const spread = meanSdSchema;
const constructionEnum = z.enum(CONSTRUCTIONS);
const exponentRow = z.object({
  /** Least-squares exponent of required d against m, per replicate. */
  perReplicate: spread,
  /** Exponent through the replicate means, and its standard error from the residuals. */
  ofMeans: z.number(),
  ofMeansSe: z.number(),
  /** 95% bootstrap interval of the pooled exponent, resampling replicates; the m range it was fitted over. */
  interval: z.object({ lo: z.number(), hi: z.number() }),
  mMin: z.number(),
  mMax: z.number(),
});

const result = z.object({
  epsilon: z.number(),
  quantile: z.number(),
  /** Features on in every input. */
  s: z.number().int(),
  /** One row per construction, m and evaluated width. */
  curves: z.array(
    z.object({
      construction: constructionEnum,
      m: z.number().int(),
      d: z.number().int(),
      /** Quantile of |error| (at the best p for 0/1 constructions), spread across replicates. */
      q: spread,
      rms: spread,
      /** The p that gave the lowest quantile (0/1 constructions only). */
      bestP: spread.nullable(),
      /**
       * Gaussian: the CLT mixture over cases without superposition (Kaarel's constants). Orthogonal 0/1: the exact
       * discrete quantile, minimised over the same p grid. Superposed 0/1: the reduced noise model, same p grid.
       */
      qPredicted: z.number(),
    }),
  ),
  /** Width at which the quantile first falls below epsilon, log-interpolated between grid widths. */
  required: z.array(
    z.object({
      construction: constructionEnum,
      m: z.number().int(),
      /** Null when some replicate never met the threshold on the grid. */
      d: spread.nullable(),
      /** m / d: above 1 only when the features really are in superposition at the required width. */
      ratio: z.number().nullable(),
      /** From the predicted curve over the grid, or for the superposed 0/1 layer the model's bisection. */
      dPredicted: z.number().nullable(),
    }),
  ),
  exponent: z.record(constructionEnum, exponentRow.nullable()),
  /** The reduced model of the superposed 0/1 construction, at the simulated m and far beyond. */
  model: z.object({
    rows: z.array(z.object({ m: z.number().int(), d: z.number(), p: z.number() })),
    /** Slope of log d against log m between consecutive model rows. */
    local: z.array(z.object({ mFrom: z.number().int(), mTo: z.number().int(), exponent: z.number() })),
    /** The model's exponent over the simulated range of m, to set beside the measured one. */
    exponentSimulatedRange: z.number(),
    /** The local exponent between the two largest m. */
    exponentLast: z.number(),
    /** The largest m the model reaches, and its required width there. */
    mMax: z.number().int(),
    dAtMMax: z.number(),
    /** The m at which the model's required width equals m (log-interpolated): only beyond it are the features in superposition. */
    mAtSuperposition: z.number().nullable(),
  }),
  /** Scalars for the prose. */
  summary: z.object({
    mMin: z.number().int(),
    mMax: z.number().int(),
    /** Measured required width of each construction at the smallest and largest m, and the predictions there. */
    gaussianDPredicted: z.number().nullable(),
    orthogonalDMin: z.number().nullable(),
    orthogonalDMax: z.number().nullable(),
    orthogonalDPredicted: z.number().nullable(),
    bernoulliDAtMMin: z.number().nullable(),
    bernoulliDAtMMax: z.number().nullable(),
    bernoulliModelDAtMMin: z.number(),
    bernoulliModelDAtMMax: z.number(),
    gaussianDMin: z.number().nullable(),
    gaussianDMax: z.number().nullable(),
    /** Measured / predicted quantile, Gaussian layer, averaged over every curve point: the cost of superposition. */
    gaussianQOverPredicted: z.number(),
    /** Measured / exact quantile of the orthogonal 0/1 readoff, range over curve points. */
    orthogonalQOverExactMin: z.number(),
    orthogonalQOverExactMax: z.number(),
    /** Measured / model quantile of the superposed 0/1 readoff, range over curve points. */
    bernoulliQOverModelMin: z.number(),
    bernoulliQOverModelMax: z.number(),
    /** Largest m/d at the superposed 0/1 layer's required width. */
    bernoulliMaxRatio: z.number().nullable(),
    /** Local exponent of the superposed 0/1 layer's measured d between the two largest m, spread across replicates. */
    bernoulliLocalExponentLast: spread.nullable(),
  }),
  /** Reference exponents of d against m: the paper's Õ(m^{2/3}) and the post summary's O(√m). */
  references: z.object({ paper: z.number(), postSummary: z.number() }),
  /** Constant c(s) of the sign readoff used for the Gaussian layer. */
  signConstant: z.number(),
});
/** The experiment's results, as stored in its artifact and read by its figures. */
export type SuperpositionInputsResult = z.output<typeof result>;

/** One replicate's result at one (construction, m, d): the error quantile, the RMS, and the best p of a 0/1 layer. */
export type Cell = { q: number; rms: number; bestP: number | null };
export const cellKey = (k: Construction, m: number, di: number) => `${k}/${m}/${di}`;
type Config = z.output<typeof config>;

/**
 * The simulation: for each m and width d (ascending, stopping a construction once every replicate is below ε),
 * each replicate's error quantile for the Gaussian layer and the 0/1 layers (best p). Cells are keyed by `cellKey`.
 */
export function simulateConstructions(cfg: Config, ctx: RunContext, c: number, products: Products): Map<string, Cell[]> {
  const { s, ds, ps, replicates, epsilon, quantile } = cfg;
  // cells[construction/m/dIndex] = one cell per replicate
  const cells = new Map<string, Cell[]>();
  const key = cellKey;
  const bar = ctx.progress('widths', cfg.ms.length * ds.length * replicates);
  for (const m of cfg.ms) {
    const active = new Set<Construction>(CONSTRUCTIONS);
    const below = new Map<Construction, boolean[]>(CONSTRUCTIONS.map((k) => [k, new Array(replicates).fill(false)]));
    const tasks = Array.from({ length: replicates }, (_, r) => sampleTasks(ctx.rng(`pairs/${r}/${m}`), ctx.rng(`inputs/${r}/${m}`), m, s, cfg.pairs, cfg.inputsPerCase));
    for (let di = 0; di < ds.length && active.size > 0; di++) {
      const d = ds[di];
      for (let r = 0; r < replicates; r++) {
        ctx.signal.throwIfAborted();
        const Phi = randomUnitVectors(ctx.rng(`phi/${r}/${m}/${d}`), m, d); // m×d0 with d0 = d
        const PhiT = transpose(Phi, m, d);
        let gram: Float32Array | undefined; // ΦΦᵀ, for whichever of the two constructions needs it first
        const gramOf = () => (gram ??= products.gram(Phi, PhiT, m, d));
        const record = (k: Construction, cell: Cell) => {
          const list = cells.get(key(k, m, di)) ?? [];
          list.push(cell);
          cells.set(key(k, m, di), list);
          below.get(k)![r] = cell.q < epsilon;
        };
        if (active.has('gaussian')) {
          const PT = gaussianProjections(products, ctx.rng(`gauss/${r}/${m}/${d}`), PhiT, m, d, d, gramOf);
          record('gaussian', { ...summarize(gaussianErrors(PT, m, d, c, tasks[r]), quantile), bestP: null });
        }
        const bern = (['bernoulli', 'bernoulliOrthogonal'] as const).filter((k) => active.has(k));
        if (bern.length > 0) {
          const U = overlaps(products, Phi, PhiT, m, d, tasks[r].inputs, gramOf);
          const best = new Map<Construction, Cell>();
          for (const p of ps) {
            const layer = sampleBernoulliLayer(ctx.rng(`layer/${r}/${m}/${d}/${p}`), m, d, p);
            for (const k of bern) {
              const cell = { ...summarize(bernoulliErrors(layer, U, tasks[r], k === 'bernoulli'), quantile), bestP: p };
              const prev = best.get(k);
              if (!prev || cell.q < prev.q) best.set(k, cell);
            }
          }
          for (const [k, cell] of best) record(k, cell);
        }
        bar.tick();
      }
      // Stop a construction once every replicate is below the threshold: wider layers cannot move its crossing.
      for (const k of [...active]) if (below.get(k)!.every(Boolean)) active.delete(k);
    }
    for (const k of active) ctx.log(`superposition-inputs: ${k} at m = ${m} did not meet the threshold by d = ${ds[ds.length - 1]}`);
  }
  bar.done();
  return cells;
}

/**
 * The Gaussian layer at an m far beyond d0, ascending widths until every replicate is below ε. The checks use few
 * features, so they are renumbered 0 … u−1 and only those u get unit vectors: the readoff of a pair never touches
 * any other feature, and the used ones are iid uniform on the sphere whatever m is.
 */
export function simulateGaussianLargeM(cfg: Config, ctx: RunContext, c: number, m: number, products: Products): Map<string, Cell[]> {
  const { s, ds, replicates, epsilon, quantile } = cfg;
  const cells = new Map<string, Cell[]>();
  const tasks = Array.from({ length: replicates }, (_, r) => compactTasks(sampleTasks(ctx.rng(`pairs/${r}/${m}`), ctx.rng(`inputs/${r}/${m}`), m, s, cfg.pairs, cfg.inputsPerCase)));
  const bar = ctx.progress(`gaussian m = ${m}`, ds.length * replicates);
  for (let di = 0; di < ds.length; di++) {
    const d = ds[di];
    const list: Cell[] = [];
    for (let r = 0; r < replicates; r++) {
      ctx.signal.throwIfAborted();
      const { tasks: t, used } = tasks[r];
      const Phi = randomUnitVectors(ctx.rng(`phi/${r}/${m}/${d}`), used, d);
      const PhiT = transpose(Phi, used, d);
      const PT = gaussianProjections(products, ctx.rng(`gauss/${r}/${m}/${d}`), PhiT, used, d, d, () => products.gram(Phi, PhiT, used, d));
      list.push({ ...summarize(gaussianErrors(PT, used, d, c, t), quantile), bestP: null });
      bar.tick();
    }
    cells.set(cellKey('gaussian', m, di), list);
    if (list.every((cell) => cell.q < epsilon)) break;
  }
  bar.done();
  return cells;
}

/** Renumber the features a set of checks uses as 0 … used−1, in order of first use. */
export function compactTasks(tasks: Tasks): { tasks: Tasks; used: number } {
  const index = new Map<number, number>();
  const id = (a: number) => {
    let v = index.get(a);
    if (v === undefined) index.set(a, (v = index.size));
    return v;
  };
  const pairs = tasks.pairs.map(([i, j]) => [id(i), id(j)] as [number, number]);
  const inputs = tasks.inputs.map((act) => act.map(id));
  return { tasks: { ...tasks, pairs, inputs }, used: index.size };
}

/** The reduced model of the superposed 0/1 layer: its required width per m (by bisection) and local exponents. */
export function modelRequiredWidths(cfg: Config, ctx: Pick<RunContext, 'rng' | 'signal'>) {
  const { s, ds, ps, epsilon, quantile } = cfg;
  // The reduced model of the superposed 0/1 layer: required width by bisection, from the simulated m upwards.
  const modelMs = [...new Set([...cfg.ms, ...cfg.modelMs])].sort((x, y) => x - y);
  const modelRows: { m: number; d: number; p: number }[] = [];
  // The simulated p grid, continued downwards at ratio √2 for the larger m the model reaches.
  const pLadder = [...ps].sort((x, y) => x - y);
  while (pLadder[0] > 0.004) pLadder.unshift(pLadder[0] / Math.SQRT2);
  let lo = ds[0];
  let start = pLadder.indexOf(ps[Math.floor(ps.length / 2)]);
  for (const m of modelMs) {
    ctx.signal.throwIfAborted();
    const r = modelRequiredWidth((label) => ctx.rng(`model/required/${m}/${label}`), { m, s }, { epsilon, quantile, perCase: cfg.modelPerCase, lo, hi: lo * 4, pLadder, start, steps: cfg.modelSteps });
    modelRows.push({ m, d: r.d, p: r.p });
    lo = r.d / 1.2;
    start = r.rung;
  }
  const local = modelRows.slice(1).map((row, i) => ({ mFrom: modelRows[i].m, mTo: row.m, exponent: Math.log(row.d / modelRows[i].d) / Math.log(row.m / modelRows[i].m) }));

  return { rows: modelRows, local };
}

/**
 * Aggregation across replicates: mean ± sd curves with their predictions, the width each construction needs to reach
 * ε (per replicate, then mean ± sd), power-law exponents in m, and the summary numbers the page's claims read.
 */
export function aggregateSuperpositionInputs(o: {
  cfg: Pick<Config, 'seed' | 's' | 'ms' | 'gaussianLargeMs' | 'ds' | 'replicates' | 'epsilon' | 'quantile'>;
  c: number;
  cells: ReadonlyMap<string, Cell[]>;
  model: { rows: { m: number; d: number; p: number }[]; local: { mFrom: number; mTo: number; exponent: number }[] };
  predicted: (k: Construction, m: number, d: number) => number;
}): SuperpositionInputsResult {
  const { cfg, c, cells, predicted } = o;
  const { s, ds, replicates, epsilon, quantile } = cfg;
  const modelRows = o.model.rows;
  const local = o.model.local;
  const key = cellKey;
  // The Gaussian layer is also simulated at m far beyond d0.
  const msOf = (k: Construction) => (k === 'gaussian' ? [...cfg.ms, ...cfg.gaussianLargeMs] : cfg.ms);
  const curves = CONSTRUCTIONS.flatMap((k) =>
    msOf(k).flatMap((m) =>
      ds.flatMap((d, di) => {
        const list = cells.get(key(k, m, di));
        if (!list) return [];
        return [
          {
            construction: k,
            m,
            d,
            q: meanSd(list.map((x) => x.q)),
            rms: meanSd(list.map((x) => x.rms)),
            bestP: list[0].bestP === null ? null : meanSd(list.map((x) => x.bestP!)),
            qPredicted: predicted(k, m, d),
          },
        ];
      }),
    ),
  );

  const required = CONSTRUCTIONS.flatMap((k) =>
    msOf(k).map((m) => {
      const evaluated = ds.map((_, di) => cells.get(key(k, m, di))).filter((x): x is Cell[] => !!x);
      const perRep = Array.from({ length: replicates }, (_, r) => crossing(ds.slice(0, evaluated.length), evaluated.map((list) => list[r].q), epsilon));
      const d = perRep.every((x) => x !== null) ? meanSd(perRep as number[]) : null;
      const dPredicted =
        k === 'bernoulli'
          ? modelRows.find((row) => row.m === m)!.d
          : crossing(ds, ds.map((dd) => predicted(k, m, dd)), epsilon);
      return { construction: k, m, d, ratio: d ? m / d.mean : null, dPredicted, perRep };
    }),
  );

  const exponent = Object.fromEntries(
    CONSTRUCTIONS.map((k) => {
      const rows = required.filter((x) => x.construction === k);
      if (rows.some((x) => x.d === null) || rows.length < 2) return [k, null];
      const ms = msOf(k);
      const perRep = Array.from({ length: replicates }, (_, r) => fitPowerLaw(ms, rows.map((x) => x.perRep[r]!)).exponent);
      const means = fitPowerLaw(ms, rows.map((x) => x.d!.mean));
      // Pooled fit over resampled replicates: the interval the page's claims check.
      const pooled = (idx: ArrayLike<number>) => {
        const xs: number[] = [];
        const ys: number[] = [];
        for (let t = 0; t < idx.length; t++) rows.forEach((x, i) => (xs.push(ms[i]), ys.push(x.perRep[idx[t]]!)));
        return fitPowerLaw(xs, ys).exponent;
      };
      const iv = bootstrapInterval(replicates, pooled, streamFor(cfg.seed, `bootstrap/${k}`));
      return [
        k,
        {
          perReplicate: meanSd(perRep),
          ofMeans: means.exponent,
          ofMeansSe: Number.isFinite(means.exponentSe) ? means.exponentSe : 0,
          interval: { lo: iv.lo, hi: iv.hi },
          mMin: Math.min(...ms),
          mMax: Math.max(...ms),
        },
      ];
    }),
  ) as Record<Construction, z.infer<typeof exponentRow> | null>;

  const ratiosOf = (k: Construction) => curves.filter((x) => x.construction === k).map((x) => x.q.mean / x.qPredicted);
  const reqOf = (k: Construction) => required.filter((x) => x.construction === k);
  const gaussD = reqOf('gaussian').map((x) => x.d?.mean ?? NaN);
  const bernReq = reqOf('bernoulli');
  const lastTwo = bernReq.slice(-2);
  const bernLocal =
    lastTwo.length === 2 && lastTwo.every((x) => x.d)
      ? meanSd(Array.from({ length: replicates }, (_, r) => Math.log(lastTwo[1].perRep[r]! / lastTwo[0].perRep[r]!) / Math.log(lastTwo[1].m / lastTwo[0].m)))
      : null;
  const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  return {
    epsilon,
    quantile,
    s,
    curves,
    required: required.map(({ perRep: _, ...rest }) => rest),
    exponent,
    model: {
      rows: modelRows,
      local,
      exponentSimulatedRange: fitPowerLaw(cfg.ms, cfg.ms.map((m) => modelRows.find((row) => row.m === m)!.d)).exponent,
      exponentLast: local[local.length - 1]?.exponent ?? NaN,
      mMax: modelRows[modelRows.length - 1].m,
      dAtMMax: modelRows[modelRows.length - 1].d,
      mAtSuperposition: crossing(
        modelRows.map((row) => row.m),
        modelRows.map((row) => row.d / row.m),
        1,
      ),
    },
    summary: {
      mMin: Math.min(...cfg.ms),
      mMax: Math.max(...cfg.ms),
      gaussianDPredicted: reqOf('gaussian')[0].dPredicted,
      orthogonalDMin: finiteOrNull(Math.min(...reqOf('bernoulliOrthogonal').map((x) => x.d?.mean ?? NaN))),
      orthogonalDMax: finiteOrNull(Math.max(...reqOf('bernoulliOrthogonal').map((x) => x.d?.mean ?? NaN))),
      orthogonalDPredicted: reqOf('bernoulliOrthogonal')[0].dPredicted,
      bernoulliDAtMMin: bernReq[0].d?.mean ?? null,
      bernoulliDAtMMax: bernReq[bernReq.length - 1].d?.mean ?? null,
      bernoulliModelDAtMMin: bernReq[0].dPredicted!,
      bernoulliModelDAtMMax: bernReq[bernReq.length - 1].dPredicted!,
      gaussianDMin: finiteOrNull(Math.min(...gaussD)),
      gaussianDMax: finiteOrNull(Math.max(...gaussD)),
      gaussianQOverPredicted: mean(ratiosOf('gaussian')),
      orthogonalQOverExactMin: Math.min(...ratiosOf('bernoulliOrthogonal')),
      orthogonalQOverExactMax: Math.max(...ratiosOf('bernoulliOrthogonal')),
      bernoulliQOverModelMin: Math.min(...ratiosOf('bernoulli')),
      bernoulliQOverModelMax: Math.max(...ratiosOf('bernoulli')),
      bernoulliMaxRatio: bernReq.every((x) => x.ratio !== null) ? Math.max(...bernReq.map((x) => x.ratio!)) : null,
      bernoulliLocalExponentLast: bernLocal,
    },
    references: { paper: 2 / 3, postSummary: 1 / 2 },
    signConstant: c,
  };
}

export const superpositionInputs = defineExperiment({
  id: 'superposition-inputs',
  title: 'U-AND with the inputs themselves in superposition: width needed against the number of features',
  description:
    "m sparse boolean features are embedded as random unit vectors in d0 = d dimensions. Two one-layer constructions read every pairwise AND: a Gaussian random layer with Kaarel's sign readoff, and the post's 0/1 construction with neuron weights summing the embeddings of the features it reads. For each m, the width at which the 99th percentile of |error| falls below a threshold is found on a grid, its growth with m is fitted, and a reduced noise model of the 0/1 construction carries the question to far larger m.",
  module: import.meta.url,
  config,
  profiles: {
    quick: {
      seed: 0,
      replicates: 2,
      ms: [150, 300],
      ds: [1024, 1448, 2048, 2896, 4096],
      ps: [0.064, 0.085],
      s: 3,
      pairs: 30,
      inputsPerCase: 4,
      quantile: 0.99,
      epsilon: 0.45,
      modelPerCase: 600,
      gaussianLargeMs: [20000],
      modelMs: [4000, 64000],
      modelSteps: 4,
    },
    full: {
      seed: 0,
      replicates: 3,
      ms: [250, 500, 1000, 2000],
      ds: [724, 1024, 1448, 2048, 2896, 4096, 5793],
      ps: [0.032, 0.045, 0.064, 0.085, 0.11, 0.15],
      s: 3,
      pairs: 80,
      inputsPerCase: 5,
      quantile: 0.99,
      epsilon: 0.45,
      modelPerCase: 3000,
      gaussianLargeMs: [8000, 32000, 128000],
      modelMs: [4000, 16000, 64000, 256000, 1024000, 4096000],
      modelSteps: 7,
    },
  },
  result,
  timeLimitSeconds: { quick: 60, full: 600 },
  // One unit per simulated m (its widths stop early, so they stay together), and one for the reduced model, whose
  // bisection carries from one m to the next.
  unitGrid: ['ms', 'gaussianLargeMs'],
  units: (cfg): SuperpositionInputsUnit[] => [
    { label: 'model', kind: 'model', ms: cfg.ms },
    ...cfg.ms.map((m) => ({ label: `m${m}`, kind: 'simulate' as const, m })),
    ...cfg.gaussianLargeMs.map((m) => ({ label: `gaussian-m${m}`, kind: 'gaussianLarge' as const, m })),
  ],
  async runUnit(cfg, unit, ctx): Promise<SuperpositionInputsPartial> {
    if (unit.kind === 'model') return { model: modelRequiredWidths({ ...cfg, ms: unit.ms }, ctx) };
    const products = await createProducts();
    if (unit.kind === 'gaussianLarge') return { m: unit.m, cells: [...simulateGaussianLargeM(cfg, ctx, signConstant(cfg.s), unit.m, products)] };
    const { m } = unit;
    const cells = simulateConstructions({ ...cfg, ms: [m] }, ctx, signConstant(cfg.s), products);
    // The reduced model's prediction at each width simulated for the 0/1 layer (the other predictions are closed forms).
    const bernoulliPredicted = cfg.ds.flatMap((d, di) =>
      cells.has(cellKey('bernoulli', m, di))
        ? [[d, Math.min(...cfg.ps.map((p) => modelQuantile(ctx.rng(`model/curve/${m}/${d}/${p}`), { m, d, d0: d, p, s: cfg.s }, cfg.modelPerCase, cfg.quantile)))] as [number, number]]
        : [],
    );
    return { m, cells: [...cells], bernoulliPredicted };
  },
  merge(cfg, partials) {
    const { s, ps, quantile } = cfg;
    const model = partials.find((p) => p.model)!.model!;
    const cells = new Map(partials.flatMap((p) => p.cells ?? []));
    const modelCurve = new Map(partials.flatMap((p) => (p.bernoulliPredicted ?? []).map(([d, v]) => [`${p.m}/${d}`, v] as const)));
    const predicted = (k: Construction, m: number, d: number): number => {
      if (k === 'gaussian') return gaussianQuantilePrediction(s, d, quantile);
      if (k === 'bernoulliOrthogonal') return Math.min(...ps.map((p) => plainErrorQuantile(s, d, p, quantile)));
      const v = modelCurve.get(`${m}/${d}`);
      if (v === undefined) throw new Error(`no reduced-model prediction at m = ${m}, d = ${d}`);
      return v;
    };
    return aggregateSuperpositionInputs({ cfg, c: signConstant(s), cells, model, predicted });
  },
});

type SuperpositionInputsUnit = { label: string; kind: 'model'; ms: number[] } | { label: string; kind: 'simulate' | 'gaussianLarge'; m: number };
interface SuperpositionInputsPartial {
  model?: ReturnType<typeof modelRequiredWidths>;
  m?: number;
  cells?: [string, Cell[]][];
  bernoulliPredicted?: [number, number][];
}

export interface Tasks {
  pairs: [number, number][];
  /** Active feature lists, pair by pair, case by case. */
  inputs: number[][];
  pairOf: Int32Array;
  target: Float64Array;
}

function sampleTasks(pairRng: Rng, inputRng: Rng, m: number, s: number, count: number, perCase: number): Tasks {
  const pairs = choosePairs(pairRng, m, count);
  const inputs: number[][] = [];
  const pairOf: number[] = [];
  const target: number[] = [];
  pairs.forEach(([i, j], pi) => {
    for (const [a, b] of CASES) {
      for (let t = 0; t < perCase; t++) {
        inputs.push(pairCaseActive(inputRng, m, s, i, j, a, b));
        pairOf.push(pi);
        target.push(a & b);
      }
    }
  });
  return { pairs, inputs, pairOf: Int32Array.from(pairOf), target: Float64Array.from(target) };
}

/** Errors of Kaarel's sign readoff r_k = sign(g_k·φ_i · g_k·φ_j)/(d·c) on h = ReLU(G x), for every task input. */
function gaussianErrors(PT: Float32Array, m: number, d: number, c: number, tasks: Tasks): Float64Array {
  const signs = tasks.pairs.map(([i, j]) => Int8Array.from({ length: d }, (_, k) => Math.sign(PT[k * m + i] * PT[k * m + j])));
  return Float64Array.from(tasks.inputs, (act, t) => {
    const sg = signs[tasks.pairOf[t]];
    let sum = 0;
    for (let k = 0; k < d; k++) {
      let pre = 0;
      for (const a of act) pre += PT[k * m + a];
      if (pre > 0) sum += sg[k] * pre;
    }
    return sum / (d * c) - tasks.target[t];
  });
}

/** Errors of the post's readoff of a 0/1 layer, with the inputs in superposition (overlaps U) or orthonormal. */
function bernoulliErrors(layer: BernoulliLayer, U: Float32Array, tasks: Tasks, superposed: boolean): Float64Array {
  const m = layer.m;
  const shared = tasks.pairs.map(([i, j]) => sharedNeurons(layer, i, j));
  return Float64Array.from(tasks.inputs, (act, t) => {
    const sh = shared[tasks.pairOf[t]];
    const value = superposed ? superposedPairReadoff(layer, sh, U.subarray(t * m, (t + 1) * m)) : pairReadoff(layer, sh, act);
    return value - tasks.target[t];
  });
}

/**
 * u_t,α = ⟨φ_α, x_t⟩ for every input t and feature α (n×m). With fewer features than inputs the m×m Gram matrix
 * is cheaper (m²·d0 against n·m·d0), and u_t is a sum of its rows over the active features.
 */
function overlaps(products: Products, Phi: Float32Array, PhiT: Float32Array, m: number, d0: number, inputs: readonly number[][], gramOf: () => Float32Array): Float32Array {
  const n = inputs.length;
  if (n <= m) return products.matMul(embedInputs(Phi, d0, inputs), n, d0, PhiT, m);
  const gram = gramOf();
  const U = new Float32Array(n * m);
  inputs.forEach((active, t) => {
    for (const a of active) for (let b = 0; b < m; b++) U[t * m + b] += gram[a * m + b];
  });
  return U;
}

function summarize(errs: Float64Array, quantile: number): { q: number; rms: number } {
  const abs = Float64Array.from(errs, Math.abs).sort();
  let sq = 0;
  for (const e of errs) sq += e * e;
  return { q: quantileSorted(abs, quantile), rms: Math.sqrt(sq / errs.length) };
}

/**
 * The width where a quantile curve first drops below epsilon, interpolating log d linearly in the quantile between
 * the last grid width above and the first below. The first width when it is already below; null when never.
 */
export function crossing(ds: readonly number[], qs: readonly number[], epsilon: number): number | null {
  const i = qs.findIndex((q) => q < epsilon);
  if (i < 0) return null;
  if (i === 0) return ds[0];
  const f = (qs[i - 1] - epsilon) / (qs[i - 1] - qs[i]);
  return Math.exp(Math.log(ds[i - 1]) + f * (Math.log(ds[i]) - Math.log(ds[i - 1])));
}

/**
 * Quantile of |error| for Kaarel's sign readoff without superposition: per case, the error is a mean of d iid
 * neuron terms, so (by the CLT) normal with the exact mean and K(case)/√d spread; the four cases weigh equally.
 */
export function gaussianQuantilePrediction(s: number, d: number, quantile: number): number {
  const parts = CASES.map(([a, b]) => {
    const pr = signAndPrediction(s, a, b);
    return { mu: pr.mean - (a & b), sd: pr.k / Math.sqrt(d) };
  });
  const tail = (t: number) => parts.reduce((acc, { mu, sd }) => acc + normalCdf((-t - mu) / sd) + 1 - normalCdf((t - mu) / sd), 0) / parts.length;
  let lo = 0;
  let hi = 10;
  for (let it = 0; it < 100; it++) {
    const mid = (lo + hi) / 2;
    if (tail(mid) > 1 - quantile) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
