import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import type { Rng } from '../runtime/rng';
import { meanSd, meanSdSchema, quantileSorted } from '../lib/stats';
import { sampleBernoulliLayer, sharedNeurons } from './bernoulliLayer';
import { signAndPrediction, signConstant } from './kaarelReadoff';
import { gaussianLayer } from './randomLayer';
import { createSignReadoffSums, type SignReadoffSums } from './signReadoffSums';
import { CASES } from './sparseInputs';
import { createProducts, type Products } from './wasmProducts';

/**
 * Stacked U-AND layers. Each layer is a Gaussian random layer h = ReLU(v·W) over m features and one always-on
 * feature c (a bias unit), read with Kaarel's sign readoff. It passes every feature on as its AND with c
 * (f ∧ 1 = f), so each layer's inputs are as sparse as the first's, and it is scored on the pairwise ANDs of the
 * original features. Between layers the carried values go on either raw or re-thresholded by
 * 3[ReLU(v − 1/3) − ReLU(v − 2/3)], which returns the exact bit whenever the error is below 1/3.
 */
export const MODES = ['raw', 'rethreshold'] as const;
export type Mode = (typeof MODES)[number];

/** The error-correcting re-threshold: 0 below 1/3, 1 above 2/3, linear between. */
export function rethreshold(v: number): number {
  return 3 * (Math.max(0, v - 1 / 3) - Math.max(0, v - 2 / 3));
}

const config = z
  .object({
    /** Base seed: replicate r's layer l is stream `layer/r/d/l`, its inputs `inputs/r`. */
    seed: z.number().int().nonnegative(),
    /** Boolean features (plus one always-on feature). */
    m: z.number().int().min(4).max(10_000),
    /** Features on in every input, besides the always-on one. */
    s: z.number().int().min(2).max(16),
    /** Widths, one network per width. */
    ds: z.array(z.number().int().min(8).max(16_384)).min(1),
    /** Layers stacked. */
    depth: z.number().int().min(1).max(8),
    /** Independent replicates (layers and inputs). */
    replicates: z.number().int().min(1).max(20),
    /** Test inputs per replicate; each scores its C(s,2) (1,1) pairs, 2s pairs with one feature on and s with none. */
    inputs: z.number().int().min(1),
    /** The post's 0/1 layer used for the overlap statistics: connection probability and width. */
    overlapP: z.number().gt(0).lt(1),
    overlapD: z.number().int().min(8),
    /** Triples (i, j, k) and quadruples (i, j, k, l) sampled for the overlap statistics. */
    overlapSamples: z.number().int().min(1),
  })
  .strict();

const result = z.object({
  setup: z.object({ m: z.number(), s: z.number(), depth: z.number(), replicates: z.number(), inputs: z.number() }),
  /** One row per (mode, width, layer): errors of the scored ANDs and of the carried features, across replicates. */
  rows: z.array(
    z.object({
      mode: z.enum(MODES),
      d: z.number().int(),
      layer: z.number().int(),
      /** AND readoffs: RMS with the four cases weighted equally, 99th percentile and largest |error|. */
      andRms: meanSdSchema,
      andQ99: meanSdSchema,
      andWorst: meanSdSchema,
      /** The carried features before re-thresholding: RMS error, and the share of wrong bits (|error| ≥ 1/2). */
      carriedRms: meanSdSchema,
      carriedWrongShare: meanSdSchema,
      /** Layer 1 only: the closed-form balanced RMS of the AND readoff at compositeness s + 1. */
      andRmsPredicted: z.number().nullable(),
    }),
  ),
  /** The chaining obstacle: cosine between readoff vectors of ANDs that share a variable and of disjoint ANDs. */
  overlaps: z.object({
    gaussianShared: meanSdSchema,
    gaussianDisjoint: meanSdSchema,
    bernoulliShared: meanSdSchema,
    bernoulliDisjoint: meanSdSchema,
    /** For the 0/1 readoff (mean over shared neurons) the cosines are ≈ p when a variable is shared and ≈ p² when not. */
    bernoulliP: z.number(),
    gaussianD: z.number(),
    bernoulliD: z.number(),
  }),
  summary: z.object({
    /** AND RMS at the last layer over the first, at the largest width, per mode. */
    rawGrowth: z.number(),
    rethresholdGrowth: z.number(),
    /** Layer-1 AND RMS over its closed form, smallest and largest across widths (both modes agree at layer 1). */
    layer1OverPredictedMin: z.number(),
    layer1OverPredictedMax: z.number(),
    /** Share of wrong carried bits at the last layer, largest width, per mode. */
    rawWrongAtDepth: z.number(),
    rethresholdWrongAtDepth: z.number(),
  }),
});
/** The experiment's results, as stored in its artifact and read by its figures. */
export type UandDepthResult = z.output<typeof result>;

interface LayerStats {
  andRms: number;
  andQ99: number;
  andWorst: number;
  carriedRms: number;
  carriedWrongShare: number;
}

/** Scored pairs of one input: its C(s,2) (1,1) pairs, 2s with one feature on (one per side), s with none. */
function scoredPairs(rng: Rng, m: number, on: readonly number[]): { i: number; j: number; c: number }[] {
  const out: { i: number; j: number; c: number }[] = [];
  const off = () => rng.sampleDistinct(m, 1, [...on])[0];
  for (let a = 0; a < on.length; a++) for (let b = a + 1; b < on.length; b++) out.push({ i: on[a], j: on[b], c: 3 });
  for (const i of on) {
    out.push({ i, j: off(), c: 1 });
    out.push({ i: off(), j: i, c: 2 });
  }
  for (let t = 0; t < on.length; t++) {
    const [i, j] = rng.sampleDistinct(m, 2, [...on]);
    out.push({ i, j, c: 0 });
  }
  return out;
}

/** The products and sums the stack runs on (wasmProducts.ts, signReadoffSums.ts): bit for bit tfjs's matMul and the float64 loop. */
export interface StackKernels {
  products: Products;
  signSums: SignReadoffSums;
}

export async function createStackKernels(): Promise<StackKernels> {
  return { products: await createProducts(), signSums: await createSignReadoffSums() };
}

interface StackOptions {
  kernels: StackKernels;
  W: Float32Array[];
  m: number;
  d: number;
  s: number;
  actives: number[][];
  pairs: { i: number; j: number; c: number }[][];
}

/**
 * One replicate at one width: run the stack in one mode and return per-layer statistics. W[l] is (m+1)×d with
 * row m the always-on feature.
 */
export function runStack(o: StackOptions & { mode: Mode }): LayerStats[] {
  return runStacks({ ...o, modes: [o.mode] })[o.mode]!;
}

/**
 * The stack in each of `modes`. The modes differ only in what a layer hands the next, so the first layer (the same
 * inputs in every mode) and each layer's carry readoffs are computed once.
 */
export function runStacks(o: StackOptions & { modes: readonly Mode[] }): Partial<Record<Mode, LayerStats[]>> {
  const { kernels, W, m, d, s, actives, pairs } = o;
  const n = actives.length;
  const c = signConstant(s + 1);
  const scored = pairs.flatMap((list, t) => list.map(({ i, j }) => ({ t, i, j })));
  // Carry readoffs of layer l, d×m: sign(W_αk W_ck), unscaled.
  const signs = W.map((Wl) => {
    const S = new Float32Array(d * m);
    for (let k = 0; k < d; k++) {
      const wc = Wl[m * d + k];
      for (let a = 0; a < m; a++) S[k * m + a] = Math.sign(Wl[a * d + k] * wc);
    }
    return S;
  });
  /** Layer l on inputs V: its statistics and carried readoffs Y (n×m, unscaled). */
  const layer = (l: number, V: Float32Array): { stats: LayerStats; Y: Float32Array } => {
    const Wl = W[l];
    const H = kernels.products.matMul(V, n, m + 1, Wl, d);
    for (let t = 0; t < H.length; t++) if (H[t] < 0) H[t] = 0;
    const Y = kernels.products.matMul(H, n, d, signs[l], m);
    // Scored ANDs of the original features.
    const sums = kernels.signSums(H, n, Wl, m + 1, d, scored);
    const caseSq = [0, 0, 0, 0];
    const caseN = [0, 0, 0, 0];
    const abs: number[] = [];
    let q = 0;
    pairs.forEach((list) => {
      for (const { c: ci } of list) {
        const e = sums[q++] / (d * c) - (ci === 3 ? 1 : 0);
        caseSq[ci] += e * e;
        caseN[ci]++;
        abs.push(Math.abs(e));
      }
    });
    abs.sort((x, y) => x - y);
    // Carried features: AND with the always-on feature, i.e. the feature itself.
    let sq = 0;
    let wrong = 0;
    for (let t = 0; t < n; t++) {
      const on = new Set(actives[t]);
      for (let a = 0; a < m; a++) {
        const e = Y[t * m + a] / (d * c) - (on.has(a) ? 1 : 0);
        sq += e * e;
        if (Math.abs(e) >= 0.5) wrong++;
      }
    }
    const stats = {
      andRms: Math.sqrt(caseSq.reduce((acc, v, ci) => acc + v / caseN[ci], 0) / 4),
      andQ99: quantileSorted(abs, 0.99),
      andWorst: abs[abs.length - 1],
      carriedRms: Math.sqrt(sq / (n * m)),
      carriedWrongShare: wrong / (n * m),
    };
    return { stats, Y };
  };
  /** What layer l hands the next in `mode`. */
  const carry = (mode: Mode, Y: Float32Array): Float32Array => {
    const next = new Float32Array(n * (m + 1));
    for (let t = 0; t < n; t++) {
      for (let a = 0; a < m; a++) {
        const y = Y[t * m + a] / (d * c);
        next[t * (m + 1) + a] = mode === 'raw' ? y : rethreshold(y);
      }
      next[t * (m + 1) + m] = 1;
    }
    return next;
  };
  const V0 = new Float32Array(n * (m + 1));
  actives.forEach((on, t) => {
    for (const a of on) V0[t * (m + 1) + a] = 1;
    V0[t * (m + 1) + m] = 1;
  });
  const first = layer(0, V0);
  const out: Partial<Record<Mode, LayerStats[]>> = {};
  for (const mode of o.modes) {
    const stats = [first.stats];
    let Y = first.Y;
    for (let l = 1; l < W.length; l++) {
      const next = layer(l, carry(mode, Y));
      stats.push(next.stats);
      Y = next.Y;
    }
    out[mode] = stats;
  }
  return out;
}

/** Cosines between readoff vectors of ANDs sharing a variable (ij, ik) and disjoint ones (ij, kl). */
export function readoffOverlaps(rng: Rng, vec: (i: number, j: number) => Float64Array | null, m: number, samples: number): { shared: number[]; disjoint: number[] } {
  const cos = (x: Float64Array, y: Float64Array) => {
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let k = 0; k < x.length; k++) {
      xy += x[k] * y[k];
      xx += x[k] * x[k];
      yy += y[k] * y[k];
    }
    return xy / Math.sqrt(xx * yy);
  };
  const shared: number[] = [];
  const disjoint: number[] = [];
  for (let t = 0; t < samples; t++) {
    const [i, j, k, l] = rng.sampleDistinct(m, 4);
    const a = vec(i, j);
    const b = vec(i, k);
    const e = vec(k, l);
    if (a && b) shared.push(cos(a, b));
    if (a && e) disjoint.push(cos(a, e));
  }
  return { shared, disjoint };
}

export const uandDepth = defineExperiment({
  id: 'uand-depth',
  title: 'Stacked U-AND layers, with and without the error-correcting re-threshold',
  description:
    "Up to four Gaussian random layers read with Kaarel's sign readoff, each passing every feature on as its AND with an always-on feature and scored on the pairwise ANDs of the inputs. Between layers the carried values go on raw or re-thresholded. Also the chaining obstacle from the comments: cosines between readoff vectors of ANDs that share a variable, for the sign readoff and for the post's 0/1 readoff.",
  module: import.meta.url,
  config,
  profiles: {
    quick: { seed: 0, m: 60, s: 3, ds: [512], depth: 3, replicates: 2, inputs: 60, overlapP: 0.1, overlapD: 2000, overlapSamples: 100 },
    full: { seed: 0, m: 200, s: 3, ds: [4096, 16384], depth: 4, replicates: 5, inputs: 400, overlapP: 0.1, overlapD: 8192, overlapSamples: 1000 },
  },
  result,
  timeLimitSeconds: { quick: 60, full: 400 },
  unitGrid: ['replicates', 'ds'],
  units: (cfg) => [
    ...cfg.ds.flatMap((d) => Array.from({ length: cfg.replicates }, (_, r) => ({ label: `stack/d${d}/r${r}`, kind: 'stack' as const, d, r }))),
    { label: 'overlaps', kind: 'overlaps' as const, d: 0, r: 0 },
  ],
  async runUnit(cfg, unit, ctx) {
    const { m, s } = cfg;
    if (unit.kind === 'overlaps') {
      const d = cfg.overlapD;
      const W = gaussianLayer(ctx.rng('overlaps/gaussian'), m, d);
      const gauss = readoffOverlaps(ctx.rng('overlaps/gaussian/pairs'), (i, j) => Float64Array.from({ length: d }, (_, k) => Math.sign(W[i * d + k] * W[j * d + k])), m, cfg.overlapSamples);
      const layer = sampleBernoulliLayer(ctx.rng('overlaps/bernoulli'), m, d, cfg.overlapP);
      const bern = readoffOverlaps(
        ctx.rng('overlaps/bernoulli/pairs'),
        (i, j) => {
          const sh = sharedNeurons(layer, i, j);
          if (sh.length === 0) return null;
          const v = new Float64Array(d);
          for (const k of sh) v[k] = 1 / sh.length;
          return v;
        },
        m,
        cfg.overlapSamples,
      );
      return { overlaps: { gauss, bern } };
    }
    const { d, r } = unit;
    const W = Array.from({ length: cfg.depth }, (_, l) => gaussianLayer(ctx.rng(`layer/${r}/${d}/${l}`), m + 1, d));
    const rng = ctx.rng(`inputs/${r}`);
    const actives = Array.from({ length: cfg.inputs }, () => rng.sampleDistinct(m, s).sort((a, b) => a - b));
    const pairs = actives.map((on) => scoredPairs(rng, m, on));
    const out = runStacks({ kernels: await createStackKernels(), W, m, d, s, modes: MODES, actives, pairs }) as Record<Mode, LayerStats[]>;
    return { d, r, stack: out };
  },
  merge(cfg, partials) {
    const stacks = partials.filter((p) => p.stack);
    const ov = partials.find((p) => p.overlaps)!.overlaps!;
    const rows: z.input<typeof result>['rows'] = [];
    const predicted = Math.sqrt(CASES.reduce((acc, [a, b]) => acc + signAndPrediction(cfg.s + 1, a, b).k ** 2, 0) / 4);
    for (const mode of MODES) {
      for (const d of cfg.ds) {
        const reps = stacks.filter((p) => p.d === d).map((p) => p.stack![mode]);
        for (let l = 0; l < cfg.depth; l++) {
          const col = (f: keyof LayerStats) => meanSd(reps.map((st) => st[l][f]));
          rows.push({
            mode,
            d,
            layer: l + 1,
            andRms: col('andRms'),
            andQ99: col('andQ99'),
            andWorst: col('andWorst'),
            carriedRms: col('carriedRms'),
            carriedWrongShare: col('carriedWrongShare'),
            andRmsPredicted: l === 0 ? predicted / Math.sqrt(d) : null,
          });
        }
      }
    }
    const dMax = Math.max(...cfg.ds);
    const at = (mode: Mode, layer: number) => rows.find((x) => x.mode === mode && x.d === dMax && x.layer === layer)!;
    const layer1 = rows.filter((x) => x.layer === 1).map((x) => x.andRms.mean / x.andRmsPredicted!);
    return {
      setup: { m: cfg.m, s: cfg.s, depth: cfg.depth, replicates: cfg.replicates, inputs: cfg.inputs },
      rows,
      overlaps: {
        gaussianShared: meanSd(ov.gauss.shared),
        gaussianDisjoint: meanSd(ov.gauss.disjoint),
        bernoulliShared: meanSd(ov.bern.shared),
        bernoulliDisjoint: meanSd(ov.bern.disjoint),
        bernoulliP: cfg.overlapP,
        gaussianD: cfg.overlapD,
        bernoulliD: cfg.overlapD,
      },
      summary: {
        rawGrowth: at('raw', cfg.depth).andRms.mean / at('raw', 1).andRms.mean,
        rethresholdGrowth: at('rethreshold', cfg.depth).andRms.mean / at('rethreshold', 1).andRms.mean,
        layer1OverPredictedMin: Math.min(...layer1),
        layer1OverPredictedMax: Math.max(...layer1),
        rawWrongAtDepth: at('raw', cfg.depth).carriedWrongShare.mean,
        rethresholdWrongAtDepth: at('rethreshold', cfg.depth).carriedWrongShare.mean,
      },
    };
  },
});
