import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { blindSpotFraction, fittedBound } from './blindSpots';
import { formulaSizes } from './formulaSize';
import { createSampler, mapLabel, mapSpec } from './mapSpec';
import { finiteOrNull, MIN_COUNT, quantile } from './priorAnalysis';
import { countFunctionsDense } from './countFunctions';
import { poisson } from '../lib/poisson';
import { spearman } from '../lib/ranks';
import { fullMask } from './truthTable';

/**
 * Experiment 4: how the bound's slope and the blind-spot share move with the network's hyperparameters (bias scale,
 * weight scale into tanh's chaotic regime, activation, depth), at n = 4 with exact formula sizes.
 */

const config = z
  .object({
    seed: z.number().int().nonnegative(),
    /** Network variants; all have 4 inputs. */
    networks: z.array(mapSpec).min(1),
    /** Draws per network. */
    samples: z.number().int().min(1000),
    /** Simple functions: exact formula size at most this (fixed here, so every variant is scored on the same set). */
    simpleMaxSize: z.number().int().min(1).max(16),
    /** Blind spot: certified more than this many bits below the variant's own bound. */
    gapBits: z.number().positive(),
    /** Poisson-bootstrap replicates for the slope's interval. */
    bootstrap: z.number().int().min(10),
  })
  .strict();

const variant = z.object({
  label: z.string(),
  /** Fitted bound slope (bits per leaf); null if fewer than two sizes have a trusted function. */
  slope: z.number().nullable(),
  /** 95% basic Poisson-bootstrap interval of the slope. */
  slopeLo: z.number().nullable(),
  slopeHi: z.number().nullable(),
  spearman: z.number().nullable(),
  pConstants: z.number(),
  /** Share of simple functions certified more than gapBits below the bound, and share never seen. */
  blindSpots: z.number().nullable(),
  unseen: z.number(),
  distinct: z.number().int(),
  seconds: z.number(),
});

const result = z.object({ samples: z.number().int(), simpleMaxSize: z.number().int(), gapBits: z.number(), variants: z.array(variant) });

const relu = (hidden: number[], sigmaB: number) => ({ kind: 'mlp' as const, hidden, activation: 'relu' as const, sigmaW: 1, sigmaB });
const tanh = (sigmaW: number) => ({ kind: 'mlp' as const, hidden: [20, 20], activation: 'tanh' as const, sigmaW, sigmaB: 0.1 });
export const HYPERPARAMETER_NETWORKS: z.input<typeof mapSpec>[] = [
  relu([20, 20], 1),
  relu([20, 20], 0.1),
  relu([20, 20], 0),
  tanh(1),
  tanh(4),
  tanh(8),
  { kind: 'mlp', hidden: [20, 20], activation: 'sin', sigmaW: 1, sigmaB: 0.1 },
  relu([20], 0.1),
  relu([20, 20, 20, 20], 0.1),
];

export const hyperparameters = defineExperiment({
  id: 'simplicity-hyperparameters',
  title: 'How bias scale, weight scale, activation and depth move the bound and the blind spots (n = 4)',
  description:
    'Samples 4-input networks of several kinds, fits each one\'s bound on log2 P against exact formula size, and reports its slope, the rank correlation, P of the constants and the share of simple functions certified far below the bound.',
  module: import.meta.url,
  config,
  profiles: {
    quick: { seed: 5, networks: HYPERPARAMETER_NETWORKS, samples: 6000, simpleMaxSize: 4, gapBits: 5, bootstrap: 20 },
    full: { seed: 5, networks: HYPERPARAMETER_NETWORKS, samples: 60_000, simpleMaxSize: 4, gapBits: 5, bootstrap: 100 },
  },
  result,
  timeLimitSeconds: { quick: 60, full: 900 },
  tolerances: { 'variants.*.seconds': { measured: true } },
  async run(cfg, ctx) {
    const n = 4;
    const { size } = formulaSizes(n);
    const N = cfg.samples;
    const simple = Array.from({ length: size.length }, (_, f) => f).filter((f) => size[f] <= cfg.simpleMaxSize);
    const variants: z.input<typeof variant>[] = [];
    for (const [index, spec] of cfg.networks.entries()) {
      const label = mapLabel(spec, n);
      const t0 = performance.now();
      const counts = countFunctionsDense(await createSampler(spec, n, ctx.rng(`net${index}`)), n, N, ctx, label);
      const seconds = (performance.now() - t0) / 1000;
      const bound = fittedBound(size, counts, N, () => true);
      const trusted: number[] = [];
      let distinct = 0;
      for (let f = 0; f < counts.length; f++) {
        if (counts[f] >= MIN_COUNT) trusted.push(f);
        if (counts[f] > 0) distinct++;
      }
      const rho = spearman(
        trusted.map((f) => size[f]),
        trusted.map((f) => counts[f]),
      );
      const boot = ctx.rng(`net${index}/bootstrap`);
      const redraw = new Uint32Array(counts.length);
      const slopes: number[] = [];
      for (let b = 0; b < cfg.bootstrap && bound; b++) {
        for (let f = 0; f < counts.length; f++) redraw[f] = counts[f] ? poisson(counts[f], boot) : 0;
        const bb = fittedBound(size, redraw, N, () => true);
        if (bb) slopes.push(bb.slope);
      }
      const stats = bound ? blindSpotFraction(simple, size, counts, N, bound, [cfg.gapBits]) : null;
      variants.push({
        label,
        slope: bound?.slope ?? null,
        slopeLo: bound ? finiteOrNull(2 * bound.slope - quantile(slopes, 0.975)) : null,
        slopeHi: bound ? finiteOrNull(2 * bound.slope - quantile(slopes, 0.025)) : null,
        spearman: Number.isFinite(rho) ? rho : null,
        pConstants: (counts[0] + counts[fullMask(n)]) / N,
        blindSpots: stats ? stats.fractionCertified[0] : null,
        unseen: simple.filter((f) => counts[f] === 0).length / simple.length,
        distinct,
        seconds,
      });
    }
    return { samples: N, simpleMaxSize: cfg.simpleMaxSize, gapBits: cfg.gapBits, variants };
  },
});
