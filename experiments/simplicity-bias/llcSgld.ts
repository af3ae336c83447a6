import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { NormalStream } from '../lib/normalStream';
import { quadraticLlc, sgldChain, type LossModel } from '../lib/sgld';
import { symmetricEigenvalues } from '../lib/symmetricEigen';
import { bootstrapInterval } from '../lib/bootstrap';
import { spearman } from '../lib/ranks';
import { Rng } from '../runtime/rng';
import { BooleanNet, fitExactly, gram } from './booleanNet';
import { llcPrior } from './llcPrior';
import { MIN_COUNT } from './priorAnalysis';

/**
 * Experiment 5: the local learning coefficient of trained 5-16-16-1 networks, one per target function and seed,
 * estimated by full-batch localised SGLD at nβ = n/ln n, against the target's prior −log2 P(f) and complexity.
 */

const config = z
  .object({
    seed: z.number().int().nonnegative(),
    /** Number of targets the upstream lists (checked): units are (target, seed) pairs. */
    targets: z.number().int().min(2),
    /** Trained networks per target (independent inits and label noise). */
    seeds: z.number().int().min(1),
    /** Each of the 32 inputs appears this many times in the data set, so n = 32·replicates. */
    replicates: z.number().int().min(1),
    /** Standard deviation of the Gaussian label noise on the ±1 targets (the likelihood's σ). */
    labelNoise: z.number().positive(),
    /** Localisation strengths γ (all reported; the verdict must hold at each). */
    gammas: z.array(z.number().positive()).min(1),
    /** Step sizes ε = stepFactor/(h_max + γ), h_max the top curvature of nβ·L_n at w*; the plateau rule prefers the largest. */
    stepFactors: z.array(z.number().positive().max(2)).min(1),
    /** Chains per network and setting. */
    chains: z.number().int().min(1),
    /** Burn-in and averaged draws at stepFactor 1; both are divided by the factor, so every chain covers the same time. */
    burnIn: z.number().int().min(1),
    draws: z.number().int().min(2),
    /** Training: fresh inits tried until one fits every noisy mean to maxResidual. */
    fitAttempts: z.number().int().min(1),
    maxResidual: z.number().positive(),
    /** Step-size plateau: the largest factor whose median λ̂ differs from the next smaller factor's by less than this fraction. */
    plateauTolerance: z.number().positive(),
    /** Bootstrap resamples of the targets for the rank correlations' intervals. */
    bootstrap: z.number().int().min(10),
  })
  .strict();

const chain = z.object({ lambdaHat: z.number().nullable(), firstHalf: z.number().nullable(), secondHalf: z.number().nullable() });
const setting = z.object({
  gamma: z.number(),
  stepFactor: z.number(),
  epsilon: z.number(),
  chains: z.array(chain),
  /** ½ Σ nβh/(nβh + γ) from the curvature spectrum at w* (the quadratic approximation, continuous time). */
  quadratic: z.number(),
});
type Partial = {
  target: number;
  /** What the merge needs of the upstream's target. */
  meta: { name: string; count: number; log2PRank: number; lz: number };
  parameters: number;
  seed: number;
  attempts: number;
  converged: boolean;
  maxResidual: number;
  gradNorm: number;
  rank: number;
  /** Top curvature of nβ·L_n at w*. */
  hMax: number;
  /** The 32 eigenvalues of the Hessian of nβ·L_n at w* that can be non-zero, descending. */
  curvatures: number[];
  settings: z.infer<typeof setting>[];
  seconds: number;
};

const perGamma = z.object({
  gamma: z.number(),
  /** The step factor the plateau rule picked, and the median relative change of λ̂ between each factor and the next smaller. */
  stepFactor: z.number(),
  relativeChanges: z.array(z.object({ from: z.number(), to: z.number(), medianRelative: z.number() })),
  /** Per target, in the upstream's order: λ̂ (mean over seeds and chains), its sd over seeds, the quadratic prediction. */
  lambdaHat: z.array(z.number()),
  lambdaSd: z.array(z.number()),
  quadratic: z.array(z.number()),
  /** Spearman of λ̂ with −log2 P over targets whose P is measured (count ≥ 10), with a 95% bootstrap interval over targets. */
  rhoPrior: z.number(),
  rhoPriorLo: z.number(),
  rhoPriorHi: z.number(),
  /** Spearman of λ̂ with C_LZ over all targets, and with the quadratic prediction. */
  rhoLz: z.number(),
  rhoLzLo: z.number(),
  rhoLzHi: z.number(),
  rhoQuadratic: z.number(),
  /** Share of chains whose two halves agree within 15%, and chains that diverged. */
  stationaryShare: z.number(),
  diverged: z.number().int(),
  maxLambda: z.number(),
  minLambda: z.number(),
});

const result = z.object({
  n: z.number().int(),
  nBeta: z.number(),
  parameters: z.number().int(),
  networks: z.array(
    z.object({
      target: z.number().int(),
      seed: z.number().int(),
      attempts: z.number().int(),
      maxResidual: z.number(),
      gradNorm: z.number(),
      rank: z.number().int(),
      hMax: z.number(),
      curvatures: z.array(z.number()),
      settings: z.array(setting),
      seconds: z.number(),
    }),
  ),
  /** Jacobian rank over all trained networks: rank/2 is λ under the constant-rank argument. */
  minRank: z.number().int(),
  maxRank: z.number().int(),
  maxGradNorm: z.number(),
  /** The upstream's targets, in order: name, draws, log2 P for ranking (an upper value below 10 draws), C_LZ. */
  targets: z.array(z.object({ name: z.string(), count: z.number().int(), log2PRank: z.number(), lz: z.number() })),
  /** Targets whose P is measured (count ≥ 10), used by rhoPrior. */
  measuredTargets: z.number().int(),
  gammas: z.array(perGamma),
});
export type LlcSgldResult = z.output<typeof result>;

const PROFILE_COMMON = { replicates: 32, labelNoise: 0.1, stepFactors: [1, 0.5], fitAttempts: 6, maxResidual: 1e-9, plateauTolerance: 0.1 };

export const llcSgld = defineExperiment<typeof config, typeof result, { label: string; target: number; seed: number }, Partial>({
  id: 'simplicity-llc',
  title: 'Local learning coefficients of trained 5-16-16-1 networks against their prior (SGLD)',
  description:
    'Trains one 5-16-16-1 tanh network per target function and seed to an exact minimum of the squared error on noisy ±1 labels, estimates its local learning coefficient by localised full-batch SGLD at nβ = n/ln n over a step-size × localisation grid, and compares λ̂ with −log2 P(f), with Lempel-Ziv complexity and with the Jacobian rank.',
  module: import.meta.url,
  config,
  upstream: [llcPrior.id],
  profiles: {
    quick: { seed: 12, targets: 5, seeds: 1, gammas: [1000, 10000], chains: 1, burnIn: 100, draws: 200, bootstrap: 50, ...PROFILE_COMMON },
    full: { seed: 12, targets: 18, seeds: 2, gammas: [1000, 10000], chains: 2, burnIn: 1000, draws: 2000, bootstrap: 1000, ...PROFILE_COMMON },
  },
  result,
  timeLimitSeconds: { quick: 60, full: 1200 },
  tolerances: { 'networks.*.seconds': { measured: true } },
  unitGrid: ['targets', 'seeds'],
  units: (cfg) => Array.from({ length: cfg.targets }, (_, target) => Array.from({ length: cfg.seeds }, (_, seed) => ({ label: `t${target}/s${seed}`, target, seed }))).flat(),
  async runUnit(cfg, { target, seed }, ctx) {
    const t0 = performance.now();
    const prior = ctx.upstream(llcPrior);
    const targets = prior.results.targets;
    if (targets.length !== cfg.targets) throw new Error(`config.targets is ${cfg.targets} but simplicity-llc-prior lists ${targets.length} targets: set targets to ${targets.length}`);
    const net = new BooleanNet({ n: 5, hidden: prior.config.net.hidden, activation: prior.config.net.activation, inputs: 'bits' });
    const std = net.priorStd(prior.config.net.sigmaW, prior.config.net.sigmaB);
    const rng = ctx.rng(`t${target}/s${seed}`);
    const sigma = cfg.labelNoise;
    const table = targets[target].table;
    // Mean of the replicates' noisy labels per input: the squared error depends on the data only through them.
    const yBar = Float64Array.from({ length: 32 }, (_, i) => {
      let s = 0;
      for (let r = 0; r < cfg.replicates; r++) s += rng.normal();
      return 2 * ((table >>> i) & 1) - 1 + (sigma * s) / cfg.replicates;
    });
    let fit = null;
    let attempts = 0;
    while (attempts < cfg.fitAttempts && !fit?.converged) {
      attempts++;
      const w0 = Float64Array.from(std, (s) => s * rng.normal());
      fit = fitExactly(net, w0, yBar, cfg.maxResidual);
    }
    if (!fit) throw new Error('unreachable');
    const n = 32 * cfg.replicates;
    const nBeta = n / Math.log(n);
    const f = new Float64Array(32);
    const g = new Float64Array(32);
    // L_n(w) up to a constant: (1/n) Σ (f(x) − y)²/(2σ²) = (1/(64σ²)) Σ_i (f_i − ȳ_i)² + const.
    const model: LossModel = {
      dim: net.dim,
      lossGrad(w, grad) {
        net.forward(w, f);
        let loss = 0;
        for (let i = 0; i < 32; i++) {
          const r = f[i] - yBar[i];
          loss += r * r;
          g[i] = r / (32 * sigma * sigma);
        }
        net.backward(w, g, grad);
        return loss / (64 * sigma * sigma);
      },
    };
    const grad = new Float64Array(net.dim);
    const lossStar = model.lossGrad(fit.w, grad);
    const gradNorm = Math.hypot(...grad);
    // At an exact interpolant the Hessian of L_n is JᵀJ/(32σ²); its non-zero eigenvalues are those of JJᵀ/(32σ²).
    const eig = symmetricEigenvalues(gram(net.jacobian(fit.w), 32, net.dim), 32);
    const curvatures = Array.from(eig, (e) => (nBeta * Math.max(e, 0)) / (32 * sigma * sigma));
    const rank = Array.from(eig).filter((e) => e > 1e-10 * eig[0]).length;
    const hMax = curvatures[0];
    const normals = new NormalStream(ctx.rng(`t${target}/s${seed}/sgld`));
    const settings: z.infer<typeof setting>[] = [];
    for (const gamma of cfg.gammas)
      for (const c of cfg.stepFactors) {
        const epsilon = c / (hMax + gamma);
        const chains = Array.from({ length: cfg.chains }, () => {
          const ch = sgldChain(model, fit.w, lossStar, { nBeta, gamma, epsilon, burnIn: Math.round(cfg.burnIn / c), draws: Math.round(cfg.draws / c) }, normals);
          const num = (x: number) => (Number.isFinite(x) ? x : null);
          return { lambdaHat: num(ch.lambdaHat), firstHalf: num(ch.firstHalf), secondHalf: num(ch.secondHalf) };
        });
        settings.push({ gamma, stepFactor: c, epsilon, chains, quadratic: quadraticLlc(curvatures.map((h) => h / nBeta), nBeta, gamma) });
        ctx.signal.throwIfAborted();
      }
    ctx.log(`${targets[target].name} seed ${seed}: ${attempts} init(s), rank ${rank}, λ̂ ${settings.map((s) => s.chains[0].lambdaHat?.toFixed(2)).join(' ')}`);
    const t = targets[target];
    return { target, meta: { name: t.name, count: t.count, log2PRank: t.log2PRank, lz: t.lz }, parameters: net.dim, seed, attempts, converged: fit.converged, maxResidual: fit.maxResidual, gradNorm, rank, hMax, curvatures, settings, seconds: (performance.now() - t0) / 1000 };
  },
  merge(cfg, partials) {
    const failed = partials.filter((p) => !p.converged);
    if (failed.length) throw new Error(`${failed.length} network(s) did not fit their targets in ${cfg.fitAttempts} attempts (first: target ${failed[0].target}, seed ${failed[0].seed}); raise fitAttempts`);
    const n = 32 * cfg.replicates;
    return { n, nBeta: n / Math.log(n), parameters: partials[0].parameters, ...summariseLlc(cfg, partials) };
  },
});

/** Mean of the finite chain estimates of one network at one setting. */
function meanChains(s: z.infer<typeof setting>): number {
  const v = s.chains.map((c) => c.lambdaHat).filter((x): x is number => x !== null);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
}

function median(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Everything the page reports from the per-network partials (given in unit order: targets, then seeds). */
export function summariseLlc(cfg: z.infer<typeof config>, partials: Partial[]) {
  const T = cfg.targets;
  const byTarget = Array.from({ length: T }, (_, t) => partials.filter((p) => p.target === t));
  const meta = byTarget.map((ps) => ps[0].meta);
  const measured = meta.map((m, t) => (m.count >= MIN_COUNT ? t : -1)).filter((t) => t >= 0);
  const gammas = cfg.gammas.map((gamma) => {
    const at = (p: Partial, c: number) => p.settings.find((s) => s.gamma === gamma && s.stepFactor === c)!;
    // Step-size plateau: factors in descending order; take the first whose λ̂ moves by less than the tolerance
    // (median over networks) when the step is reduced to the next factor. The smallest factor is the fallback.
    const factors = [...cfg.stepFactors].sort((a, b) => b - a);
    const relativeChanges = factors.slice(0, -1).map((from, i) => {
      const to = factors[i + 1];
      return { from, to, medianRelative: median(partials.map((p) => Math.abs(meanChains(at(p, from)) - meanChains(at(p, to))) / Math.abs(meanChains(at(p, to))))) };
    });
    const pick = relativeChanges.find((r) => r.medianRelative < cfg.plateauTolerance);
    const stepFactor = pick ? pick.from : factors[factors.length - 1];
    const perNet = byTarget.map((ps) => ps.map((p) => meanChains(at(p, stepFactor))));
    const lambdaHat = perNet.map((v) => v.reduce((a, b) => a + b, 0) / v.length);
    const lambdaSd = perNet.map((v) => {
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      return v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
    });
    const quadratic = byTarget.map((ps) => ps.reduce((a, p) => a + at(p, stepFactor).quadratic, 0) / ps.length);
    const chains = partials.flatMap((p) => at(p, stepFactor).chains);
    const stationary = chains.filter((c) => c.firstHalf !== null && c.secondHalf !== null && Math.abs(c.firstHalf - c.secondHalf) <= 0.15 * Math.abs((c.firstHalf + c.secondHalf) / 2));
    const rng = new Rng(cfg.seed, `bootstrap/gamma${gamma}`);
    const rhoOver = (idx: number[], x: (t: number) => number) =>
      bootstrapInterval(idx.length, (r) => spearman(Array.from(r, (i) => lambdaHat[idx[i]]), Array.from(r, (i) => x(idx[i]))), rng, { resamples: cfg.bootstrap });
    const prior = rhoOver(measured, (t) => -meta[t].log2PRank);
    const all = Array.from({ length: T }, (_, t) => t);
    const lz = rhoOver(all, (t) => meta[t].lz);
    return {
      gamma,
      stepFactor,
      relativeChanges,
      lambdaHat,
      lambdaSd,
      quadratic,
      rhoPrior: prior.estimate,
      rhoPriorLo: prior.lo,
      rhoPriorHi: prior.hi,
      rhoLz: lz.estimate,
      rhoLzLo: lz.lo,
      rhoLzHi: lz.hi,
      rhoQuadratic: spearman(lambdaHat, quadratic),
      stationaryShare: stationary.length / chains.length,
      diverged: chains.filter((c) => c.lambdaHat === null).length,
      maxLambda: Math.max(...lambdaHat),
      minLambda: Math.min(...lambdaHat),
    };
  });
  return {
    networks: partials.map(({ meta: _m, converged: _c, parameters: _p, ...rest }) => rest),
    minRank: Math.min(...partials.map((p) => p.rank)),
    maxRank: Math.max(...partials.map((p) => p.rank)),
    maxGradNorm: Math.max(...partials.map((p) => p.gradNorm)),
    targets: meta,
    measuredTargets: measured.length,
    gammas,
  };
}
