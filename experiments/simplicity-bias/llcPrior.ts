import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { NormalStream } from '../lib/normalStream';
import { createMlpSampler } from './mlpSampler';
import { MIN_COUNT } from './priorAnalysis';
import { countFunctions } from './countFunctions';
import { LLC_TARGET_NAMES, targetTable } from './llcTargets';
import { cLZ, popcount } from './truthTable';

/**
 * Experiment 5, first half: the prior P(f) of the small network the LLC experiment trains (5-16-16-1, tanh), by
 * sampling, and the target functions chosen from it: functions seen at least MIN_COUNT times, spread evenly in
 * log2 P from the constants down, plus named functions that are rarer than the sample can resolve.
 */

export const smallNet = z
  .object({
    hidden: z.array(z.number().int().min(1).max(64)).min(1).max(4),
    /** tanh: analytic, as SLT assumes, and exact interpolants are found reliably (ReLU fits stall at kinks). */
    activation: z.literal('tanh'),
    sigmaW: z.number().positive(),
    sigmaB: z.number().nonnegative(),
  })
  .strict();

const config = z
  .object({
    seed: z.number().int().nonnegative(),
    net: smallNet,
    /** Draws per unit, and units (each with its own stream). */
    samplesPerChunk: z.number().int().min(1000),
    chunks: z.number().int().min(1).max(64),
    /** Targets taken from the sample, evenly spaced in log2 P among functions seen at least MIN_COUNT times. */
    sampledTargets: z.number().int().min(3).max(40),
    /** Named targets added whatever their count (see llcTargets.ts for the names). */
    namedTargets: z.array(z.enum(LLC_TARGET_NAMES as unknown as [string, ...string[]])),
  })
  .strict();

const target = z.object({
  name: z.string(),
  /** Truth table, bit i = f(input i). */
  table: z.number().int().nonnegative(),
  count: z.number().int(),
  /** log2 of count/N; null when never seen (then P < 3/N at 95%). */
  log2P: z.number().nullable(),
  /** log2 P where count ≥ MIN_COUNT, else log2(max(count, 3)/N): an upper value for ranking rare functions. */
  log2PRank: z.number(),
  lz: z.number(),
  ones: z.number().int(),
  fromSample: z.boolean(),
});

const result = z.object({
  samples: z.number().int(),
  distinct: z.number().int(),
  log2TrustFloor: z.number(),
  targets: z.array(target),
  seconds: z.number(),
});
export type LlcPriorResult = z.output<typeof result>;

type Partial = { counts: [number, number][]; seconds: number };

export const llcPrior = defineExperiment<typeof config, typeof result, { label: string; chunk: number }, Partial>({
  id: 'simplicity-llc-prior',
  title: 'The prior of the 5-16-16-1 tanh network that experiment 5 trains, and its target functions',
  description:
    'Samples random 5-16-16-1 tanh networks (weights N(0, 1/fan_in), biases N(0, 1)) on all 32 inputs, counts their truth tables, and picks the LLC experiment\'s targets: functions spread evenly in log2 P plus named rare ones.',
  module: import.meta.url,
  config,
  profiles: {
    quick: {
      seed: 11,
      net: { hidden: [16, 16], activation: 'tanh', sigmaW: 1, sigmaB: 1 },
      samplesPerChunk: 10_000,
      chunks: 2,
      sampledTargets: 4,
      namedTargets: ['parity of 5'],
    },
    full: {
      seed: 11,
      net: { hidden: [16, 16], activation: 'tanh', sigmaW: 1, sigmaB: 1 },
      samplesPerChunk: 100_000,
      chunks: 6,
      sampledTargets: 14,
      namedTargets: ['majority of 5', 'x0 xor x1', 'parity of 5', 'random, 16 ones'],
    },
  },
  result,
  timeLimitSeconds: { quick: 60, full: 900 },
  tolerances: { seconds: { measured: true } },
  unitGrid: ['chunks'],
  units: (cfg) => Array.from({ length: cfg.chunks }, (_, chunk) => ({ label: `chunk${chunk}`, chunk })),
  async runUnit(cfg, { chunk }, ctx) {
    const t0 = performance.now();
    const sample = createMlpSampler({ n: 5, hidden: cfg.net.hidden, activation: cfg.net.activation, sigmaW: cfg.net.sigmaW, sigmaB: cfg.net.sigmaB }, new NormalStream(ctx.rng(`chunk${chunk}`)));
    const counts = countFunctions(sample, cfg.samplesPerChunk, ctx, `prior chunk ${chunk}`);
    return { counts: [...counts].sort((a, b) => a[0] - b[0]), seconds: (performance.now() - t0) / 1000 };
  },
  merge(cfg, partials) {
    const counts = new Map<number, number>();
    for (const p of partials) for (const [f, c] of p.counts) counts.set(f, (counts.get(f) ?? 0) + c);
    const N = cfg.samplesPerChunk * cfg.chunks;
    return { samples: N, distinct: counts.size, log2TrustFloor: Math.log2(MIN_COUNT / N), targets: chooseTargets(counts, N, cfg.sampledTargets, cfg.namedTargets), seconds: partials.reduce((s, p) => s + p.seconds, 0) };
  },
});

/**
 * The two constants, then k − 2 functions among those seen at least MIN_COUNT times, nearest to k − 2 levels evenly
 * spaced in log2 P between the most and the least probable non-constant of them (each function at most once; ties
 * to the smaller table), then the named ones. The constants are taken apart because they sit far above the rest.
 */
export function chooseTargets(counts: Map<number, number>, N: number, k: number, named: readonly string[]): z.input<typeof target>[] {
  const isConstant = (f: number) => f === 0 || f === 0xffffffff;
  const trusted = [...counts].filter(([f, c]) => c >= MIN_COUNT && !isConstant(f)).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  if (trusted.length < k - 2) throw new Error(`only ${trusted.length} non-constant functions were seen ${MIN_COUNT} times; raise samplesPerChunk or lower sampledTargets`);
  const hi = Math.log2(trusted[0][1] / N);
  const lo = Math.log2(trusted[trusted.length - 1][1] / N);
  const chosen: number[] = [0, 0xffffffff];
  for (let j = 0; j < k - 2; j++) {
    const level = k > 3 ? hi + ((lo - hi) * j) / (k - 3) : hi;
    let best = -1;
    let bestGap = Infinity;
    for (const [f, c] of trusted) {
      if (chosen.includes(f)) continue;
      const gap = Math.abs(Math.log2(c / N) - level);
      if (gap < bestGap || (gap === bestGap && f < best)) {
        best = f;
        bestGap = gap;
      }
    }
    chosen.push(best);
  }
  const describe = (table: number, name: string, fromSample: boolean) => {
    const c = counts.get(table) ?? 0;
    return {
      name,
      table,
      count: c,
      log2P: c > 0 ? Math.log2(c / N) : null,
      log2PRank: Math.log2((c >= MIN_COUNT ? c : Math.max(c, 3)) / N),
      lz: cLZ(table, 5),
      ones: popcount(table),
      fromSample,
    };
  };
  const out = chosen.map((f) => describe(f, f === 0 ? 'all 0' : f === 0xffffffff ? 'all 1' : `0x${f.toString(16).padStart(8, '0')}`, true));
  for (const name of named) {
    const table = targetTable(name);
    if (!chosen.includes(table)) out.push(describe(table, name, false));
  }
  return out;
}
