/**
 * The /simplicity-bias/ page's hot path, for `npm run bench`: random 5-40-40-1 ReLU networks evaluated on all
 * 32 boolean inputs, per second, in one process and in two at once (both cores), against the wasm backend's
 * 1024² matmul ceiling and a batched tfjs-wasm version of the same sampler, all in this run.
 * Run alone: npx tsx scripts/simplicityBench.ts
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBackend } from '../experiments/runtime/backend';
import { Rng } from '../experiments/runtime/rng';
import { NormalStream } from '../experiments/lib/normalStream';
import { fillNormal } from '../experiments/lib/sampling';
import { createMlpSampler } from '../experiments/simplicity-bias/mlpSampler';
import { createRelu2Kernel } from '../experiments/simplicity-bias/relu2Kernel';
import { ZigguratNormals } from '../experiments/lib/zigguratNormals';

const self = fileURLToPath(import.meta.url);

export interface BenchRow {
  what: string;
  value: number;
  unit: string;
}

type Which = 'fast' | 'previous';

/**
 * The page's sampler (`fast`: the WebAssembly SIMD kernel with its fused ziggurat) or the general JavaScript sampler
 * on lib's fillNormal (`previous`: the kernel's test oracle, one row at a time over the active units), for 5-40-40-1 at σ_b = 1.
 */
async function sampler(which: Which, seed: number): Promise<() => number> {
  return which === 'fast'
    ? (await createRelu2Kernel(5, 40, 40, 1, new Rng(seed, 'bench'))).sample
    : createMlpSampler({ n: 5, hidden: [40, 40], activation: 'relu', sigmaW: 1, sigmaB: 1 }, new NormalStream(new Rng(seed, 'bench')));
}

/** Networks per wall second and per CPU second of this process, sampling for about `seconds`. */
async function samplerRate(seconds: number, seed: number, which: Which = 'fast'): Promise<{ wall: number; cpu: number }> {
  const sample = await sampler(which, seed);
  for (let i = 0; i < 2000; i++) sample(); // warm up the JIT
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let nets = 0;
  while (performance.now() - t0 < seconds * 1000) {
    for (let i = 0; i < 1000; i++) sample();
    nets += 1000;
  }
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wall: nets / wall, cpu: nets / ((c.user + c.system) / 1e6) };
}

/** Normals per CPU-second: lib's ziggurat `fillNormal` (the previous sampler's source) or the fused `ZigguratNormals`. */
async function normalRate(which: Which): Promise<number> {
  const a = new Float64Array(1 << 20);
  const g = new Rng(1, 'bench');
  const z = await ZigguratNormals.create(new Rng(1, 'bench'));
  const fill = which === 'fast' ? () => z.fill(a, 0, a.length, 1) : () => fillNormal(g, a);
  fill();
  const c0 = process.cpuUsage();
  for (let r = 0; r < 20; r++) fill();
  const c = process.cpuUsage(c0);
  return (20 * a.length) / ((c.user + c.system) / 1e6);
}

/** Where one network's time goes, per CPU-second: drawing its 1,921 normals alone (including a copy out of wasm memory). */
async function drawOnlyRate(): Promise<number> {
  const z = await ZigguratNormals.create(new Rng(3, 'bench'));
  const a = new Float64Array(1921);
  for (let r = 0; r < 5000; r++) z.fill(a, 0, a.length, 1);
  const c0 = process.cpuUsage();
  for (let r = 0; r < 50000; r++) z.fill(a, 0, a.length, 1);
  const c = process.cpuUsage(c0);
  return 50000 / ((c.user + c.system) / 1e6);
}

/** The same networks with the two dense layers as batched tfjs matmuls ([B,32,40]×[B,40,40]), normals from lib's ziggurat fillNormal. */
async function tfjsRate(): Promise<{ netsPerSecond: number; gflops: number }> {
  const { tf } = await loadBackend('wasm');
  const g = new Rng(2, 'bench');
  const B = 2000;
  const X = tf.tensor2d(Array.from({ length: 32 * 5 }, (_, t) => (Math.floor(t / 5) >> t % 5) & 1), [32, 5]);
  const bufs = [B * 5 * 40, B * 40, B * 40 * 40, B * 40, B * 40, B].map((n) => new Float32Array(n));
  const stds = [1 / Math.sqrt(5), 1, 1 / Math.sqrt(40), 1, 1 / Math.sqrt(40), 1];
  const batch = async () => {
    bufs.forEach((b, i) => fillNormal(g, b, 0, stds[i]));
    const out = tf.tidy(() => {
      const W0 = tf.tensor3d(bufs[0], [B, 5, 40]);
      const h1 = tf.relu(tf.add(tf.matMul(tf.broadcastTo(X, [B, 32, 5]), W0), tf.tensor3d(bufs[1], [B, 1, 40])));
      const h2 = tf.relu(tf.add(tf.matMul(h1, tf.tensor3d(bufs[2], [B, 40, 40])), tf.tensor3d(bufs[3], [B, 1, 40])));
      return tf.greater(tf.add(tf.matMul(h2, tf.tensor3d(bufs[4], [B, 40, 1])), tf.tensor3d(bufs[5], [B, 1, 1])), 0);
    });
    await out.data();
    out.dispose();
  };
  await batch();
  const t0 = performance.now();
  for (let r = 0; r < 3; r++) await batch();
  const netsPerSecond = (3 * B) / ((performance.now() - t0) / 1000);
  const M = tf.randomNormal([1024, 1024]);
  await tf.matMul(M, M).data();
  const t1 = performance.now();
  for (let r = 0; r < 5; r++) {
    const c = tf.matMul(M, M);
    await c.data();
    c.dispose();
  }
  const gflops = (5 * 2 * 1024 ** 3) / ((performance.now() - t1) / 1000) / 1e9;
  return { netsPerSecond, gflops };
}

function runWorker(seed: number): Promise<{ wall: number; cpu: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', self, '--worker', String(seed)], { cwd: path.dirname(path.dirname(self)), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`bench worker exited ${code}`))));
  });
}

export async function simplicityBench(): Promise<BenchRow[]> {
  const one = await samplerRate(4, 1);
  const previous = await samplerRate(3, 1, 'previous');
  const two = await Promise.all([runWorker(11), runWorker(12)]);
  const tfjs = await tfjsRate();
  return [
    { what: 'simplicity-bias: 5-40-40-1 networks/s, page sampler, 1 process (wall)', value: one.wall, unit: 'nets/s' },
    { what: 'simplicity-bias: same, per CPU-second of that process', value: one.cpu, unit: 'nets/s' },
    { what: 'simplicity-bias: 5-40-40-1 networks/s, 2 processes together (wall)', value: two[0].wall + two[1].wall, unit: 'nets/s' },
    { what: 'simplicity-bias: same, summed per CPU-second of each process', value: two[0].cpu + two[1].cpu, unit: 'nets/s' },
    { what: 'simplicity-bias: general JS sampler (lib fillNormal, one row at a time), per CPU-second', value: previous.cpu, unit: 'nets/s' },
    { what: 'simplicity-bias: drawing 1,921 normals only (fused ziggurat, wasm), per CPU-second', value: await drawOnlyRate(), unit: 'nets/s' },
    { what: 'simplicity-bias: 5-40-40-1 networks/s, tfjs-wasm batched matmuls (wall)', value: tfjs.netsPerSecond, unit: 'nets/s' },
    { what: 'simplicity-bias: fused ZigguratNormals (wasm) normals per CPU-second', value: await normalRate('fast'), unit: 'normals/s' },
    { what: 'simplicity-bias: lib fillNormal (ziggurat) normals per CPU-second', value: await normalRate('previous'), unit: 'normals/s' },
    { what: 'wasm backend 1024² matmul ceiling', value: tfjs.gflops, unit: 'GFLOP/s' },
  ];
}

if (process.argv[1] === self) {
  if (process.argv.includes('--worker')) {
    process.stdout.write(JSON.stringify(await samplerRate(4, Number(process.argv[process.argv.indexOf('--worker') + 1]))));
  } else {
    const rows = await simplicityBench();
    console.log('| measurement | value |\n|---|---:|');
    for (const r of rows) console.log(`| ${r.what} | ${r.value.toExponential(2)} ${r.unit} |`);
  }
}
