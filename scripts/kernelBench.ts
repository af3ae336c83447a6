/**
 * The superposition experiments' hot paths on the chosen tfjs backend, with the shapes of jake-replication's full
 * profile; `scripts/peer_bench.py` times the same in PyTorch / NumPy. Prints one JSON object.
 *   npx tsx scripts/kernelBench.ts '{"m":50,"d":200,"k":1225,"batch":100,"p":6,"steps":60,"lsN":1000,"lsWidths":[50,100,200],"matmul":1024}'
 */
import { loadBackend, parseBackendRequest } from '../experiments/runtime/backend';
import { Rng } from '../experiments/runtime/rng';
import { nestedRidgeLeastSquares } from '../experiments/lib/nestedRidge';

const cfg = JSON.parse(process.argv[2]);
const { tf, name } = await loadBackend(parseBackendRequest(process.env.READOFF_BACKEND ?? 'wasm'));
const out: Record<string, unknown> = { backend: name };
const rng = new Rng(0, 'bench');

/** The least CPU seconds (user + system; this process runs on one thread) of `repeats` runs: steadier than wall time under load. */
function bestOf(fn: () => void, repeats = 3): number {
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const c0 = process.cpuUsage();
    fn();
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
  out.matmulGflops = (2 * n ** 3) / bestOf(once, 5) / 1e9;
  a.dispose();
  b.dispose();
}

// Least-squares readoffs at every nested width, as jake-replication fits them per evaluated pair.
{
  const N = cfg.lsN as number;
  const widths = cfg.lsWidths as number[];
  const dMax = widths[widths.length - 1];
  const H = new Float32Array(N * dMax).map(() => Math.max(0, rng.normal()));
  const Y = new Float32Array(N * 2).map(() => (rng.uniform() < 0.3 ? 1 : 0));
  const fit = () => nestedRidgeLeastSquares(tf, H, Y, N, dMax, 2, widths, 1e-3);
  fit();
  out.lsFitMs = (bestOf(() => { for (let i = 0; i < 10; i++) fit(); }, 5) / 10) * 1000;
}

// Training steps are timed by scripts/bench/training.ts (every jake shape, against PyTorch).
console.log(JSON.stringify(out));
