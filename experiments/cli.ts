#!/usr/bin/env -S node --import tsx
/**
 * npm run experiments -- [ids...] [--page slug] [--profile quick|full] [--force] [--explain] [--list] [--jobs N]
 *                        [--set field=value] [--backend auto|node-gpu|node|wasm|cpu] [--time-limit S]
 *                        [--shard i/n] [--store DIR] [--merge DIR...] [--verify [--seed-offset K]]
 * The Astro integration runs this same script, so the build and the CLI share one code path.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pageOf, pages, registry } from './index';
import { BACKENDS, parseBackendRequest } from './runtime/backend';
import { PROFILES, type Profile } from './runtime/experiment';
import { UsageError } from './runtime/plan';
import { exitWithParent } from './runtime/lifeline';
import { writeManifest } from './runtime/manifest';
import { defaultJobs, runExperiments } from './runtime/runner';
import { parseShard } from './runtime/units';
import { verifyExperiments } from './runtime/verify';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FLAGS = ['--page', '--profile', '--force', '--explain', '--check', '--list', '--jobs', '--set', '--backend', '--time-limit', '--shard', '--store', '--merge', '--verify', '--seed-offset', '--help'];

function usage(): string {
  return `usage: npm run experiments -- [ids...] [--page ${pages.map((p) => p.slug).join('|')}] [--profile ${PROFILES.join('|')}] [--force] [--explain] [--check] [--list] [--jobs N]
                              [--set field=value ...] [--backend ${BACKENDS.join('|')}] [--time-limit SECONDS]
                              [--shard i/n] [--store DIR] [--merge DIR...] [--verify [--seed-offset K]]
experiments: ${registry.map((d) => d.id).join(', ')}`;
}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv) {
  // `--merge DIR...` takes every following argument up to the next flag.
  let mergeFrom: string[] | undefined;
  const at = argv.indexOf('--merge');
  if (at >= 0) {
    let end = at + 1;
    while (end < argv.length && !argv[end].startsWith('--')) end++;
    mergeFrom = argv.slice(at + 1, end);
    if (!mergeFrom.length) throw new UsageError('--merge: expected one or more unit-store directories, for example --merge shard-1 shard-2');
    argv = [...argv.slice(0, at), ...argv.slice(end)];
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        page: { type: 'string', multiple: true },
        profile: { type: 'string' },
        force: { type: 'boolean' },
        explain: { type: 'boolean' },
        check: { type: 'boolean' },
        list: { type: 'boolean' },
        jobs: { type: 'string' },
        set: { type: 'string', multiple: true },
        backend: { type: 'string' },
        'time-limit': { type: 'string' },
        shard: { type: 'string' },
        store: { type: 'string' },
        verify: { type: 'boolean' },
        'seed-offset': { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (err: any) {
    const m = /'(--?[^']+)'/.exec(err.message);
    throw new UsageError(m ? `unknown or malformed flag ${m[1]}; allowed flags: ${FLAGS.join(', ')}` : err.message);
  }
  const v = parsed.values;
  const profile = (v.profile ?? (env.READOFF_PROFILE || 'full')) as Profile;
  const profileSource = v.profile !== undefined ? '--profile' : 'READOFF_PROFILE';
  if (!PROFILES.includes(profile)) throw new UsageError(`${profileSource}: got "${profile}"; allowed values: ${PROFILES.join(', ')}`);
  const jobsText = v.jobs ?? (env.READOFF_JOBS || String(defaultJobs()));
  const jobs = Number(jobsText);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) {
    throw new UsageError(`${v.jobs !== undefined ? '--jobs' : 'READOFF_JOBS'}: got "${jobsText}"; allowed values: a whole number from 1 to 64`);
  }
  const limitText = v['time-limit'];
  const timeLimitSeconds = limitText === undefined ? undefined : Number(limitText);
  if (timeLimitSeconds !== undefined && !(timeLimitSeconds > 0 && timeLimitSeconds <= 86_400)) {
    throw new UsageError(`--time-limit: got "${limitText}"; allowed values: a number of seconds > 0 and ≤ 86400`);
  }
  let backend;
  try {
    backend = parseBackendRequest(v.backend ?? env.READOFF_BACKEND);
  } catch (err: any) {
    throw new UsageError(err.message.replace('READOFF_BACKEND', v.backend ? '--backend' : 'READOFF_BACKEND'));
  }
  const overrides: Record<string, unknown> = {};
  for (const item of v.set ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set: got "${item}"; expected field=value, for example --set d=256`);
    const raw = item.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      /* a bare string */
    }
    overrides[item.slice(0, eq)] = value;
  }
  const ids = [...parsed.positionals];
  for (const slug of v.page ?? []) {
    const page = pages.find((p) => p.slug === slug);
    if (!page) throw new UsageError(`--page: got "${slug}"; allowed values: ${pages.map((p) => p.slug).join(', ')}`);
    ids.push(...page.experiments.map((d) => d.id).filter((id) => !ids.includes(id)));
  }
  let shard;
  if (v.shard !== undefined) {
    try {
      shard = parseShard(v.shard);
    } catch (err: any) {
      throw new UsageError(err.message);
    }
  }
  const offsetText = v['seed-offset'];
  const seedOffset = offsetText === undefined ? undefined : Number(offsetText);
  if (seedOffset !== undefined && !(Number.isInteger(seedOffset) && seedOffset !== 0 && Math.abs(seedOffset) < 2 ** 31)) {
    throw new UsageError(`--seed-offset: got "${offsetText}"; allowed values: a non-zero whole number`);
  }
  if (seedOffset !== undefined && !v.verify) throw new UsageError('--seed-offset: only with --verify (a re-run under other seeds never replaces the artifacts)');
  const modes = [shard && '--shard', mergeFrom && '--merge', v.verify && '--verify', v.check && '--check'].filter(Boolean);
  if (modes.length > 1) throw new UsageError(`${modes.join(' and ')}: choose one`);
  if ((shard || mergeFrom || v.verify) && Object.keys(overrides).length) throw new UsageError(`--set: not with ${modes[0]}`);
  return {
    ids,
    shard,
    mergeFrom,
    storeDir: v.store ? path.resolve(v.store) : undefined,
    verify: Boolean(v.verify),
    seedOffset,
    profile,
    force: Boolean(v.force) || env.READOFF_FORCE === '1',
    explain: Boolean(v.explain) || Boolean(v.check),
    check: Boolean(v.check),
    list: Boolean(v.list),
    help: Boolean(v.help),
    jobs,
    backend,
    overrides,
    timeLimitSeconds,
  };
}

async function main() {
  // Whatever stops the caller (an Astro build, a shell), this run and its workers stop with it.
  exitWithParent();
  const args = parseCli(process.argv.slice(2), process.env);
  if (args.help) {
    console.log(usage());
    return;
  }
  if (args.list) {
    for (const d of registry) {
      const up = d.upstream?.length ? ` (needs ${d.upstream.join(', ')})` : '';
      console.log(`${d.id.padEnd(28)} ${d.title}${up}`);
    }
    return;
  }
  const t0 = performance.now();
  const workerScript = fileURLToPath(new URL('./worker.ts', import.meta.url));
  if (args.verify) {
    const keepDir = args.seedOffset ? path.join(root, '.readoff', `verify-seed${args.seedOffset}`, args.profile) : undefined;
    const report = await verifyExperiments({ registry, root, ...args, workerScript, keepDir });
    if (keepDir) {
      // Which claims of the pages still hold under the other seeds. The pages' claim checker lives in the site
      // (src/), which experiments never import: it runs as its own script.
      spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/claimsAt.ts'), '--artifacts', keepDir, '--profile', args.profile,
        '--label', `seed offset ${args.seedOffset}`, '--json', path.join(root, '.readoff', `claims-seed${args.seedOffset}-${args.profile}.json`)], { cwd: root, stdio: 'inherit' });
    }
    process.exitCode = report.ok ? 0 : 1;
    return;
  }
  const summary = await runExperiments({
    registry, root, ...args,
    mergeFrom: args.mergeFrom?.map((d) => path.resolve(d)),
    planOnly: args.check,
    workerScript,
  });
  // A build over the whole registry records what it used, for the pages (see runtime/manifest.ts).
  if (!args.check && !args.shard && args.ids.length === 0 && Object.keys(args.overrides).length === 0) {
    await writeManifest({ root, profile: args.profile, artifactsDir: summary.artifactsDir, registry, pageOf, plan: summary.plan, ran: summary.ran.map((r) => r.id) });
  }
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  if (args.check) {
    const stale = summary.plan.filter((e) => e.action === 'run').map((e) => e.def.id);
    console.log(stale.length ? `check failed: ${stale.length} ${args.profile} artifact(s) would re-run: ${stale.join(', ')}` : `check passed: every ${args.profile} artifact is current`);
    process.exitCode = stale.length ? 1 : 0;
    return;
  }
  const units = summary.units.computed + summary.units.cached ? `; units: ${summary.units.computed} computed, ${summary.units.cached} from the store` : '';
  if (args.shard) {
    console.log(`shard ${args.shard.index}/${args.shard.count} (${args.profile}): ${summary.units.computed} units computed, ${summary.units.cached} already in the store, ${secs}s → ${path.relative(root, args.storeDir ?? path.join(root, '.readoff/units')) || '.'}`);
    return;
  }
  console.log(`experiments (${args.profile}): ${summary.ran.length} ran, ${summary.reused.length} reused${units}, ${secs}s → ${path.relative(root, summary.artifactsDir)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err instanceof UsageError ? `error: ${err.message}\n\n${usage()}` : `error: ${err?.message ?? err}`);
    process.exit(err instanceof UsageError ? 2 : 1);
  });
}
