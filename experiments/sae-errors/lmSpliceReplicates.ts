/**
 * Replicates of Setting B's splice experiment: the second model (seed 12) at the main hook, and a second hook (the
 * residual stream after the last block, before the final layer norm) in both models, so the verdicts of B1–B3 are
 * seen on two models × two hooks.
 */
import { lmSpliceExperiment } from './lmSplice';
import { lmTrain } from './lmTrain';
import { LM_REPLICATE_SEED, lmTrainSeed12 } from './lmReplicates';

/** The hook after the last block (the model has 2 blocks in both profiles). */
export const LATE_HOOK = 2;

export const lmSpliceReplicates = [
  lmSpliceExperiment({ id: 'sae-lm-splice-hook2', model: lmTrain, hook: LATE_HOOK, seed: 11, label: ', after the last block' }),
  lmSpliceExperiment({ id: 'sae-lm-seed12-splice', model: lmTrainSeed12, hook: 1, seed: LM_REPLICATE_SEED, label: `, model seed ${LM_REPLICATE_SEED}` }),
  lmSpliceExperiment({ id: 'sae-lm-seed12-splice-hook2', model: lmTrainSeed12, hook: LATE_HOOK, seed: LM_REPLICATE_SEED, label: `, model seed ${LM_REPLICATE_SEED}, after the last block` }),
];
