/**
 * The superposition experiments' hot paths on the chosen tfjs backend, with the shapes of jake-replication's full
 * profile; `scripts/peer_bench.py` times the same in PyTorch / NumPy. Prints one JSON object.
 *   npx tsx scripts/kernelBench.ts '{"matmul":1024,"ls":{"m":50,"widths":[50,100,200],"q":0.079,"samples":50000,"pairs":200}}'
 */
import { loadBackend, parseBackendRequest } from '../experiments/runtime/backend';
import { Rng } from '../experiments/runtime/rng';
import { naturalLeastSquares } from '../experiments/superposition/naturalLeastSquares';

const cfg = JSON.parse(process.argv[2]);
const { tf, name } = await loadBackend(parseBackendRequest(process.env.READOFF_BACKEND ?? 'wasm'));
const out: Record<string, unknown> = { backend: name };
const rng = new Rng(0, 'bench');

/** The least CPU seconds (user + system; this process runs on one thread) of `repeats` runs: steadier than wall time under load. */
async function bestOf(fn: () => unknown, repeats = 3): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1e6);
  }
  return best;
}

// Matmul throughput.
{
  const n = cfg.matmul;
  const a = tf.tensor2d(rng.fillNormal(new Float32Array(n * n)), [n, n]);
  const b = tf.tensor2d(rng.fillNormal(new Float32Array(n * n)), [n, n]);
  const once = () => tf.matMul(a, b).dataSync();
  once();
  out.matmulGflops = (2 * n ** 3) / (await bestOf(once, 5)) / 1e9;
  a.dispose();
  b.dispose();
}

// The least-squares readoff fit exactly as jake-replication runs it (experiments/superposition/naturalLeastSquares.ts):
// natural Bernoulli inputs through a frozen N(0,1) layer, Gram matrices over all rows, every feature's rows and every
// evaluated pair's rows, then class-balanced ridge solves for AND and XOR at every nested width. One chunk of samples
// (the experiment's time is proportional to its samples: 300,000 at m = 50).
{
  const ls = cfg.ls as { m: number; widths: number[]; q: number; samples: number; pairs: number };
  const dMax = ls.widths[ls.widths.length - 1];
  const W = rng.fillNormal(new Float32Array(ls.m * dMax));
  const pairs: [number, number][] = [];
  for (let i = 0; i < ls.m && pairs.length < ls.pairs; i++) for (let j = i + 1; j < ls.m && pairs.length < ls.pairs; j++) pairs.push([i, j]);
  const fit = () => naturalLeastSquares({ W, m: ls.m, dMax, widths: ls.widths, q: ls.q, samples: ls.samples, pairs, ridge: 1e-3, rng: new Rng(1, 'bench/ls') });
  await fit();
  out.lsFitMs = (await bestOf(fit, 3)) * 1000;
}

// Training steps are timed by scripts/bench/training.ts (every jake shape, against PyTorch).
console.log(JSON.stringify(out));
