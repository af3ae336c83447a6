/** The SAE training settings shared by Setting A and Setting B. */
import { z } from 'zod';

/** Adam steps on batches of activations; AuxK for the TopK SAEs. */
export const saeTrainSchema = z
  .object({
    steps: z.number().int().min(1),
    batch: z.number().int().min(1),
    lr: z.number().positive(),
    /** AuxK for the TopK SAEs: latents silent for deadAfter samples are dead; the k largest dead ones reconstruct the residual, weight coef. */
    auxK: z.object({ k: z.number().int().min(1), coef: z.number().nonnegative(), deadAfter: z.number().int().min(1) }).strict(),
  })
  .strict();
