/**
 * Bench section for /sae-errors/: the toy heads' training FLOP rate (from the full artifacts' timing) against the
 * wasm backend's matmul rate measured here, at 1024² and at the heads' own matmul shape; the language model's
 * training throughput (Setting B) from its full artifact; and its training step timed here against a PyTorch peer
 * (`sae_lm_peer.py`, Debian's python3-torch) at the same shapes, one thread each, alternating so both see the same load.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LmShape } from '../../experiments/sae-errors/charLm';

interface StepRate {
  tokensPerSecond: number;
  tokensPerCpuSecond: number;
}

/** Our training step (experiments/sae-errors/charLm.trainLm, the experiment's own loop) on random windows. */
async function ourLmRate(shape: LmShape, batch: number, steps: number): Promise<StepRate> {
  const { loadBackend } = await import('../../experiments/runtime/backend');
  const { Rng } = await import('../../experiments/runtime/rng');
  const { initLm, trainLm } = await import('../../experiments/sae-errors/charLm');
  const { tf } = await loadBackend('wasm');
  const rng = new Rng(0, 'bench/lm');
  const random = (w: Int32Array) => {
    for (let i = 0; i < w.length; i++) w[i] = rng.int(shape.vocab);
  };
  const heldOut = new Int32Array(2 * (shape.ctx + 1));
  random(heldOut);
  const run = (n: number) => trainLm(tf, shape, initLm(rng, shape), { maxSteps: n, batch, lr: 3e-3, lrMin: 3e-4, warmup: 1, evalEvery: n, patience: 1, relTol: 0, sample: random, heldOut: { tokens: heldOut, windows: 2 } });
  await run(3);
  const r = await run(steps);
  const tokens = steps * batch * shape.ctx;
  return { tokensPerSecond: tokens / r.stepSeconds, tokensPerCpuSecond: tokens / r.stepCpuSeconds };
}

function peerLmRate(root: string, shape: LmShape, batch: number, steps: number): (StepRate & { torch: string }) | undefined {
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const r = spawnSync(python, [path.join(root, 'scripts/bench/sae_lm_peer.py'), JSON.stringify({ ...shape, batch, steps })], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  if (r.status !== 0) return undefined;
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/** The language model's training step, ours and PyTorch's, at the full profile's shapes, in this run. */
export async function benchSaeLmStep(root: string, steps = 20, rounds = 2): Promise<string> {
  const { VOCAB } = await import('../../experiments/sae-errors/corpus');
  const shape: LmShape = { vocab: VOCAB, ctx: 64, dModel: 64, heads: 4, dMlp: 256, layers: 2 };
  const batch = 32;
  const ours: StepRate[] = [];
  const peers: (StepRate & { torch: string })[] = [];
  for (let i = 0; i < rounds; i++) {
    ours.push(await ourLmRate(shape, batch, steps));
    const p = peerLmRate(root, shape, batch, steps);
    if (p) peers.push(p);
  }
  const best = (xs: StepRate[], k: keyof StepRate) => Math.max(...xs.map((x) => x[k]));
  const lines = [`\n/sae-errors/ (Setting B): language-model training step, tfjs-wasm vs PyTorch, one thread each, batch ${batch} × ${shape.ctx} tokens, best of ${rounds} alternating rounds of ${steps} steps\n`];
  lines.push('| measurement | ours (tokens/s) | PyTorch (tokens/s) | ours / PyTorch |', '|---|---:|---:|---:|');
  for (const k of ['tokensPerSecond', 'tokensPerCpuSecond'] as const) {
    const o = best(ours, k);
    const p = peers.length ? best(peers, k) : NaN;
    lines.push(`| ${k === 'tokensPerSecond' ? 'per wall second' : 'per CPU second'} | ${o.toFixed(0)} | ${peers.length ? p.toFixed(0) : 'n/a'} | ${peers.length ? (o / p).toFixed(2) : ''} |`);
  }
  lines.push(peers.length ? `\nPyTorch ${peers[0].torch}.` : "\nno PyTorch: install Debian's python3-torch to compare.");
  return lines.join('\n');
}

async function matmulGflops(n: number, k: number, m: number, reps: number): Promise<number> {
  const { loadBackend } = await import('../../experiments/runtime/backend');
  const { tf } = await loadBackend('wasm');
  const a = tf.randomNormal([n, k]);
  const b = tf.randomNormal([k, m]);
  tf.matMul(a, b).dispose();
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  }
  const secs = (performance.now() - t0) / 1000;
  tf.dispose([a, b]);
  return (2 * n * k * m * reps) / secs / 1e9;
}

export async function benchSaeErrors(root: string): Promise<string> {
  const file = path.join(root, 'artifacts', 'full', 'sae-toy-sweep.json');
  const lines = ['\n/sae-errors/ (Setting A): head training rate against the wasm matmul ceiling\n', '| measurement | GFLOP/s |', '|---|---:|'];
  lines.push(`| wasm matmul 1024×1024×1024 | ${(await matmulGflops(1024, 1024, 1024, 3)).toFixed(1)} |`);
  lines.push(`| wasm matmul 256×128×320 (d = 64 MLP layer, batch 256) | ${(await matmulGflops(256, 128, 320, 200)).toFixed(1)} |`);
  lines.push(`| wasm matmul 256×256×640 (d = 128 MLP layer, batch 256) | ${(await matmulGflops(256, 256, 640, 50)).toFixed(1)} |`);
  if (existsSync(file)) {
    const timing = JSON.parse(readFileSync(file, 'utf8')).results.timing as { d: number; headTrainGflops: number; headTrainSeconds: number; headTrainGflopsPerCpuSecond: number; headTrainCpuSeconds: number }[];
    for (const t of timing) {
      lines.push(`| head training at d = ${t.d}, per wall second (committed full artifact, ${t.headTrainSeconds.toFixed(0)} s) | ${t.headTrainGflops.toFixed(2)} |`);
      lines.push(`| head training at d = ${t.d}, per CPU second (${t.headTrainCpuSeconds.toFixed(0)} s) | ${t.headTrainGflopsPerCpuSecond.toFixed(2)} |`);
    }
  }
  const lmFile = path.join(root, 'artifacts', 'full', 'sae-lm.json');
  if (existsSync(lmFile)) {
    const r = JSON.parse(readFileSync(lmFile, 'utf8')).results as { params: number; flopPerToken: number; timing: { tokensPerSecond: number; tokensPerCpuSecond: number; gflops: number; gflopsPerCpuSecond: number; matmulGflopsPerCpuSecond: number; trainCpuSeconds: number } };
    const t = r.timing;
    lines.push(`\n/sae-errors/ (Setting B): language-model training (${r.params} parameters, ${(r.flopPerToken / 1e6).toFixed(2)} MFLOP per token), committed full artifact\n`, '| measurement | value |', '|---|---:|');
    lines.push(`| tokens per wall second | ${t.tokensPerSecond.toFixed(0)} |`, `| tokens per CPU second (${t.trainCpuSeconds.toFixed(0)} CPU s) | ${t.tokensPerCpuSecond.toFixed(0)} |`);
    lines.push(`| training GFLOP per CPU second | ${t.gflopsPerCpuSecond.toFixed(2)} |`, `| wasm matmul 1024³ in the same process, GFLOP per CPU second | ${t.matmulGflopsPerCpuSecond.toFixed(1)} |`);
    lines.push(`| share of the matmul rate | ${((100 * t.gflopsPerCpuSecond) / t.matmulGflopsPerCpuSecond).toFixed(0)}% |`);
  }
  lines.push(await benchSaeLmStep(root));
  return lines.join('\n');
}
