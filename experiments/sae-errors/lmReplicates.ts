/**
 * The second language model of Setting B: seed 12 (new initialisation, data order and held-out windows; the same
 * corpus split, shape and stopping rule). Only the model lives here, so that its cache key depends on the training
 * code alone; the splice replicates are in lmSpliceReplicates.ts.
 */
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
