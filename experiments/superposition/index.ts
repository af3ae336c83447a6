// The experiments of /superposition/.
import { definePage } from '../runtime/page';
import { affineBaseline } from './affineBaseline';
import { attentionProjection } from './attentionProjection';
import { bernoulliCorrectedSweep } from './bernoulliCorrectedSweep';
import { bernoulliSuperposedLargeM } from './bernoulliSuperposedLargeM';
import { bernoulliSweep } from './bernoulliSweep';
import { fittedWidthSweep } from './fittedWidthSweep';
import { jakeLossSweep, jakeReplication, jakeReplicationM100 } from './jakeReplication';
import { jakeTrainingLength } from './jakeTrainingLength';
import { kaarelAverageError } from './kaarelAverageError';
import { kaarelCalibrationMismatch } from './kaarelCalibrationMismatch';
import { kaarelMIndependence } from './kaarelMIndependence';
import { kaarelCompositenessSweep } from './kaarelCompositenessSweep';
import { kaarelWidthSweep } from './kaarelWidthSweep';
import { qkBigramCapacity } from './qkBigramCapacity';
import { superpositionInputs } from './superpositionInputs';
import { uandDepth } from './uandDepth';
import { uandFrozenLayer } from './uandFrozenLayer';
import { uandWorstCase } from './uandWorstCase';
import { uandWorstCaseBounds } from './uandWorstCaseBounds';

export const superpositionPage = definePage({
  slug: 'superposition',
  experiments: [
    affineBaseline,
    uandFrozenLayer,
    kaarelWidthSweep,
    kaarelMIndependence,
    kaarelCalibrationMismatch,
    kaarelCompositenessSweep,
    kaarelAverageError,
    bernoulliSweep,
    bernoulliCorrectedSweep,
    fittedWidthSweep,
    jakeReplication,
    jakeReplicationM100,
    jakeLossSweep,
    jakeTrainingLength,
    qkBigramCapacity,
    attentionProjection,
    superpositionInputs,
    bernoulliSuperposedLargeM,
    uandWorstCase,
    uandWorstCaseBounds,
    uandDepth,
  ],
});
