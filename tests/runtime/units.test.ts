import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyExperiment } from '../../experiments/runtime/experiment';
import { runExperiments, type RunnerOptions } from '../../experiments/runtime/runner';
import { verifyExperiments } from '../../experiments/runtime/verify';
import { goneWithin, loadScaled } from '../helpers/load';
import { makeTempRoot, repoRoot } from '../helpers/tempRoot';

// Toy experiments declared as units, in a temp project: a grid over points × replicates reading an upstream,
// plus units that fail, spin without ticking, or are killed as the OS kills a process out of memory.
const rt = (f: string) => JSON.stringify(path.join(repoRoot, 'experiments/runtime', f));
const toys = `import { z } from 'zod';
import { defineExperiment } from ${rt('experiment.ts')};
const seedOnly = z.object({ seed: z.number().int() }).strict();
export const toyBase = defineExperiment({
  id: 'toy-base', title: 'base', description: 'one uniform', module: import.meta.url, tensorflow: false,
  config: seedOnly, profiles: { quick: { seed: 5 }, full: { seed: 5 } }, result: z.object({ offset: z.number() }),
  async run(cfg, ctx) { return { offset: ctx.rng('offset').uniform() }; },
});
const grid = z.object({ seed: z.number().int(), points: z.array(z.number().int()), reps: z.number().int(), n: z.number().int(),
  sleepMs: z.number(), failAt: z.string() }).strict();
export const toyGrid = defineExperiment({
  id: 'toy-grid', title: 'grid', description: 'means of scaled normals', module: import.meta.url, tensorflow: false, upstream: ['toy-base'],
  config: grid, profiles: { quick: { seed: 3, points: [1, 2, 3, 4, 5], reps: 2, n: 2000, sleepMs: 0, failAt: '' }, full: { seed: 3, points: [1, 2], reps: 1, n: 10, sleepMs: 0, failAt: '' } },
  result: z.object({ rows: z.array(z.object({ point: z.number(), rep: z.number(), mean: z.number() })), total: z.number() }),
  unitGrid: ['points', 'reps'],
  units: (cfg) => cfg.points.flatMap((point) => Array.from({ length: cfg.reps }, (_, rep) => ({ label: 'p' + point + '/r' + rep, point, rep }))),
  async runUnit(cfg, unit, ctx) {
    if (unit.label === cfg.failAt) throw new Error('singular matrix');
    // Uneven durations, so units finish out of order; busy, as real units are (their event loop never turns).
    // READOFF_TEST_TOY_SLEEP_MS (outside the config, so outside the keys) slows only the processes given it.
    const sleepMs = Number(process.env.READOFF_TEST_TOY_SLEEP_MS ?? cfg.sleepMs);
    const until = Date.now() + sleepMs * (1 + ((unit.point * 7 + unit.rep) % 3));
    while (Date.now() < until);
    const rng = ctx.rng(unit.label + '/draws');
    let s = 0;
    for (let i = 0; i < cfg.n; i++) s += unit.point * rng.normal();
    return { point: unit.point, rep: unit.rep, mean: s / cfg.n + (ctx.upstream('toy-base').results as { offset: number }).offset };
  },
  merge: (cfg, partials) => ({ rows: partials, total: partials.reduce((t, p) => t + p.mean, 0) }),
});
const oneUnit = { units: () => [{ label: 'u0' }, { label: 'u1' }], merge: () => ({}) };
export const toySpin = defineExperiment({
  id: 'toy-spin', title: 'spin', description: 'a unit that never ticks nor checks its signal', module: import.meta.url, tensorflow: false,
  config: seedOnly, profiles: { quick: { seed: 0 }, full: { seed: 0 } }, result: z.object({}), timeLimitSeconds: { quick: 1, full: 1 },
  ...oneUnit,
  async runUnit(cfg, unit) { if (unit.label === 'u1') for (;;) {} },
});
export const toyOom = defineExperiment({
  id: 'toy-oom', title: 'oom', description: 'a unit killed as the OS kills a process out of memory', module: import.meta.url, tensorflow: false,
  config: seedOnly, profiles: { quick: { seed: 0 }, full: { seed: 0 } }, result: z.object({}),
  ...oneUnit,
  async runUnit(cfg, unit) { if (unit.label === 'u1') process.kill(process.pid, 'SIGKILL'); await new Promise((r) => setTimeout(r, 200)); },
});
`;
const registryModule = `import * as t from './toys';
export const registry = [t.toyGrid, t.toyBase, t.toySpin, t.toyOom];
`;
// A minimal CLI over the runner for separate-process tests: options as one JSON argument.
const cliModule = `import path from 'node:path';
import { exitWithParent } from ${rt('lifeline.ts')};
import { runExperiments } from ${rt('runner.ts')};
exitWithParent();
import { registry } from './registry';
const root = path.resolve(import.meta.dirname, '..');
const opts = JSON.parse(process.argv[2]);
runExperiments({ registry, root, profile: 'quick', backend: 'cpu', workerScript: path.join(root, 'exp/worker.ts'), sink: { write() {}, isTTY: false }, log: () => {}, ...opts })
  .then((s) => console.log(JSON.stringify(s.units)), (e) => { console.error(e.message); process.exit(1); });
`;

let t: Awaited<ReturnType<typeof makeTempRoot>>;
let registry: AnyExperiment[];
const silent = { write: () => {}, isTTY: false };

beforeAll(async () => {
  t = await makeTempRoot({
    'exp/toys.ts': toys,
    'exp/registry.ts': registryModule,
    'exp/cli.ts': cliModule,
    'exp/worker.ts': `import { serveWorker } from ${rt('workerPool.ts')};\nimport { registry } from './registry';\nserveWorker(registry);\n`,
  });
  registry = (await import(path.join(t.root, 'exp/registry.ts'))).registry;
});
afterAll(() => t.cleanup());

const worker = () => path.join(t.root, 'exp/worker.ts');
function run(extra: Partial<RunnerOptions> = {}) {
  return runExperiments({ registry, root: t.root, profile: 'quick', backend: 'cpu', ids: ['toy-grid'], log: () => {}, sink: silent, ...extra });
}
const read = async (dir: string, id: string) => JSON.parse(await readFile(path.join(t.root, dir, `${id}.json`), 'utf8'));
/** The CLI as a separate process, without blocking this one (so several can run at once). */
const cliAsync = (opts: object) =>
  new Promise<{ status: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(t.root, 'exp/cli.ts'), JSON.stringify(opts)], { cwd: t.root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c) => (stderr += c));
    child.on('close', (status) => resolve({ status, stderr }));
  });
const records = async (store: string) => (await readdir(path.join(t.root, store, 'toy-grid')).catch(() => [] as string[])).filter((f) => f.endsWith('.json'));

describe('work units', () => {
  it('give bit-identical results in process, in 2 worker processes (out of order), from the store, and as one artifact', async () => {
    const inProcess = await run({ artifactsDir: path.join(t.root, 'a/serial'), storeDir: path.join(t.root, 's/serial') });
    expect(inProcess.units).toEqual({ computed: 11, cached: 0 });
    const serial = await read('a/serial', 'toy-grid');
    expect(serial.results.rows.map((r: { point: number; rep: number }) => `${r.point}/${r.rep}`)).toEqual(['1/0', '1/1', '2/0', '2/1', '3/0', '3/1', '4/0', '4/1', '5/0', '5/1']);
    for (const jobs of [2]) {
      await run({ artifactsDir: path.join(t.root, `a/j${jobs}`), storeDir: path.join(t.root, `s/j${jobs}`), jobs, workerScript: worker(), overrides: { sleepMs: 30 } });
      const a = await read(`a/j${jobs}`, 'toy-grid');
      expect(a.results).toEqual(serial.results);
      expect(a.provenance.units.count).toBe(10);
    }
    // Reusing every unit from the store gives the same bytes.
    await rm(path.join(t.root, 'a/serial'), { recursive: true });
    const again = await run({ artifactsDir: path.join(t.root, 'a/serial'), storeDir: path.join(t.root, 's/serial') });
    expect(again.units).toEqual({ computed: 0, cached: 11 }); // toy-base, a whole experiment, is one unit
    expect(JSON.stringify((await read('a/serial', 'toy-grid')).results)).toBe(JSON.stringify(serial.results));
    expect((await read('a/serial', 'toy-grid')).provenance.cacheKey).toBe(serial.provenance.cacheKey);
  }, 60_000);

  it('re-run only the units a config change touches (grid fields are not in unit keys)', async () => {
    const opts = { artifactsDir: path.join(t.root, 'a/grid'), storeDir: path.join(t.root, 's/grid') };
    await run(opts);
    const more = await run({ ...opts, overrides: { points: [1, 2, 3, 4, 5, 6] } });
    expect(more.units).toEqual({ computed: 2, cached: 10 });
    const other = await run({ ...opts, overrides: { n: 2001 } });
    expect(other.units.computed).toBe(10);
  });

  it('name the experiment and unit that failed, and keep the other units', async () => {
    const opts = { artifactsDir: path.join(t.root, 'a/fail'), storeDir: path.join(t.root, 's/fail') };
    await expect(run({ ...opts, overrides: { failAt: 'p5/r1' } })).rejects.toThrow('experiment "toy-grid" unit "p5/r1" failed: singular matrix');
    expect(await records('s/fail')).toHaveLength(9);
    const rerun = await run({ ...opts, overrides: { failAt: 'p5/r1', n: 2000 }, ids: ['toy-grid'], force: false }).catch((e) => e);
    expect(String(rerun)).toMatch(/p5\/r1/);
  });

  it('stop a unit that never ticks at its time limit, in a worker, without a grace period', async () => {
    const t0 = Date.now();
    // One worker (it computes u0, then spins on u1): the limit is the worker's, whatever the number of workers.
    await expect(run({ ids: ['toy-spin'], jobs: 1, workerScript: worker(), storeDir: path.join(t.root, 's/spin') })).rejects.toThrow(
      /experiment "toy-spin" unit "u1" failed: time limit of 1s exceeded/,
    );
    expect(Date.now() - t0).toBeLessThan(loadScaled(15_000));
  }, 120_000);

  it('report a worker the OS killed (as it kills a process out of memory) as such', async () => {
    await expect(run({ ids: ['toy-oom'], jobs: 1, workerScript: worker(), storeDir: path.join(t.root, 's/oom') })).rejects.toThrow(
      /experiment "toy-oom" unit "u1" failed: its worker process was killed by the operating system \(SIGKILL\), most likely for running out of memory/,
    );
  }, 30_000);
});

describe('--verify', () => {
  it('passes on an untouched artifact and fails with a table naming the edited number', async () => {
    const dir = path.join(t.root, 'v/committed');
    await run({ artifactsDir: dir, storeDir: path.join(t.root, 'v/store') });
    const lines: string[] = [];
    const opts = { registry, root: t.root, profile: 'quick' as const, backend: 'cpu' as const, ids: ['toy-grid'], committedDir: dir, reportFile: path.join(t.root, 'v/report.json'), log: (l: string) => lines.push(l), sink: silent };
    expect((await verifyExperiments(opts)).ok).toBe(true);
    const a = JSON.parse(await readFile(path.join(dir, 'toy-grid.json'), 'utf8'));
    a.results.rows[3].mean = 7.77;
    await writeFile(path.join(dir, 'toy-grid.json'), JSON.stringify(a));
    const report = await verifyExperiments(opts);
    expect(report.ok).toBe(false);
    expect(lines.join('\n')).toMatch(/\| toy-grid \| rows\.3\.mean \| 7\.77 \| [-\d.e]+ \| [\d.e+-]+ \| \{"rel":1e-9\} \|/);
    expect(JSON.parse(await readFile(opts.reportFile, 'utf8')).rows[0]).toMatchObject({ experiment: 'toy-grid', path: 'rows.3.mean', committed: 7.77, ok: false });
    // Under another seed every number moves: reported, not failed.
    const shifted = await verifyExperiments({ ...opts, seedOffset: 1 });
    expect(shifted.ok).toBe(true);
    expect(shifted.experiments[0].maxRelDiff).toBeGreaterThan(0);
  }, 60_000);
});

describe('shards', () => {
  it('three shards in separate processes, merged, equal one unsharded run byte for byte (results and key)', async () => {
    // The unsharded run in this process (the first test shows in-process and worker runs give the same bytes).
    await run({ ids: ['toy-grid'], artifactsDir: path.join(t.root, 'sh/whole'), storeDir: path.join(t.root, 'sh/store-whole') });
    // Each shard a CLI process of its own, computing its units in process (workerScript null: no worker to start).
    const shards = await Promise.all([1, 2, 3].map((i) => cliAsync({ ids: ['toy-grid'], shard: { index: i, count: 3 }, storeDir: path.join(t.root, `sh/shard${i}`), artifactsDir: path.join(t.root, 'sh/none'), workerScript: null })));
    for (const r of shards) expect(r.status, r.stderr).toBe(0);
    expect(existsSync(path.join(t.root, 'sh/none'))).toBe(false); // shards write no artifacts
    const shardCounts = await Promise.all([1, 2, 3].map((i) => records(`sh/shard${i}`)));
    expect(shardCounts.map((c) => c.length)).toEqual([3, 4, 3]); // toy-base is unit 0 (shard 1), toy-grid's are 1–10
    await expect(run({ artifactsDir: path.join(t.root, 'sh/partial'), mergeFrom: [path.join(t.root, 'sh/shard1')] })).rejects.toThrow(/--merge: unit "p\d\/r\d" of experiment "toy-grid" is in none of the stores/);
    // The merge in this process (the shards are what must be separate processes).
    const merged = await run({ artifactsDir: path.join(t.root, 'sh/merged'), mergeFrom: [1, 2, 3].map((i) => path.join(t.root, `sh/shard${i}`)) });
    expect(merged.units).toEqual({ computed: 0, cached: 11 });
    for (const id of ['toy-grid', 'toy-base']) {
      const a = await read('sh/whole', id);
      const b = await read('sh/merged', id);
      expect(JSON.stringify(b.results)).toBe(JSON.stringify(a.results));
      expect(b.provenance.cacheKey).toBe(a.provenance.cacheKey);
      expect(JSON.stringify(b.provenance.keyInputs)).toBe(JSON.stringify(a.provenance.keyInputs));
    }
    expect((await read('sh/merged', 'toy-grid')).provenance.units.shards).toEqual(['1/3', '2/3', '3/3']);
  }, 120_000);
});

describe('an interrupted run', () => {
  it('kill -9 halfway: no process of the run is alive 2 s later, and a re-run computes only the unfinished units', async () => {
    const opts = { ids: ['toy-grid'], artifactsDir: path.join(t.root, 'k/a'), storeDir: path.join(t.root, 'k/s'), jobs: 2 };
    // The interrupted run's units take 0.4-1.2 s each (so that it is killed halfway); the re-run below, with the same
    // config and keys, computes the rest without waiting (their results do not depend on the wait).
    const env = { ...process.env, READOFF_TEST_TOY_SLEEP_MS: '400' };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(t.root, 'exp/cli.ts'), JSON.stringify(opts)], { cwd: t.root, stdio: 'ignore', env });
    const deadline = Date.now() + 60_000;
    while ((await records('k/s')).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const workers = spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
    expect(workers.length).toBeGreaterThan(0);
    child.kill('SIGKILL');
    const done = (await records('k/s')).length;
    expect(done).toBeLessThan(10);
    // Gone 2 s later at rest; on a loaded machine within 2 s times the load per core (tests/helpers/load.ts).
    await goneWithin([child.pid!, ...workers], 2000, alive);
    for (const pid of [child.pid!, ...workers]) expect(alive(pid), `process ${pid} still alive`).toBe(false);
    const after = (await records('k/s')).length; // a unit may have finished in the moment before its worker died
    // The re-run in this process, computing in process (unit keys do not depend on where a unit ran: the first test).
    const rerun = await run({ ...opts, jobs: 1 });
    expect(rerun.units).toEqual({ computed: 11 - 1 - after, cached: after });
    // Same result as an uninterrupted run.
    await run({ artifactsDir: path.join(t.root, 'k/ref'), storeDir: path.join(t.root, 'k/ref-store') });
    expect((await read('k/a', 'toy-grid')).results).toEqual((await read('k/ref', 'toy-grid')).results);
  }, 120_000);
});

describe('no orphans', () => {
  // The process tree of a run: a shell (standing in for \`astro build\`) → the CLI → its workers.
  async function startTree(store: string) {
    const opts = { ids: ['toy-grid'], artifactsDir: path.join(t.root, `${store}/a`), storeDir: path.join(t.root, `${store}/s`), jobs: 2, overrides: { sleepMs: 2000 } };
    const shell = spawn('bash', ['-c', `${JSON.stringify(process.execPath)} --import tsx exp/cli.ts '${JSON.stringify(opts)}'; true`], { cwd: t.root, stdio: 'ignore' });
    const deadline = Date.now() + 60_000;
    let tree: number[] = [];
    while (Date.now() < deadline) {
      const cli = children(shell.pid!);
      const workers = cli.flatMap(children);
      tree = [...cli, ...workers];
      if (workers.length === 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(tree).toHaveLength(3);
    return { shell, cli: tree[0], workers: tree.slice(1) };
  }

  it('SIGKILL of the CLI\'s parent takes the CLI and its workers down within 2 s', async () => {
    const { shell, cli, workers } = await startTree('o1');
    shell.kill('SIGKILL');
    // Within 2 s at rest; on a loaded machine within 2 s times the load per core (tests/helpers/load.ts).
    await goneWithin([cli, ...workers], 2000, alive);
    for (const pid of [cli, ...workers]) expect(alive(pid), `process ${pid} (${pid === cli ? 'the CLI' : 'a worker'}) still alive: ${alive(pid) && readFileSync(`/proc/${pid}/stat`, 'utf8')}`).toBe(false);
  }, 90_000);

  it('SIGTERM of the CLI stops its workers at once', async () => {
    const { shell, cli, workers } = await startTree('o2');
    process.kill(cli, 'SIGTERM');
    await goneWithin([cli, ...workers], 2000, alive);
    for (const pid of [cli, ...workers]) expect(alive(pid), `process ${pid} still alive`).toBe(false);
    shell.kill('SIGKILL');
  }, 90_000);
});

function children(pid: number): number[] {
  return spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat); // a zombie has exited; only its parent's bookkeeping is left
  } catch {
    return false;
  }
}
