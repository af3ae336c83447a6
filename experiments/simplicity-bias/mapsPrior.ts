import { defineExperiment } from '../runtime/experiment';
import type { MapSpec } from './mapSpec';
import { priorConfig, priorResult, priorTolerances, priorUnitsDefinition } from './priorRun';

/** The non-neural maps of experiment 2, at n = 5. */
export const NON_NEURAL_MAPS: MapSpec[] = [
  { kind: 'ptf', rho: 1 },
  { kind: 'ptf', rho: 0.3 },
  { kind: 'ptf', rho: 0.1 },
  { kind: 'circuit', gates: 8 },
  { kind: 'tree', depth: 3 },
  { kind: 'curve', degree: 6 },
];

export const mapsPrior = defineExperiment({
  id: 'simplicity-maps-prior',
  title: 'P(f) against complexity for non-neural maps (n = 5)',
  description:
    'The same sampling and envelope fits for polynomial threshold functions with coefficient variance ρ^|S| (ρ = 1 is uniform over all 2^32 functions), random AND/OR circuits, random decision trees and thresholded random polynomial curves.',
  module: import.meta.url,
  config: priorConfig,
  profiles: {
    quick: { seed: 3, n: 5, maps: NON_NEURAL_MAPS, samples: 50000, bootstrap: 10, chunks: 1 },
    full: { seed: 3, n: 5, maps: NON_NEURAL_MAPS, samples: 1_000_000, bootstrap: 200, chunks: 1 },
  },
  result: priorResult,
  timeLimitSeconds: { quick: 60, full: 900 },
  tolerances: priorTolerances,
  ...priorUnitsDefinition,
});
