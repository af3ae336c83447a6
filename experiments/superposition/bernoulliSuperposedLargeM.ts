import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import type { Rng } from '../runtime/rng';
import { exponentIntervalSchema, pooledExponent } from '../lib/exponentInterval';
import { meanSd, meanSdSchema } from '../lib/stats';
import { correctionConstants } from './bernoulliCorrected';
import { CASES } from './sparseInputs';

/**
 * The post's 0/1 layer with its inputs in superposition, at m far beyond d0 = d. Feature α is a random unit vector
 * φ_α ∈ R^{d0}; the input is x = Σ_{β on} φ_β and neuron k, wired to feature α with probability p, has pre-activation
 * Σ_{α wired} u_α − 1 with u_α = ⟨φ_α, x⟩ (bernoulliLayer.superposedPairReadoff). The simulation is exact in law and
 * touches only what one pair's readoff reads:
 *  - by symmetry the pair is features 0 and 1; each pair gets its own layer (the law of a pair's error is the same as
 *    in a shared layer), of which only the neurons wired to 0 or 1 are drawn, with their wiring to all m features;
 *  - u on the active features comes from the Gram matrix of their unit vectors; for every inactive α, φ_α is
 *    independent of x, so u_α = ‖x‖·t_α with t_α iid, distributed as one coordinate of a uniform unit vector in R^{d0}:
 *    t = z/√(z² + χ²_{d0−1}). No m×d0 matrix is ever formed, so m is limited only by the wiring lists (∝ d·m·p²).
 * The same layers are also read with orthonormal features (u = the 0/1 indicator), the setting of
 * bernoulli-corrected-sweep, to isolate what superposition adds.
 */
const config = z
  .object({
    /** Base seed; replicate r draws pair q's layer at (ρ, d, p) from `layer/r/ρ/d/p/q`, its inputs from `inputs/r/ρ/d/q`. */
    seed: z.number().int().nonnegative(),
    replicates: z.number().int().min(2).max(20),
    /** Ratios m/d0, each swept over every width (d0 = d). */
    ratios: z.array(z.number().int().min(1).max(256)).min(1),
    /** Widths d = d0, ascending. */
    ds: z.array(z.number().int().min(16).max(16_384)).min(3),
    /** Connection probabilities; each readoff keeps its best per width and replicate. */
    ps: z.array(z.number().gt(0).lt(1)).min(3),
    /** Superposed features are read only at p up to this (their best p sits far lower; the cost grows as p²). */
    superposedMaxP: z.number().gt(0).max(1),
    /** Other features on besides the pair (the corrected readoff's constants assume it known, as in bernoulli-corrected-sweep). */
    sPrime: z.number().int().min(1).max(16),
    /** Pairs per replicate and cell, each with its own layer. */
    pairs: z.number().int().min(1),
    /** Inputs per pair and per case (shared by every p). */
    inputsPerCase: z.number().int().min(1),
  })
  .strict();

const READOFFS = ['plain', 'corrected'] as const;
const FEATURES = ['superposed', 'orthonormal'] as const;
type Readoff = (typeof READOFFS)[number];
type Features = (typeof FEATURES)[number];

const result = z.object({
  setup: z.object({ replicates: z.number(), sPrime: z.number(), mMax: z.number(), samplesPerCell: z.number() }),
  /** The best p on the grid and its RMS (four cases weighted equally), per (ratio, d, features, readoff), over replicates. */
  best: z.array(z.object({ ratio: z.number(), d: z.number(), m: z.number(), features: z.enum(FEATURES), readoff: z.enum(READOFFS), p: meanSdSchema, rms: meanSdSchema })),
  /** Exponent of the best RMS against d, per (ratio, features, readoff), 95% bootstrap interval over replicates. */
  exponents: z.array(z.object({ ratio: z.number(), features: z.enum(FEATURES), readoff: z.enum(READOFFS), dMin: z.number(), dMax: z.number(), exponent: exponentIntervalSchema })),
  summary: z.object({
    /** Exponents for the prose: superposed at the smallest and largest ratio, orthonormal (the same layers) at the largest. */
    ratioMin: z.number(),
    ratioMax: z.number(),
    plainAtRatioMin: exponentIntervalSchema,
    correctedAtRatioMin: exponentIntervalSchema,
    plainAtRatioMax: exponentIntervalSchema,
    correctedAtRatioMax: exponentIntervalSchema,
    orthonormalPlainAtRatioMax: exponentIntervalSchema,
    orthonormalCorrectedAtRatioMax: exponentIntervalSchema,
    /** Best RMS at the largest width and ratio, superposed (a readoff that always answers 0 has RMS 1/2). */
    plainRmsAtMax: z.number(),
    correctedRmsAtMax: z.number(),
    dMax: z.number(),
    /** Corrected over plain best RMS at the largest width and ratio, superposed. */
    gainAtMax: z.number(),
    /** Superposed over orthonormal best RMS of the corrected readoff at the largest width and ratio. */
    superpositionCostAtMax: z.number(),
  }),
});
/** The experiment's results, as stored in its artifact and read by its figures. */
export type BernoulliSuperposedLargeMResult = z.output<typeof result>;

type Unit = { label: string; r: number; ratio: number };
/** rms[features][readoff][d index][p index] for one replicate and ratio. */
interface Partial {
  r: number;
  ratio: number;
  rms: Record<Features, Record<Readoff, number[][]>>;
}

/** Gamma(shape ≥ 1) by Marsaglia and Tsang's method. */
export function gammaSample(rng: Rng, shape: number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** One coordinate of a uniform unit vector in R^{d0}: z/√(z² + χ²_{d0−1}). */
export function sphereCoordinate(rng: Rng, d0: number): number {
  const z = rng.normal();
  return z / Math.sqrt(z * z + 2 * gammaSample(rng, (d0 - 1) / 2));
}

/** Overlaps u_β = ⟨φ_β, x⟩ of the active features and ‖x‖, for `count` random unit vectors in R^{d0}. */
export function activeOverlaps(rng: Rng, count: number, d0: number): { u: Float64Array; norm: number } {
  const V = Array.from({ length: count }, () => {
    const v = Float64Array.from({ length: d0 }, () => rng.normal());
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  });
  const u = new Float64Array(count);
  let sq = 0;
  for (let a = 0; a < count; a++) {
    for (let b = 0; b < count; b++) {
      let dot = 0;
      if (a === b) dot = 1;
      else for (let k = 0; k < d0; k++) dot += V[a][k] * V[b][k];
      u[a] += dot;
      sq += dot;
    }
  }
  return { u, norm: Math.sqrt(Math.max(0, sq)) };
}

/** The neurons of one pair's layer wired to feature 0 or 1: their group and their wired features (ascending). */
interface PairLayer {
  group: Uint8Array; // 0 shared, 1 only feature 0, 2 only feature 1
  wired: Int32Array[];
  counts: [number, number, number];
}

function samplePairLayer(rng: Rng, m: number, d: number, p: number): PairLayer {
  const group: number[] = [];
  const wired: Int32Array[] = [];
  const counts: [number, number, number] = [0, 0, 0];
  const logQ = Math.log1p(-p);
  for (let k = 0; k < d; k++) {
    const a = rng.uniform() < p;
    const b = rng.uniform() < p;
    if (!a && !b) continue;
    const list: number[] = [];
    if (a) list.push(0);
    if (b) list.push(1);
    // Features 2 … m−1 by geometric skips.
    for (let pos = 1; ; ) {
      let v = rng.uniform();
      while (v === 0) v = rng.uniform();
      pos += 1 + Math.floor(Math.log(v) / logQ);
      if (pos >= m) break;
      list.push(pos);
    }
    const g = a && b ? 0 : a ? 1 : 2;
    group.push(g);
    counts[g]++;
    wired.push(Int32Array.from(list));
  }
  return { group: Uint8Array.from(group), wired, counts };
}

/** Group means of ReLU(Σ_{α wired} u_α − 1): [shared, only 0, only 1]; an empty group gives 0. */
function groupMeans(layer: PairLayer, u: Float64Array): [number, number, number] {
  const sums = [0, 0, 0];
  for (let k = 0; k < layer.wired.length; k++) {
    let pre = -1;
    const w = layer.wired[k];
    for (let t = 0; t < w.length; t++) pre += u[w[t]];
    if (pre > 0) sums[layer.group[k]] += pre;
  }
  return sums.map((v, g) => (layer.counts[g] ? v / layer.counts[g] : 0)) as [number, number, number];
}

/** The same with orthonormal features, u the indicator of `active`: a neuron's pre-activation counts its wired active features. */
function groupMeansOrthonormal(layer: PairLayer, active: readonly number[]): [number, number, number] {
  const sums = [0, 0, 0];
  for (let k = 0; k < layer.wired.length; k++) {
    let pre = -1;
    for (const a of active) if (contains(layer.wired[k], a)) pre++;
    if (pre > 0) sums[layer.group[k]] += pre;
  }
  return sums.map((v, g) => (layer.counts[g] ? v / layer.counts[g] : 0)) as [number, number, number];
}

function contains(sorted: Int32Array, v: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === v;
}

export const bernoulliSuperposedLargeM = defineExperiment({
  id: 'bernoulli-superposed-large-m',
  title: "The post's 0/1 layer with inputs in superposition, m far beyond d0",
  description:
    "The superposed 0/1 layer simulated exactly (in law) at m/d0 of 4 and 8, touching only the neurons and overlaps one pair's readoff reads. Both the post's readoff and the bias-corrected one, at the best p per width, with fitted exponents of the error in d and bootstrap intervals; the same layers read with orthonormal features as the control.",
  module: import.meta.url,
  config,
  profiles: {
    quick: { seed: 0, replicates: 2, ratios: [4], ds: [64, 128, 256], ps: [0.05, 0.1, 0.2, 0.35], superposedMaxP: 0.2, sPrime: 2, pairs: 6, inputsPerCase: 3 },
    full: {
      seed: 0,
      replicates: 4,
      ratios: [4, 8],
      ds: [256, 512, 1024, 2048],
      ps: [0.014, 0.02, 0.03, 0.045, 0.07, 0.1, 0.15, 0.22, 0.3],
      superposedMaxP: 0.1,
      sPrime: 2,
      pairs: 12,
      inputsPerCase: 4,
    },
  },
  result,
  timeLimitSeconds: { quick: 60, full: 600 },
  unitGrid: ['replicates', 'ratios'],
  units: (cfg): Unit[] => Array.from({ length: cfg.replicates }, (_, r) => cfg.ratios.map((ratio) => ({ label: `replicate${r}/ratio${ratio}`, r, ratio }))).flat(),
  async runUnit(cfg, unit, ctx): Promise<Partial> {
    const { r, ratio } = unit;
    const { ps, sPrime } = cfg;
    const rms = Object.fromEntries(FEATURES.map((f) => [f, Object.fromEntries(READOFFS.map((o) => [o, cfg.ds.map(() => ps.map(() => 0))]))])) as Partial['rms'];
    const consts = ps.map((p) => correctionConstants(sPrime, p));
    const bar = ctx.progress(unit.label, cfg.ds.length * cfg.pairs);
    cfg.ds.forEach((d, di) => {
      const m = ratio * d;
      const sq = FEATURES.map(() => READOFFS.map(() => new Float64Array(ps.length)));
      let n = 0;
      const uS = new Float64Array(m);
      for (let q = 0; q < cfg.pairs; q++) {
        ctx.signal.throwIfAborted();
        const layers = ps.map((p) => samplePairLayer(ctx.rng(`layer/${r}/${ratio}/${d}/${p}/${q}`), m, d, p));
        const rng = ctx.rng(`inputs/${r}/${ratio}/${d}/${q}`);
        for (const [a, b] of CASES) {
          const target = a & b;
          for (let t = 0; t < cfg.inputsPerCase; t++) {
            const others = rng.sampleDistinct(m - 2, sPrime).map((v) => v + 2);
            const active = [...(a ? [0] : []), ...(b ? [1] : []), ...others];
            const { u: ua, norm } = activeOverlaps(rng, active.length, d);
            for (let l = 0; l < m; l++) uS[l] = norm * sphereCoordinate(rng, d);
            active.forEach((l, t2) => (uS[l] = ua[t2]));
            FEATURES.forEach((f, fi) => {
              layers.forEach((layer, pi) => {
                if (f === 'superposed' && ps[pi] > cfg.superposedMaxP) return;
                const [sh, onlyA, onlyB] = f === 'superposed' ? groupMeans(layer, uS) : groupMeansOrthonormal(layer, active);
                const plain = sh - target;
                const corrected = (sh - onlyA - onlyB + consts[pi].b0) * consts[pi].scale - target;
                sq[fi][0][pi] += plain * plain;
                sq[fi][1][pi] += corrected * corrected;
              });
            });
            n++;
          }
        }
        bar.tick();
      }
      // p above the superposed cap is never read there: marked −1, skipped when the best p is chosen.
      FEATURES.forEach((f, fi) => READOFFS.forEach((o, oi) => ps.forEach((p, pi) => (rms[f][o][di][pi] = f === 'superposed' && p > cfg.superposedMaxP ? -1 : Math.sqrt(sq[fi][oi][pi] / n)))));
    });
    bar.done();
    return { r, ratio, rms };
  },
  merge(cfg, partials, streams) {
    const rng = streams('bootstrap');
    const best: z.input<typeof result>['best'] = [];
    const exponents: z.input<typeof result>['exponents'] = [];
    for (const ratio of cfg.ratios) {
      const parts = partials.filter((p) => p.ratio === ratio).sort((a, b) => a.r - b.r);
      for (const features of FEATURES) {
        for (const readoff of READOFFS) {
          // table[replicate][d index] = { p, rms } at the best p
          const table = parts.map((part) =>
            cfg.ds.map((_, di) => {
              const row = part.rms[features][readoff][di];
              let pi = -1;
              row.forEach((v, t) => v >= 0 && (pi < 0 || v < row[pi]) && (pi = t));
              return { p: cfg.ps[pi], rms: row[pi] };
            }),
          );
          cfg.ds.forEach((d, di) => best.push({ ratio, d, m: ratio * d, features, readoff, p: meanSd(table.map((t) => t[di].p)), rms: meanSd(table.map((t) => t[di].rms)) }));
          exponents.push({ ratio, features, readoff, dMin: cfg.ds[0], dMax: cfg.ds[cfg.ds.length - 1], exponent: pooledExponent(cfg.ds, table.map((t) => t.map((c) => c.rms)), rng) });
        }
      }
    }
    const ratioMax = Math.max(...cfg.ratios);
    const dMax = cfg.ds[cfg.ds.length - 1];
    const ratioMin = Math.min(...cfg.ratios);
    const ex = (readoff: Readoff, ratio = ratioMax, features: Features = 'superposed') => exponents.find((e) => e.ratio === ratio && e.features === features && e.readoff === readoff)!.exponent;
    const at = (features: Features, readoff: Readoff) => best.find((b) => b.ratio === ratioMax && b.d === dMax && b.features === features && b.readoff === readoff)!.rms.mean;
    return {
      setup: { replicates: cfg.replicates, sPrime: cfg.sPrime, mMax: ratioMax * dMax, samplesPerCell: cfg.pairs * 4 * cfg.inputsPerCase },
      best,
      exponents,
      summary: {
        ratioMin,
        ratioMax,
        plainAtRatioMin: ex('plain', ratioMin),
        correctedAtRatioMin: ex('corrected', ratioMin),
        plainAtRatioMax: ex('plain'),
        correctedAtRatioMax: ex('corrected'),
        orthonormalPlainAtRatioMax: ex('plain', ratioMax, 'orthonormal'),
        orthonormalCorrectedAtRatioMax: ex('corrected', ratioMax, 'orthonormal'),
        plainRmsAtMax: at('superposed', 'plain'),
        correctedRmsAtMax: at('superposed', 'corrected'),
        dMax,
        gainAtMax: at('superposed', 'corrected') / at('superposed', 'plain'),
        superpositionCostAtMax: at('superposed', 'corrected') / at('orthonormal', 'corrected'),
      },
    };
  },
});
