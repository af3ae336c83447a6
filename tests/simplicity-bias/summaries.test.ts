import { describe, expect, it } from 'vitest';
import { llcSgld, summariseLlc } from '../../experiments/simplicity-bias/llcSgld';
import { epsilonGrid, summariseVolumes, volumeScaling } from '../../experiments/simplicity-bias/volumeScaling';
import { npnClasses } from '../../experiments/simplicity-bias/npn';

type LlcPartial = Parameters<typeof summariseLlc>[1][number];
type VolumePartial = Parameters<typeof summariseVolumes>[1][number];

describe('LLC summary', () => {
  const cfg = llcSgld.config.parse({ ...llcSgld.profiles.quick, targets: 4, seeds: 1, gammas: [100], stepFactors: [1, 0.5], chains: 1 });
  // Target t has λ̂ = t + 1 at factor 0.5; at factor 1 it is off by `shift` (relative); the prior falls with t.
  const partials = (shift: number): LlcPartial[] =>
    [0, 1, 2, 3].map((t) => ({
      target: t,
      meta: { name: `t${t}`, count: 1000 >> (2 * t), log2PRank: Math.log2((1000 >> (2 * t)) / 1e6), lz: 5 + t },
      parameters: 10,
      seed: 0,
      attempts: 1,
      converged: true,
      maxResidual: 0,
      gradNorm: 0,
      rank: 32,
      hMax: 1,
      curvatures: [],
      seconds: 0,
      settings: [1, 0.5].map((c) => {
        const v = (t + 1) * (c === 1 ? 1 + shift : 1);
        return { gamma: 100, stepFactor: c, epsilon: 0, quadratic: t + 1, chains: [{ lambdaHat: v, firstHalf: v, secondHalf: v }] };
      }),
    }));

  it('the plateau rule keeps the larger step when λ̂ moves by less than the tolerance, and falls back otherwise', () => {
    expect(summariseLlc(cfg, partials(0.05)).gammas[0].stepFactor).toBe(1);
    const far = summariseLlc(cfg, partials(0.5)).gammas[0];
    expect(far.stepFactor).toBe(0.5);
    expect(far.relativeChanges[0].medianRelative).toBeCloseTo(0.5, 12);
  });

  it('ranks λ̂ against −log2 P over measured targets only, and against C_LZ over all', () => {
    const g = summariseLlc(cfg, partials(0)).gammas[0];
    // Counts 1000, 250, 62, 15: all measured, and λ̂ rises as P falls: ρ = 1; likewise with C_LZ.
    expect(g.rhoPrior).toBeCloseTo(1, 12);
    expect(g.rhoLz).toBeCloseTo(1, 12);
    expect(g.lambdaHat).toEqual([1, 2, 3, 4]);
    expect(g.stationaryShare).toBe(1);
    expect(g.diverged).toBe(0);
  });
});

describe('volume-scaling summary', () => {
  it('recovers λ and log2 c from exact power laws, and the two terms and their crossover', () => {
    const cfg = volumeScaling.config.parse({ ...volumeScaling.profiles.quick, classes: [0, 1, 13], runs: 2, epsilonSteps: 11, referenceEpsilon: 1 / 32, fitMaxEpsilon: 0.09 });
    const eps = epsilonGrid(cfg.epsilonSteps);
    // P_ε with ε the mean-squared tolerance e² (e the RMS grid value): P = c·(e²)^λ.
    const truth = [
      { lambda: 2, log2C: 3 },
      { lambda: 4, log2C: -5 },
      { lambda: 4, log2C: -30 },
    ];
    const counts = new Array<number>(256).fill(0);
    for (const f of npnClasses(3)[0].members) counts[f] = 1000;
    for (const f of npnClasses(3)[1].members) counts[f] = 100;
    const parts: VolumePartial[] = [{ kind: 'prior', counts }];
    cfg.classes.forEach((cls, i) => {
      for (let run = 0; run < 2; run++)
        parts.push({ kind: 'volume', cls, run, levels: 1, acceptance: 0.3, rank: 8, probabilities: eps.map((e) => 2 ** (truth[i].log2C + truth[i].lambda * Math.log2(e * e))) });
    });
    const r = summariseVolumes(cfg, parts);
    r.classes.forEach((c, i) => {
      expect(c.lambda).toBeCloseTo(truth[i].lambda, 9);
      expect(c.lambdaLo).toBeCloseTo(truth[i].lambda, 9);
      expect(c.log2C).toBeCloseTo(truth[i].log2C, 9);
      expect(c.lambdaTerm).toBeCloseTo(truth[i].lambda * 10, 9); // log2(1/ε) = 10 at ε = 1/1024
    });
    expect(r.classes[2].log2P).toBeNull(); // parity class never drawn here
    const sd = (v: number[]) => Math.sqrt(v.reduce((a, x) => a + (x - v.reduce((p, q) => p + q, 0) / v.length) ** 2, 0) / (v.length - 1));
    expect(r.sdLambdaTerm).toBeCloseTo(10 * sd([2, 4, 4]), 9);
    expect(r.sdConstantTerm).toBeCloseTo(sd([-3, 5, 30]), 9);
    // The spreads are equal where log2(1/ε) = sd(−log2 c)/sd(λ); crossoverEpsilon is the RMS value, √ε.
    const L = sd([-3, 5, 30]) / sd([2, 4, 4]);
    expect(Math.log2(r.crossoverEpsilon!)).toBeCloseTo(-L / 2, 9);
    expect(r.maxLambdaRankGap).toBeCloseTo(2, 9);
  });
});
