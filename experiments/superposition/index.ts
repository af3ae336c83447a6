// The experiments of /superposition/.
import { definePage } from '../runtime/page';
import { affineBaseline } from './affineBaseline';
import { attentionProjection } from './attentionProjection';
import { bernoulliSweep } from './bernoulliSweep';
import { fittedWidthSweep } from './fittedWidthSweep';
import { jakeLossSweep, jakeReplication, jakeReplicationM100 } from './jakeReplication';
import { jakeTrainingLength } from './jakeTrainingLength';
import { kaarelAverageError } from './kaarelAverageError';
import { kaarelCompositeness } from './kaarelCompositeness';
import { kaarelMIndependence } from './kaarelMIndependence';
import { kaarelSparsitySweep } from './kaarelSparsitySweep';
import { kaarelWidthSweep } from './kaarelWidthSweep';
import { qkBigramCapacity } from './qkBigramCapacity';
import { superpositionInputs } from './superpositionInputs';
import { uandFrozenLayer } from './uandFrozenLayer';

export const superpositionPage = definePage({
  slug: 'superposition',
  experiments: [affineBaseline, uandFrozenLayer, kaarelWidthSweep, kaarelMIndependence, kaarelCompositeness, kaarelSparsitySweep, kaarelAverageError, bernoulliSweep, fittedWidthSweep, jakeReplication, jakeReplicationM100, jakeLossSweep, jakeTrainingLength, qkBigramCapacity, attentionProjection, superpositionInputs],
});
