// The experiments of /sae-errors/.
import { definePage } from '../runtime/page';
import { lmSplice } from './lmSplice';
import { lmTrainSeed12 } from './lmReplicates';
import { lmSpliceReplicates } from './lmSpliceReplicates';
import { lmReplicateSummary } from './lmReplicateSummary';
import { lmTrain } from './lmTrain';
import { toyD16, toyD32, toyD64, toyD128, toyReplicates } from './toySettings';
import { toySweep } from './toySweep';

export const saeErrorsPage = definePage({
  slug: 'sae-errors',
  experiments: [toyD16, toyD32, toyD64, toyD128, ...toyReplicates, toySweep, lmTrain, lmSplice, lmTrainSeed12, ...lmSpliceReplicates, lmReplicateSummary],
});
