/**
 * Replicates of Setting B: a second language model (seed 12: new initialisation, data order and held-out windows;
 * the same corpus split, shape and stopping rule) and a second hook (the residual stream after the last block, before
 * the final layer norm), so the verdicts of B1–B3 are seen on two models × two hooks.
 */
import { lmSpliceExperiment } from './lmSplice';
import { lmTrain } from './lmTrain';

export const LM_REPLICATE_SEED = 12;

export const lmTrainSeed12 = {
  ...lmTrain,
  id: 'sae-lm-seed12',
  title: `${lmTrain.title} (seed ${LM_REPLICATE_SEED})`,
  description: `${lmTrain.description} Replicate with seed ${LM_REPLICATE_SEED}.`,
  module: import.meta.url,
  profiles: { quick: { ...lmTrain.profiles.quick, seed: LM_REPLICATE_SEED }, full: { ...lmTrain.profiles.full, seed: LM_REPLICATE_SEED } },
};

/** The hook after the last block (the model has 2 blocks in both profiles). */
export const LATE_HOOK = 2;

export const lmSpliceReplicates = [
  lmSpliceExperiment({ id: 'sae-lm-splice-hook2', model: lmTrain, hook: LATE_HOOK, seed: 11, label: ', after the last block' }),
  lmSpliceExperiment({ id: 'sae-lm-seed12-splice', model: lmTrainSeed12, hook: 1, seed: LM_REPLICATE_SEED, label: `, model seed ${LM_REPLICATE_SEED}` }),
  lmSpliceExperiment({ id: 'sae-lm-seed12-splice-hook2', model: lmTrainSeed12, hook: LATE_HOOK, seed: LM_REPLICATE_SEED, label: `, model seed ${LM_REPLICATE_SEED}, after the last block` }),
];
