// The experiments of /superposition/.
import { definePage } from '../runtime/page';
import { affineBaseline } from './affineBaseline';
import { bernoulliCorrectedSweep } from './bernoulliCorrectedSweep';
import { bernoulliSweep } from './bernoulliSweep';
import { fittedWidthSweep } from './fittedWidthSweep';
import { jakeReplication } from './jakeReplication';
import { kaarelCalibrationMismatch } from './kaarelCalibrationMismatch';
import { kaarelMIndependence } from './kaarelMIndependence';
import { kaarelCompositenessSweep } from './kaarelCompositenessSweep';
import { kaarelWidthSweep } from './kaarelWidthSweep';
import { qkBigramCapacity } from './qkBigramCapacity';
import { superpositionInputs } from './superpositionInputs';
import { uandDepth } from './uandDepth';
import { uandFrozenLayer } from './uandFrozenLayer';
import { uandWorstCase } from './uandWorstCase';

export const superpositionPage = definePage({
  slug: 'superposition',
  experiments: [affineBaseline, uandFrozenLayer, kaarelWidthSweep, kaarelMIndependence, kaarelCalibrationMismatch, kaarelCompositenessSweep, bernoulliSweep, bernoulliCorrectedSweep, fittedWidthSweep, jakeReplication, qkBigramCapacity, superpositionInputs, uandWorstCase, uandDepth],
});
