import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { NormalStream } from '../lib/normalStream';
import { subsetSimulation } from '../lib/subsetSimulation';
import { symmetricEigenvalues } from '../lib/symmetricEigen';
import { fitLine } from '../lib/fits';
import { spearman } from '../lib/ranks';
import { finiteOrNull, quantile } from './priorAnalysis';
import { Rng } from '../runtime/rng';
import { BooleanNet, gram } from './booleanNet';
import { npnClasses } from './npn';
import { cLZ } from './truthTable';

/**
 * Experiment 6: on a 3-4-1 tanh network with centred inputs, the prior mass P_ε(f) of parameters whose outputs are
 * within ε (root mean square) of f's ±1 table, for shrinking ε, per NPN class, by subset simulation; then the fit
 * log2 P_ε = 2λ·log2 ε + log2 c per class. Which term carries the differences between functions?
 */

const config = z
  .object({
    seed: z.number().int().nonnegative(),
    hidden: z.number().int().min(1).max(16),
    sigmaW: z.number().positive(),
    sigmaB: z.number().nonnegative(),
    /** NPN classes to measure, by index in npnClasses(3) (ordered by representative); all 14 in both profiles, so the page's paths exist in each. */
    classes: z.array(z.number().int().min(0).max(13)).min(2),
    /** Independent subset-simulation runs per class (the bootstrap resamples these). */
    runs: z.number().int().min(2),
    /** ε = 2^(−1 − j/2), j = 0 … epsilonSteps − 1. */
    epsilonSteps: z.number().int().min(4).max(16),
    /** The fit uses ε at most this. */
    fitMaxEpsilon: z.number().positive(),
    /** The scale at which the two terms are compared (ε² ≈ 1/n). */
    referenceEpsilon: z.number().positive(),
    particles: z.number().int().min(100),
    levelProbability: z.number().positive().max(0.5),
    movesPerState: z.number().int().min(1),
    /** Draws for the sign prior P(f) (f = sign of the output), and bootstrap resamples of the runs. */
    priorSamples: z.number().int().min(1000),
    bootstrap: z.number().int().min(10),
  })
  .strict();

type Unit = { label: string; kind: 'prior' } | { label: string; kind: 'volume'; cls: number; run: number };
type Partial =
  | { kind: 'prior'; counts: number[] }
  | { kind: 'volume'; cls: number; run: number; probabilities: number[]; levels: number; acceptance: number; rank: number };

const classResult = z.object({
  representative: z.number().int(),
  size: z.number().int(),
  lz: z.number(),
  /** log2 of the sign prior P(f) of one member (the class's mass divided by its size). */
  log2P: z.number().nullable(),
  /** log2 P_ε per ε (mean of the runs' probabilities), and its spread over runs. */
  log2PEpsilon: z.array(z.number()),
  log2PEpsilonSd: z.array(z.number()),
  /** Fit over ε ≤ fitMaxEpsilon: λ = slope/2 with a 95% bootstrap interval over runs, and log2 c. */
  lambda: z.number(),
  lambdaLo: z.number(),
  lambdaHi: z.number(),
  log2C: z.number(),
  /** Median Jacobian rank at the best final particles: the constant-rank λ is rank/2. */
  rank: z.number(),
  /** The two terms of −log2 P_ε at the reference ε: 2λ·log2(1/ε) and −log2 c. */
  lambdaTerm: z.number(),
  constantTerm: z.number(),
  acceptance: z.number(),
  levels: z.number(),
});

const result = z.object({
  epsilons: z.array(z.number()),
  referenceEpsilon: z.number(),
  priorSamples: z.number().int(),
  classes: z.array(classResult),
  /** Spread across classes (sd) of the two terms at the reference ε, and the ε below which the λ term's spread is the larger. */
  sdLambdaTerm: z.number(),
  sdConstantTerm: z.number(),
  crossoverEpsilon: z.number().nullable(),
  /** Spearman of −log2 P(f) (sign prior) with each term, over classes with a measured prior. */
  rhoPriorLambdaTerm: z.number().nullable(),
  rhoPriorConstantTerm: z.number().nullable(),
  /** Largest |λ − rank/2| over classes, and the smallest and largest λ. */
  maxLambdaRankGap: z.number(),
  minLambda: z.number(),
  maxLambda: z.number(),
  /**
   * A check of the NPN symmetry: the largest |count − class mean|/√(class mean) over members of classes seen at least
   * 100 times per member (Poisson z-scores; a few hundred of them, so values up to about 3.5 are expected).
   */
  maxWithinClassZ: z.number(),
});
export type VolumeScalingResult = z.output<typeof result>;

const COMMON = { hidden: 4, sigmaW: 1, sigmaB: 1, fitMaxEpsilon: 0.09, referenceEpsilon: 1 / 32, levelProbability: 0.1, movesPerState: 3 };

export const volumeScaling = defineExperiment<typeof config, typeof result, Unit, Partial>({
  id: 'simplicity-volume-scaling',
  title: 'Volume scaling: P_ε(f) against ε on a 3-4-1 tanh network, per NPN class',
  description:
    'For each NPN class of 3-input functions, estimates by subset simulation the prior mass of 3-4-1 tanh networks whose outputs lie within ε of the class representative\'s ±1 table, for ε from 1/2 to 1/64, fits log2 P_ε = 2λ log2 ε + log2 c, and compares the two terms across classes with the sign prior P(f).',
  module: import.meta.url,
  config,
  profiles: {
    quick: { seed: 13, classes: Array.from({ length: 14 }, (_, c) => c), runs: 2, epsilonSteps: 8, particles: 200, priorSamples: 20_000, bootstrap: 50, ...COMMON },
    full: { seed: 13, classes: Array.from({ length: 14 }, (_, c) => c), runs: 4, epsilonSteps: 11, particles: 1000, priorSamples: 1_000_000, bootstrap: 1000, ...COMMON },
  },
  result,
  timeLimitSeconds: { quick: 60, full: 1200 },
  unitGrid: ['classes', 'runs'],
  units: (cfg) => [{ label: 'prior', kind: 'prior' as const }, ...cfg.classes.flatMap((cls) => Array.from({ length: cfg.runs }, (_, run) => ({ label: `c${cls}/r${run}`, kind: 'volume' as const, cls, run })))],
  async runUnit(cfg, unit, ctx) {
    const net = new BooleanNet({ n: 3, hidden: [cfg.hidden], activation: 'tanh', inputs: 'signs' });
    const std = net.priorStd(cfg.sigmaW, cfg.sigmaB);
    const out = new Float64Array(8);
    if (unit.kind === 'prior') {
      const normals = new NormalStream(ctx.rng('prior'));
      const counts = new Array<number>(256).fill(0);
      const w = new Float64Array(net.dim);
      const bar = ctx.progress('sign prior', cfg.priorSamples);
      for (let s = 0; s < cfg.priorSamples; s++) {
        const z = normals.take(net.dim);
        for (let j = 0; j < net.dim; j++) w[j] = std[j] * z[j];
        net.forward(w, out);
        let t = 0;
        for (let i = 0; i < 8; i++) if (out[i] > 0) t |= 1 << i;
        counts[t]++;
        if (s % 50_000 === 49_999) {
          bar.tick(50_000);
          ctx.signal.throwIfAborted();
        }
      }
      bar.done();
      return { kind: 'prior', counts };
    }
    const table = npnClasses(3)[unit.cls].representative;
    const y = Float64Array.from({ length: 8 }, (_, i) => 2 * ((table >>> i) & 1) - 1);
    const K = (w: Float64Array) => {
      net.forward(w, out);
      let s = 0;
      for (let i = 0; i < 8; i++) s += (out[i] - y[i]) ** 2;
      return s / 8;
    };
    const eps = epsilonGrid(cfg.epsilonSteps);
    const res = subsetSimulation(std, K, eps.map((e) => e * e), { particles: cfg.particles, levelProbability: cfg.levelProbability, maxLevels: 80, movesPerState: cfg.movesPerState }, new NormalStream(ctx.rng(`c${unit.cls}/r${unit.run}`)));
    // Jacobian rank at the 11 particles closest to the target: the set the smallest ε probes.
    const best = Array.from(res.finalK.keys()).sort((a, b) => res.finalK[a] - res.finalK[b]).slice(0, 11);
    const ranks = best.map((p) => {
      const ev = symmetricEigenvalues(gram(net.jacobian(res.finalParticles.slice(p * net.dim, (p + 1) * net.dim)), 8, net.dim), 8);
      return Array.from(ev).filter((e) => e > 1e-8 * ev[0]).length;
    });
    ctx.signal.throwIfAborted();
    return { kind: 'volume', cls: unit.cls, run: unit.run, probabilities: res.probabilities, levels: res.levels, acceptance: res.acceptance, rank: quantile(ranks, 0.5) };
  },
  merge(cfg, partials) {
    return summariseVolumes(cfg, partials);
  },
});

export function epsilonGrid(steps: number): number[] {
  return Array.from({ length: steps }, (_, j) => 2 ** (-1 - j / 2));
}

export function summariseVolumes(cfg: z.infer<typeof config>, partials: Partial[]): z.input<typeof result> {
  const prior = partials.find((p): p is Extract<Partial, { kind: 'prior' }> => p.kind === 'prior')!;
  const eps = epsilonGrid(cfg.epsilonSteps);
  const fitIdx = eps.map((e, j) => (e <= cfg.fitMaxEpsilon ? j : -1)).filter((j) => j >= 0);
  const all = npnClasses(3);
  const rng = new Rng(cfg.seed, 'bootstrap');
  const L = Math.log2(1 / cfg.referenceEpsilon);
  let maxWithinClassZ = 0;
  const classes = cfg.classes.map((cls) => {
    const runs = partials.filter((p): p is Extract<Partial, { kind: 'volume' }> => p.kind === 'volume' && p.cls === cls);
    const members = all[cls].members;
    const classCount = members.reduce((a, f) => a + prior.counts[f], 0);
    const perMember = members.map((f) => prior.counts[f]);
    const meanMember = classCount / members.length;
    if (meanMember >= 100) for (const c of perMember) maxWithinClassZ = Math.max(maxWithinClassZ, Math.abs(c - meanMember) / Math.sqrt(meanMember));
    const log2Mean = (idx: ArrayLike<number>, j: number) => {
      let s = 0;
      for (let r = 0; r < idx.length; r++) s += runs[idx[r]].probabilities[j];
      return Math.log2(s / idx.length);
    };
    const fitOn = (idx: ArrayLike<number>) => fitLine(fitIdx.map((j) => Math.log2(eps[j])), fitIdx.map((j) => log2Mean(idx, j)));
    const identity = runs.map((_, r) => r);
    const line = fitOn(identity);
    const slopes: number[] = [];
    const pick = new Int32Array(runs.length);
    for (let b = 0; b < cfg.bootstrap; b++) {
      for (let r = 0; r < runs.length; r++) pick[r] = rng.int(runs.length);
      slopes.push(fitOn(pick).slope);
    }
    const log2PEpsilon = eps.map((_, j) => log2Mean(identity, j));
    const log2PEpsilonSd = eps.map((_, j) => {
      const v = runs.map((r) => Math.log2(r.probabilities[j]));
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length - 1));
    });
    const lambda = line.slope / 2;
    return {
      representative: all[cls].representative,
      size: members.length,
      lz: cLZ(all[cls].representative, 3),
      log2P: classCount > 0 ? Math.log2(meanMember / cfg.priorSamples) : null,
      log2PEpsilon,
      log2PEpsilonSd,
      lambda,
      lambdaLo: quantile(slopes, 0.025) / 2,
      lambdaHi: quantile(slopes, 0.975) / 2,
      log2C: line.intercept,
      rank: quantile(runs.map((r) => r.rank), 0.5),
      lambdaTerm: 2 * lambda * L,
      constantTerm: -line.intercept,
      acceptance: runs.reduce((a, r) => a + r.acceptance, 0) / runs.length,
      levels: runs.reduce((a, r) => a + r.levels, 0) / runs.length,
    };
  });
  const sd = (v: number[]) => {
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
  };
  const sdSlope = sd(classes.map((c) => 2 * c.lambda));
  const sdConstantTerm = sd(classes.map((c) => c.constantTerm));
  const measured = classes.filter((c) => c.log2P !== null);
  return {
    epsilons: eps,
    referenceEpsilon: cfg.referenceEpsilon,
    priorSamples: cfg.priorSamples,
    classes,
    sdLambdaTerm: sdSlope * L,
    sdConstantTerm,
    // The λ term's spread grows as log2(1/ε)·sd(slope); it overtakes the constant's at log2(1/ε) = sd(−log2 c)/sd(slope).
    crossoverEpsilon: sdSlope > 0 ? 2 ** (-sdConstantTerm / sdSlope) : null,
    rhoPriorLambdaTerm: finiteOrNull(spearman(measured.map((c) => -c.log2P!), measured.map((c) => c.lambdaTerm))),
    rhoPriorConstantTerm: finiteOrNull(spearman(measured.map((c) => -c.log2P!), measured.map((c) => c.constantTerm))),
    maxLambdaRankGap: Math.max(...classes.map((c) => Math.abs(c.lambda - c.rank / 2))),
    minLambda: Math.min(...classes.map((c) => c.lambda)),
    maxLambda: Math.max(...classes.map((c) => c.lambda)),
    maxWithinClassZ,
  };
}
