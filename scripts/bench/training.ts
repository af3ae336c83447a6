/**
 * Bench section for Jake Mendel's experiment (jake-replication and its m = 100 and loss-sweep variants): CPU milliseconds
 * per training step of `trainNetwork` (its WebAssembly step kernel, one process) against the same loop in PyTorch on one thread
 * (`training_peer.py`, Debian's python3-torch), at the experiments' own shapes, trained and frozen first layer.
 * Ours and the peer alternate round by round, so both see the same machine load.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface Shape {
  what: string;
  m: number;
  d: number;
  k: number;
  trainFirst: boolean;
}

/** jake-replication's widest full-profile run (all 1,225 outputs trained, or 200 evaluated readoffs when frozen) and the comment's size. */
export const TRAINING_SHAPES: Shape[] = [
  { what: 'trained layer, m = 50, d = 200, k = 1225', m: 50, d: 200, k: 1225, trainFirst: true },
  { what: 'frozen layer, m = 50, d = 200, k = 200', m: 50, d: 200, k: 200, trainFirst: false },
  { what: 'trained layer, m = 100, d = 100, k = 4950', m: 100, d: 100, k: 4950, trainFirst: true },
  { what: 'frozen layer, m = 100, d = 100, k = 200', m: 100, d: 100, k: 200, trainFirst: false },
];

/**
 * A timer of `trainNetwork` at one shape: each call returns CPU milliseconds per step (user + system of this process,
 * which runs on one thread) over `steps` steps. The batches come from jake-replication's own samplers (Bernoulli
 * inputs, AND targets of every pair).
 */
async function ourStepTimer(shape: Shape): Promise<(steps: number) => Promise<number>> {
  const { loadBackend } = await import('../../experiments/runtime/backend');
  const { Rng } = await import('../../experiments/runtime/rng');
  const { trainNetwork } = await import('../../experiments/superposition/trainReadoffs');
  const { fillBernoulli, fillTargets } = await import('../../experiments/superposition/jakeReplication');
  const { tf } = await loadBackend('wasm');
  const { m, d, k } = shape;
  const batch = 100;
  const q = (2 * Math.sqrt(Math.log(m))) / m;
  const pi: number[] = [];
  const pj: number[] = [];
  for (let i = 0; i < m && pi.length < k; i++) for (let j = i + 1; j < m && pi.length < k; j++) pi.push(i), pj.push(j);
  const [I, J] = [Int32Array.from(pi), Int32Array.from(pj)];
  const rng = new Rng(0, 'bench/training');
  const W = rng.fillNormal(new Float32Array(m * d));
  const run = async (n: number) => {
    const c0 = process.cpuUsage();
    await trainNetwork(tf, {
      init: { m, d, k, W, bias: new Float32Array(d), R: new Float32Array(d * k) },
      trainFirstLayer: shape.trainFirst, steps: n, batch, lr: 3e-3, lrFinal: 3e-3, epsilon: 1e-10, p: 6, onesWeight: 1,
      // The experiments' stopping rule reads every step's loss; a window longer than the run keeps it from stopping.
      stopping: { window: n + 1, minImprovement: 0.01, halvings: 3 },
      sampleBatch: (x, y) => {
        fillBernoulli(rng, q, x);
        fillTargets('and', x, m, I, J, y);
      },
    });
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000 / n;
  };
  await run(5);
  return run;
}

function peerStepMs(root: string, shape: Shape, steps: number, rounds: number): { cpuMs: number; torch: string } | undefined {
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const r = spawnSync(python, [path.join(root, 'scripts/bench/training_peer.py'), JSON.stringify({ ...shape, batch: 100, p: 6, steps, rounds })], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  if (r.status !== 0) return undefined;
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/**
 * Ours and the peer alternate round by round at each shape, so both see the same machine load; the ratio is of the
 * least CPU time per step over the rounds, and the per-round ratios show how far load moved it.
 */
export async function benchTraining(root: string, steps = 30, rounds = 5): Promise<string> {
  const lines = [
    `\ntraining steps of /superposition/ (jake-replication), our WebAssembly step vs PyTorch, one thread each, batch 100, L_6 loss; CPU ms per step, the least of ${rounds} rounds of ${steps} steps (frozen: ${5 * steps}), ours and the peer alternating round by round (load average ${os.loadavg()[0].toFixed(1)} at start):\n`,
  ];
  lines.push('| shape | ours (CPU ms/step) | PyTorch (CPU ms/step) | ratio | per-round ratios | ours (steps/CPU-s) | target |', '|---|---:|---:|---:|---:|---:|---:|');
  let torch: string | undefined;
  for (const shape of TRAINING_SHAPES) {
    // Frozen steps are ~10× cheaper: more of them per round, so a round's fixed costs stay negligible.
    const n = shape.trainFirst ? steps : 5 * steps;
    const ours = await ourStepTimer(shape);
    const pairs: [number, number | undefined][] = [];
    for (let r = 0; r < rounds; r++) {
      const peer = peerStepMs(root, shape, n, 1);
      torch ??= peer?.torch;
      pairs.push([await ours(n), peer?.cpuMs]);
    }
    const best = Math.min(...pairs.map(([o]) => o));
    const peers = pairs.flatMap(([, p]) => (p === undefined ? [] : [p]));
    const peerBest = peers.length ? Math.min(...peers) : undefined;
    const perRound = pairs.flatMap(([o, p]) => (p === undefined ? [] : [o / p])).sort((a, b) => a - b);
    const range = perRound.length ? `${perRound[0].toFixed(2)}–${perRound[perRound.length - 1].toFixed(2)}` : '';
    lines.push(`| ${shape.what} | ${best.toFixed(2)} | ${peerBest !== undefined ? peerBest.toFixed(2) : 'n/a'} | ${peerBest !== undefined ? (best / peerBest).toFixed(2) : ''} | ${range} | ${(1000 / best).toFixed(0)} | ≤ 1.2 |`);
  }
  lines.push(torch ? `\nPyTorch ${torch}.` : '\nno PyTorch: install Debian\'s python3-torch to compare.');
  return lines.join('\n');
}

// Run on its own: npx tsx scripts/bench/training.ts
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  console.log(await benchTraining(path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')));
}
