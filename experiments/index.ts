// Every experiment the site uses, in no particular order (the runner orders them by upstreams).
import type { AnyExperiment } from './runtime/experiment';
import { uandFrozenLayer } from './superposition/uandFrozenLayer';

export const registry: readonly AnyExperiment[] = [uandFrozenLayer];
