/**
 * Measures the build budgets and prints a table:
 *   npx tsx scripts/bench.ts            cached full build + quick profile from an empty cache
 *   npx tsx scripts/bench.ts --full     also re-runs every full-profile experiment (minutes)
 * Per-experiment times come from each artifact's provenance.wallSeconds.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simplicityBench } from './simplicityBench';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const withFull = process.argv.includes('--full');

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

function experimentTimes(profile: string) {
  const dir = path.join(root, 'artifacts', profile);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')))
    .map((a) => ({ id: a.experiment as string, secs: a.provenance.wallSeconds as number, backend: a.provenance.backend as string }));
}

const rows: { what: string; secs: number; budget?: number }[] = [];
const tmpOut = path.join(os.tmpdir(), `readoff-bench-${process.pid}`);

if (withFull) {
  const full = timed('full experiments from scratch', 'npx', ['tsx', 'experiments/cli.ts', '--profile', 'full', '--force', '--jobs', '2']);
  rows.push({ what: 'full profile, every experiment re-run (--jobs 2)', secs: full.secs, budget: 8 * 60 });
}
const cached = timed('cached build', 'npx', ['astro', 'build'], { READOFF_OUT_DIR: tmpOut });
if (!/0 ran/.test(cached.out)) console.warn('warning: the cached build re-ran experiments; the timing includes them');
rows.push({ what: 'npm run build, every artifact cached', secs: cached.secs, budget: 30 });
const quick = timed('quick from empty cache', 'npx', ['tsx', 'experiments/cli.ts', '--profile', 'quick', '--force', '--jobs', '2']);
rows.push({ what: 'quick profile from an empty cache (--jobs 2)', secs: quick.secs, budget: 60 });
rmSync(tmpOut, { recursive: true, force: true });

console.log(`\nmachine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}\n`);
console.log('| measurement | seconds | budget |\n|---|---:|---:|');
for (const r of rows) console.log(`| ${r.what} | ${r.secs.toFixed(1)} | ${r.budget ? `< ${r.budget}` : ''} |`);
for (const profile of withFull ? ['quick', 'full'] : ['quick']) {
  const times = experimentTimes(profile);
  console.log(`\n${profile} profile, per experiment (wall seconds, one process each):\n\n| experiment | seconds | backend |\n|---|---:|---|`);
  for (const t of times.sort((a, b) => b.secs - a.secs)) console.log(`| ${t.id} | ${t.secs.toFixed(2)} | ${t.backend} |`);
  console.log(`| total (serial) | ${times.reduce((s, t) => s + t.secs, 0).toFixed(1)} | |`);
}

// The /simplicity-bias/ sampler's throughput and the backend's matmul ceiling, measured in this run (scripts/simplicityBench.ts).
console.log('\nsimplicity-bias sampling (hot path):\n\n| measurement | value |\n|---|---:|');
for (const r of await simplicityBench()) console.log(`| ${r.what} | ${r.value.toExponential(2)} ${r.unit} |`);
