import { defineExperiment } from '../runtime/experiment';
import { priorConfig, priorResult, priorTolerances, priorUnitsDefinition } from './priorRun';

const mlp = (sigmaB: number) => ({ kind: 'mlp' as const, hidden: [40, 40], activation: 'relu' as const, sigmaW: 1, sigmaB });

/** Experiment 1: the 5-40-40-1 ReLU network of Valle-Pérez et al. (2019), with raw 0/1 inputs, σ_b = 1. */
export const mlpPrior = defineExperiment({
  id: 'simplicity-mlp-prior',
  title: 'P(f) against complexity for a random 5-40-40-1 ReLU network (σ_b = 1)',
  description:
    'Samples random 5-40-40-1 ReLU networks (weights N(0, 1/fan_in), biases N(0, 1)) on all 32 boolean inputs, counts the truth tables, and fits the upper envelope of log2 P(f) against Lempel-Ziv complexity, entropy and sensitivity.',
  module: import.meta.url,
  config: priorConfig,
  profiles: {
    quick: { seed: 1, n: 5, maps: [mlp(1)], samples: 12000, bootstrap: 10, chunks: 2 },
    full: { seed: 1, n: 5, maps: [mlp(1)], samples: 10_000_000, bootstrap: 200, chunks: 8 },
  },
  result: priorResult,
  timeLimitSeconds: { quick: 60, full: 2400 },
  tolerances: priorTolerances,
  ...priorUnitsDefinition,
});

/** Experiment 1 with small biases, σ_b = 0.1 (the other parameter distribution of the literature). */
export const mlpPriorSmallBias = defineExperiment({
  id: 'simplicity-mlp-prior-small-bias',
  title: 'P(f) against complexity for a random 5-40-40-1 ReLU network (σ_b = 0.1)',
  description: 'As simplicity-mlp-prior, with every bias drawn from N(0, 0.1²).',
  module: import.meta.url,
  config: priorConfig,
  profiles: {
    quick: { seed: 2, n: 5, maps: [mlp(0.1)], samples: 8000, bootstrap: 10, chunks: 1 },
    full: { seed: 2, n: 5, maps: [mlp(0.1)], samples: 1_000_000, bootstrap: 200, chunks: 2 },
  },
  result: priorResult,
  timeLimitSeconds: { quick: 60, full: 2400 },
  tolerances: priorTolerances,
  ...priorUnitsDefinition,
});
