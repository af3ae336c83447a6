import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import type { Rng } from '../runtime/rng';
import { meanSd, meanSdSchema, quantileSorted } from '../lib/stats';
import { matMul } from '../lib/tfjs';
import { sampleBernoulliLayer, sharedNeurons } from './bernoulliLayer';
import { signAndPrediction, signConstant } from './kaarelReadoff';
import { gaussianLayer } from './randomLayer';
import { CASES } from './sparseInputs';

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

/**
 * One replicate at one width: run the stack in one mode and return per-layer statistics. W[l] is (m+1)×d with
 * row m the always-on feature; `signs[l]` is d×m with sign(W_αk W_ck) (the carry readoffs, unscaled).
 */
export function runStack(o: {
  tf: Parameters<typeof matMul>[0];
  W: Float32Array[];
  m: number;
  d: number;
  s: number;
  mode: Mode;
  actives: number[][];
  pairs: { i: number; j: number; c: number }[][];
}): LayerStats[] {
  const { tf, W, m, d, s, mode, actives, pairs } = o;
  const n = actives.length;
  const c = signConstant(s + 1);
  const stats: LayerStats[] = [];
  let V = new Float32Array(n * (m + 1));
  actives.forEach((on, t) => {
    for (const a of on) V[t * (m + 1) + a] = 1;
    V[t * (m + 1) + m] = 1;
  });
  for (let l = 0; l < W.length; l++) {
    const Wl = W[l];
    const H = matMul(tf, V, n, m + 1, Wl, d);
    for (let t = 0; t < H.length; t++) if (H[t] < 0) H[t] = 0;
    const S = new Float32Array(d * m);
    for (let k = 0; k < d; k++) {
      const wc = Wl[m * d + k];
      for (let a = 0; a < m; a++) S[k * m + a] = Math.sign(Wl[a * d + k] * wc);
    }
    const Y = matMul(tf, H, n, d, S, m);
    // Scored ANDs of the original features.
    const caseSq = [0, 0, 0, 0];
    const caseN = [0, 0, 0, 0];
    const abs: number[] = [];
    pairs.forEach((list, t) => {
      for (const { i, j, c: ci } of list) {
        let y = 0;
        for (let k = 0; k < d; k++) {
          const hk = H[t * d + k];
          if (hk !== 0) y += Wl[i * d + k] * Wl[j * d + k] > 0 ? hk : -hk;
        }
        const e = y / (d * c) - (ci === 3 ? 1 : 0);
        caseSq[ci] += e * e;
        caseN[ci]++;
        abs.push(Math.abs(e));
      }
    });
    abs.sort((x, y) => x - y);
    // Carried features: AND with the always-on feature, i.e. the feature itself.
    let sq = 0;
    let wrong = 0;
    const next = new Float32Array(n * (m + 1));
    for (let t = 0; t < n; t++) {
      const on = new Set(actives[t]);
      for (let a = 0; a < m; a++) {
        const y = Y[t * m + a] / (d * c);
        const e = y - (on.has(a) ? 1 : 0);
        sq += e * e;
        if (Math.abs(e) >= 0.5) wrong++;
        next[t * (m + 1) + a] = mode === 'raw' ? y : rethreshold(y);
      }
      next[t * (m + 1) + m] = 1;
    }
    stats.push({
      andRms: Math.sqrt(caseSq.reduce((acc, v, ci) => acc + v / caseN[ci], 0) / 4),
      andQ99: quantileSorted(abs, 0.99),
      andWorst: abs[abs.length - 1],
      carriedRms: Math.sqrt(sq / (n * m)),
      carriedWrongShare: wrong / (n * m),
    });
    V = next;
  }
  return stats;
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
    const out = Object.fromEntries(MODES.map((mode) => [mode, runStack({ tf: ctx.tf, W, m, d, s, mode, actives, pairs })])) as Record<Mode, LayerStats[]>;
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
