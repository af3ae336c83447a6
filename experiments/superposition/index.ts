// The experiments of /superposition/.
import { definePage } from '../runtime/page';
import { affineBaseline } from './affineBaseline';
import { attentionProjection } from './attentionProjection';
import { bernoulliSweep } from './bernoulliSweep';
import { fittedWidthSweep } from './fittedWidthSweep';
import { jakeReplication } from './jakeReplication';
import { kaarelCompositeness } from './kaarelCompositeness';
import { kaarelMIndependence } from './kaarelMIndependence';
import { kaarelSparsitySweep } from './kaarelSparsitySweep';
import { kaarelWidthSweep } from './kaarelWidthSweep';
import { qkBigramCapacity } from './qkBigramCapacity';
import { superpositionInputs } from './superpositionInputs';
import { uandFrozenLayer } from './uandFrozenLayer';

export const superpositionPage = definePage({
  slug: 'superposition',
  experiments: [affineBaseline, uandFrozenLayer, kaarelWidthSweep, kaarelMIndependence, kaarelCompositeness, kaarelSparsitySweep, bernoulliSweep, fittedWidthSweep, jakeReplication, qkBigramCapacity, attentionProjection, superpositionInputs],
});
