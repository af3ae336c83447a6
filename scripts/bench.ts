/**
 * Measures the build budgets and prints tables:
 *   npm run bench             cached build; quick profile with --jobs 1 and --jobs 2; hot paths against their peers
 *   npm run bench -- --full   also every full-profile experiment, serial (--jobs 1) and with --jobs 2 (about 90 min):
 *                             one table then holds both ratios (quick --jobs 2 / --jobs 1, full --jobs 2 / serial)
 *   npm run bench -- --full --page <slug>   the profile runs of one page's experiments only (and their ratios)
 * Runs are forced, into temporary artifact folders and unit stores (nothing committed is touched, nothing is cached).
 * Per-experiment times are each artifact's provenance.wallSeconds (computation summed over its units).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pages, registry } from '../experiments/index';
import type { Profile } from '../experiments/runtime/experiment';
import { runExperiments } from '../experiments/runtime/runner';
import { benchSaeErrors } from './bench/saeErrors';
import { benchTraining } from './bench/training';
import type { GramBench } from './bench/onnxGram';
import { simplicityBench } from './simplicityBench';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const withFull = process.argv.includes('--full');
const pageFlag = process.argv.indexOf('--page');
const pageSlug = pageFlag >= 0 ? process.argv[pageFlag + 1] : undefined;
const page = pageSlug === undefined ? undefined : pages.find((p) => p.slug === pageSlug);
if (pageFlag >= 0 && !page) {
  console.error(`--page: got ${JSON.stringify(pageSlug ?? '')}; allowed values: ${pages.map((p) => p.slug).join(', ')}`);
  process.exit(2);
}
/** The experiments the profile runs time: every one, or one page's. */
const ids = page?.experiments.map((d) => d.id);
const scope = page ? `/${page.slug}/'s experiments` : 'every experiment';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'readoff-bench-'));
const workerScript = path.join(root, 'experiments/worker.ts');

function timed(label: string, cmd: string, args: string[], env: Record<string, string> = {}) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  const secs = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    console.error(r.stdout, r.stderr);
    throw new Error(`${label} failed`);
  }
  return { label, secs, out: r.stdout };
}

/** Every experiment of a profile, forced, from an empty unit store, with `jobs` workers. */
async function profileRun(profile: Profile, jobs: number) {
  const dir = path.join(tmp, `${profile}-j${jobs}`);
  const t0 = performance.now();
  await runExperiments({
    registry, root, profile, jobs, workerScript, force: true, backend: 'auto', ids,
    artifactsDir: path.join(dir, 'artifacts'), storeDir: path.join(dir, 'units'),
    log: () => {}, sink: { write: () => {}, isTTY: false },
  });
  const secs = (performance.now() - t0) / 1000;
  const times = readdirSync(path.join(dir, 'artifacts'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(dir, 'artifacts', f), 'utf8')))
    .map((a) => ({ id: a.experiment as string, secs: a.provenance.wallSeconds as number, backend: a.provenance.backend as string, units: a.provenance.units?.count ?? 1 }));
  return { secs, times };
}

const rows: { what: string; secs: number; budget?: string }[] = [];
try {
  // The cached build's time means something only when every full artifact is current: otherwise the build would
  // re-run the stale experiments, into artifacts/full.
  const plan = await runExperiments({ registry, root, profile: 'full', planOnly: true, log: () => {}, sink: { write: () => {}, isTTY: false } });
  const stale = plan.plan.filter((e) => e.action === 'run').map((e) => e.def.id);
  if (stale.length) {
    console.warn(`note: no cached-build timing: ${stale.length} full artifact(s) are stale (${stale.join(', ')}); run \`npm run experiments -- --profile full\` first`);
  } else {
    const cached = timed('cached build', 'npx', ['astro', 'build'], { READOFF_OUT_DIR: path.join(tmp, 'dist') });
    if (!/0 ran/.test(cached.out)) console.warn('warning: the cached build re-ran experiments; the timing includes them');
    rows.push({ what: 'npm run build, every artifact cached', secs: cached.secs, budget: '< 30' });
  }

  const q1 = await profileRun('quick', 1);
  const q2 = await profileRun('quick', 2);
  rows.push({ what: `quick profile, ${scope}, --jobs 1`, secs: q1.secs, budget: page ? '' : '< 60' });
  rows.push({ what: `quick profile, ${scope}, --jobs 2`, secs: q2.secs, budget: `< ${q1.secs.toFixed(1)} (--jobs 1)` });
  let full: { serial: Awaited<ReturnType<typeof profileRun>>; parallel: Awaited<ReturnType<typeof profileRun>> } | undefined;
  if (withFull) {
    const serial = await profileRun('full', 1);
    const parallel = await profileRun('full', 2);
    full = { serial, parallel };
    rows.push({ what: `full profile, ${scope}, --jobs 1 (serial)`, secs: serial.secs, budget: '' });
    rows.push({ what: `full profile, ${scope}, --jobs 2`, secs: parallel.secs, budget: `≤ ${(0.6 * serial.secs).toFixed(1)} (0.6× serial)` });
  }

  // Hot paths against their peers, same shapes (jake-replication's full profile), one thread each.
  // The fit at jake-replication's full shape (m = 50, widths 50/100/200, q = 2√(ln m)/m, 200 evaluated pairs), one chunk
  // of 50,000 of its 300,000 samples per replicate.
  const lsShape = { m: 50, widths: [50, 100, 200], q: (2 * Math.sqrt(Math.log(50))) / 50, samples: 50_000, pairs: 200 };
  const shapes = JSON.stringify({ matmul: 1024, ls: lsShape });
  const ours = JSON.parse(timed('kernels (tfjs)', 'npx', ['tsx', 'scripts/kernelBench.ts', shapes]).out.trim().split('\n').pop()!);
  const oneThread = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  let peer: any;
  try {
    peer = JSON.parse(timed('kernels (peer)', python, ['scripts/peer_bench.py', shapes], oneThread).out.trim().split('\n').pop()!);
  } catch (err: any) {
    console.warn(`warning: no peer timings (${err.message}); install python3-numpy and python3-torch (Debian) to compare`);
  }
  // The fit's Gram matrix ZᵀZ, Z = [H | Y] (n = 1000, 200 + 2 columns) on tfjs, onnxruntime-node and NumPy.
  const gramShape = JSON.stringify({ n: 1000, cols: 202 });
  const gram: GramBench = JSON.parse(timed('Gram (tfjs, onnxruntime)', 'npx', ['tsx', 'scripts/bench/onnxGram.ts', gramShape]).out.trim().split('\n').pop()!);
  let gramPeer: { gramMs: number } | undefined;
  try {
    gramPeer = JSON.parse(timed('Gram (NumPy)', python, ['scripts/bench/gram_peer.py', gramShape], oneThread).out.trim().split('\n').pop()!);
  } catch {
    /* reported with the other peer timings */
  }

  console.log(`\nmachine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}, load ${os.loadavg()[0].toFixed(1)}; backend ${q1.times[0]?.backend ?? '?'}\n`);
  console.log('| measurement | seconds | budget |\n|---|---:|---|');
  for (const r of rows) console.log(`| ${r.what} | ${r.secs.toFixed(1)} | ${r.budget ?? ''} |`);
  console.log('\nworkers (wall seconds of the whole profile, forced, empty unit store):\n');
  console.log('| profile | --jobs 1 | --jobs 2 | --jobs 2 / --jobs 1 | target | met |\n|---|---:|---:|---:|---:|---|');
  const ratioRow = (profile: string, one: number, two: number, target: number, strict: boolean) => {
    const ratio = two / one;
    const met = strict ? ratio < target : ratio <= target;
    console.log(`| ${profile} | ${one.toFixed(1)} | ${two.toFixed(1)} | ${ratio.toFixed(2)} | ${strict ? '<' : '≤'} ${target} | ${met ? 'yes' : 'no'} |`);
  };
  ratioRow('quick', q1.secs, q2.secs, 1, true);
  if (full) ratioRow('full (--jobs 1 = serial)', full.serial.secs, full.parallel.secs, 0.6, false);
  else console.log('| full | | | | ≤ 0.6 | run `npm run bench -- --full` |');

  if (peer) {
    const r = (a: number, b: number) => (a / b).toFixed(2);
    console.log(`\nhot paths, ${ours.backend} vs ${peer.torch ? `PyTorch ${peer.torch}` : 'no PyTorch'} / NumPy ${peer.numpy}, one thread each (ratio = ours / peer time):\n`);
    console.log('| kernel | ours | peer | ratio | target |\n|---|---:|---:|---:|---:|');
    console.log(`| matmul 1024² (GFLOP/s; ratio = peer / ours) | ${ours.matmulGflops.toFixed(1)} | ${peer.matmulGflops.toFixed(1)} | ${r(peer.matmulGflops, ours.matmulGflops)} | |`);
    console.log(`| least-squares readoff fit as jake-replication runs it, ${lsShape.samples.toLocaleString('en-US')} natural samples, m = ${lsShape.m}, widths ${lsShape.widths.join('/')}, ${lsShape.pairs} pairs × AND/XOR (CPU ms; NumPy/SciPy: the same algorithm) | ${ours.lsFitMs.toFixed(0)} | ${peer.lsFitMs.toFixed(0)} | ${r(ours.lsFitMs, peer.lsFitMs)} | ≤ 3 |`);
  }

  {
    const onnx = gram.onnx && 'ms' in gram.onnx ? gram.onnx : undefined;
    console.log(`\nthe fit's heavy kernel, a Gram matrix ZᵀZ, n = ${gram.n}, ${gram.cols} columns, one thread each (ms; ratio = engine / tfjs time):\n`);
    console.log('| engine | ms | ratio to tfjs | agrees with tfjs (max rel. diff) |\n|---|---:|---:|---:|');
    console.log(`| tfjs (${gram.backend}), the experiments' path | ${gram.tfjsMs.toFixed(2)} | 1.00 | oracle |`);
    if (onnx) console.log(`| onnxruntime-node ${onnx.version} (CPU, Gemm transA) | ${onnx.ms.toFixed(2)} | ${(onnx.ms / gram.tfjsMs).toFixed(2)} | ${onnx.maxRelDiff.toExponential(1)} |`);
    else console.log(`| onnxruntime-node | | | ${gram.onnx && 'error' in gram.onnx ? gram.onnx.error : 'not measured'} |`);
    if (gramPeer) console.log(`| NumPy (BLAS) | ${gramPeer.gramMs.toFixed(2)} | ${(gramPeer.gramMs / gram.tfjsMs).toFixed(2)} | |`);
    console.log("\nonnxruntime-node is not adopted (issue 7, item 7: only for a cut of more than 2× in an experiment's time): the fit is one unit of jake-replication's per replicate, beside the training units that need gradients.");
  }

  // Per experiment: its seconds of computation when it ran alone (--jobs 1) and beside another worker (--jobs 2).
  // Their ratio is what sharing the machine costs each experiment (memory and caches), apart from scheduling.
  const tables: [string, Awaited<ReturnType<typeof profileRun>>, Awaited<ReturnType<typeof profileRun>>][] = [['quick', q1, q2]];
  if (full) tables.push(['full', full.serial, full.parallel]);
  for (const [profile, one, two] of tables) {
    const twoSecs = new Map(two.times.map((t) => [t.id, t.secs]));
    console.log(`\n${profile} profile, per experiment (seconds of computation, summed over units; --jobs 2 / --jobs 1 above 1 is the cost of sharing the machine):\n\n| experiment | units | --jobs 1 | --jobs 2 | ratio | backend |\n|---|---:|---:|---:|---:|---|`);
    for (const t of one.times.sort((a, b) => b.secs - a.secs)) {
      const s2 = twoSecs.get(t.id);
      console.log(`| ${t.id} | ${t.units} | ${t.secs.toFixed(2)} | ${s2?.toFixed(2) ?? ''} | ${s2 !== undefined && t.secs > 0 ? (s2 / t.secs).toFixed(2) : ''} | ${t.backend} |`);
    }
    const sum = (r: typeof one) => r.times.reduce((s, t) => s + t.secs, 0);
    console.log(`| total | | ${sum(one).toFixed(1)} | ${sum(two).toFixed(1)} | ${(sum(two) / sum(one)).toFixed(2)} | |`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

// The /simplicity-bias/ sampler's throughput and the backend's matmul ceiling, measured in this run (scripts/simplicityBench.ts).
console.log('\nsimplicity-bias sampling (hot path):\n\n| measurement | value |\n|---|---:|');
for (const r of await simplicityBench()) console.log(`| ${r.what} | ${r.value.toExponential(2)} ${r.unit} |`);

console.log(await benchSaeErrors(root));

// /superposition/'s training steps at each training experiment's shape (scripts/bench/training.ts).
console.log(await benchTraining(root));
