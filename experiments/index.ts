// Every experiment the site uses, in no particular order (the runner orders them by upstreams).
import type { AnyExperiment } from './runtime/experiment';
import { affineBaseline } from './superposition/affineBaseline';
import { bernoulliSweep } from './superposition/bernoulliSweep';
import { kaarelCompositeness } from './superposition/kaarelCompositeness';
import { kaarelMIndependence } from './superposition/kaarelMIndependence';
import { kaarelSparsitySweep } from './superposition/kaarelSparsitySweep';
import { kaarelWidthSweep } from './superposition/kaarelWidthSweep';
import { jakeReplication } from './superposition/jakeReplication';
import { fittedWidthSweep } from './superposition/fittedWidthSweep';
import { qkBigramCapacity } from './superposition/qkBigramCapacity';
import { superpositionInputs } from './superposition/superpositionInputs';
import { uandFrozenLayer } from './superposition/uandFrozenLayer';
import { simplicityBiasExperiments } from './simplicity-bias/index';

export const registry: readonly AnyExperiment[] = [affineBaseline, uandFrozenLayer, kaarelWidthSweep, kaarelMIndependence, kaarelCompositeness, kaarelSparsitySweep, bernoulliSweep, fittedWidthSweep, jakeReplication, qkBigramCapacity, superpositionInputs, ...simplicityBiasExperiments];
