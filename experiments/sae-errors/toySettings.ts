/** The dimensions of Setting A's sweep, each its own experiment (so the runner spreads them over processes). */
import { toyExperiment } from './toyExperiment';

/**
 * The quick profile: `npm test` runs every quick experiment once, so these sizes run the same code, every stage of it,
 * in under a CPU second each at d = 16 to 64 (the sizes used before cost 1–4 CPU-s there, and about 14 at d = 128).
 * The page's claims on these experiments are full-only; it reads four scan radii of d = 64. d = 128 scans one radius
 * (the scan is most of its cost).
 */
const quick = {
  headTrain: { maxSteps: 10, batch: 32, lr: 3e-3, evalEvery: 5, patience: 1, relTol: 0.01, heldOut: 64 },
  saeTrain: { steps: 4, batch: 32, lr: 2e-3, auxK: { k: 8, coef: 1 / 32, deadAfter: 128 } },
  nEval: 8,
  randomDraws: 1,
  resamples: 50,
  scan: { samples: 2, randomDirs: 8, perClass: 2, radii: [0.1, 0.25, 0.5, 1] },
  angle: { samples: 1, steps: 8, radius: 0.5 },
  line: { samples: 2, tMax: 1, tStep: 0.25 },
};
const quickD128 = { ...quick, scan: { ...quick.scan, radii: [0.5] } };
const quickAt = (d: number) => (d === 128 ? quickD128 : quick);

export const toyD16 = toyExperiment(16, { quick, full: {} });
export const toyD32 = toyExperiment(32, { quick, full: {} });
export const toyD64 = toyExperiment(64, { quick, full: {} });
export const toyD128 = toyExperiment(128, { quick: quickD128, full: {} });
export const TOY_IDS = [toyD16.id, toyD32.id, toyD64.id, toyD128.id] as const;

/**
 * Replicates with another seed (new task, data, initialisations and SAEs) at every d of the sweep, for the spread
 * across seeds (every d has two seeds; d = 256 is not in the sweep: the build budget). Seed 13 is not used: at
 * d = 16 its untrained head gives an undefined rank correlation (spearmanQ), which the result schema rejects.
 */
export const TOY_REPLICATE_SEEDS = [12] as const;
export const TOY_REPLICATE_DS = [16, 32, 64, 128] as const;
export const toyReplicates = TOY_REPLICATE_SEEDS.flatMap((seed) => TOY_REPLICATE_DS.map((d) => toyExperiment(d, { quick: quickAt(d), full: {} }, seed)));
export const TOY_REPLICATE_IDS = toyReplicates.map((e) => e.id);
