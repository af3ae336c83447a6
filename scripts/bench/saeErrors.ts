/**
 * Bench section for /sae-errors/: the toy heads' training FLOP rate (from the full artifacts' timing) against the
 * wasm backend's matmul rate measured here, at 1024² and at the heads' own matmul shape; and the language model's
 * training throughput (Setting B) from its full artifact.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

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
    lines.push(`| share of the matmul rate | ${((100 * t.gflopsPerCpuSecond) / t.matmulGflopsPerCpuSecond).toFixed(0)}% |`, '| PyTorch (CPU) for this shape, as measured for issue #11 | about 7000 tokens/s |');
  }
  return lines.join('\n');
}
