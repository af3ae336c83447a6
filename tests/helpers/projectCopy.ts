import { spawn } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadScaled } from './load';
import { makeTempRoot, repoRoot } from './tempRoot';

/** How many copies may exist at once at reusable paths (one or two per vitest worker); more get a fresh path. */
const SLOTS = 8;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A folder for a project copy at a path used before (.test-tmp/copy-<n>, the first one free): tsx caches its
 * transforms of TypeScript by file path and content (in the system's temp folder), so a copy at a path it has seen
 * starts its CLI and workers from that cache instead of transforming every experiment module again (measured: about
 * 1.3 CPU-s more for a CLI start in a copy at a new path). A folder whose owner process is gone is taken over.
 */
async function reusableRoot(): Promise<Awaited<ReturnType<typeof makeTempRoot>>> {
  const base = path.join(repoRoot, '.test-tmp');
  await mkdir(base, { recursive: true });
  for (let n = 0; n < SLOTS; n++) {
    const root = path.join(base, `copy-${n}`);
    const owner = path.join(root, '.copy-owner');
    try {
      await mkdir(root);
    } catch {
      const pid = Number(await readFile(owner, 'utf8').catch(() => ''));
      // Still being set up by another process (no owner yet), or in use: try the next one.
      if (!pid || alive(pid)) continue;
      await rm(root, { recursive: true, force: true });
      try {
        await mkdir(root);
      } catch {
        continue; // another process took it over first
      }
    }
    await writeFile(owner, String(process.pid));
    const write = async (rel: string, text: string) => {
      await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await writeFile(path.join(root, rel), text);
    };
    return { root, write, cleanup: () => rm(root, { recursive: true, force: true }) };
  }
  return makeTempRoot();
}

export interface CopyOptions {
  /** Replace experiments/index.ts with a registry of these modules' exports (repo-relative to the copy). */
  registry?: Record<string, string>;
  /** Copy the quick artifacts (default true). */
  quickArtifacts?: boolean;
  /** Replace the writeups (content/*.mdx) with these: file name → MDX. */
  pages?: Record<string, string>;
  /**
   * Build into a folder outside the copy (as `npm run bench`'s cached build does): Astro then builds in
   * <copy>/.astro/ and moves that folder over, which once swallowed the figures' downloads.
   */
  outDirOutside?: boolean;
}

/**
 * A copy of the project (sharing node_modules, and by default the quick artifacts) that a test may break. Its builds
 * are light test builds (READOFF_TEST_LIGHT_BUILD=1, src/integration/lightTestBuild.ts): no browser opens them, so
 * they leave out the re-run panel's bundle and the search index.
 */
export async function projectCopy(opts: CopyOptions = {}) {
  const t = await reusableRoot();
  for (const item of ['src', 'content', 'experiments', 'public', 'astro.config.mjs', 'package.json', 'tsconfig.json']) await cp(path.join(repoRoot, item), path.join(t.root, item), { recursive: true });
  if (opts.quickArtifacts ?? true) await cp(path.join(repoRoot, 'artifacts/quick'), path.join(t.root, 'artifacts/quick'), { recursive: true }).catch(() => {});
  await symlink(path.join(repoRoot, 'node_modules'), path.join(t.root, 'node_modules'));
  if (opts.registry) {
    const entries = Object.entries(opts.registry);
    await writeFile(
      path.join(t.root, 'experiments/index.ts'),
      // One page, "zz", holding every experiment of the given modules (the shape of the real registry).
      `import type { AnyExperiment } from './runtime/experiment';\nimport { unionOfPages, type PageDefinition } from './runtime/page';\n${entries.map(([file], i) => `import * as m${i} from ${JSON.stringify(`./${file}`)};`).join('\n')}\n` +
        `export const pages: readonly PageDefinition[] = [{ slug: 'zz', experiments: [${entries.map((_, i) => `...Object.values(m${i})`).join(', ')}] as AnyExperiment[] }];\n` +
        `const union = unionOfPages(pages);\nexport const registry: readonly AnyExperiment[] = union.registry;\nexport const pageOf: ReadonlyMap<string, string> = union.pageOf;\n`,
    );
    for (const [file, text] of entries) await writeFile(path.join(t.root, 'experiments', file), text);
  }
  if (opts.pages) {
    for (const f of await readdir(path.join(t.root, 'content'))) if (f.endsWith('.mdx')) await rm(path.join(t.root, 'content', f));
    for (const [file, text] of Object.entries(opts.pages)) await writeFile(path.join(t.root, 'content', file), text);
  }
  const outside = opts.outDirOutside ? await makeTempRoot() : null;
  const dist = path.join(outside?.root ?? t.root, 'dist');
  const env = (extra: NodeJS.ProcessEnv = {}) => ({ ...process.env, READOFF_PROFILE: 'quick', READOFF_OUT_DIR: dist, READOFF_TEST_LIGHT_BUILD: '1', ...extra });
  const astro = path.join(repoRoot, 'node_modules/astro/astro.js');
  // Node runs Astro itself (no npx in between: one process start less per build).
  const buildIt = (extra: NodeJS.ProcessEnv = {}) => spawnAsync(process.execPath, [astro, 'build'], { cwd: t.root, env: env(extra), timeout: loadScaled(200_000) });
  /** Start `astro <args>` in its own process group (so a test can kill everything it started). */
  const start = (args: string[], extra: NodeJS.ProcessEnv = {}) => {
    // Node runs Astro itself (no npx in between), so a signal sent to child.pid reaches Astro.
    const child = spawn(process.execPath, [astro, ...args], { cwd: t.root, env: env(extra), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (c) => (output += c));
    child.stderr!.on('data', (c) => (output += c));
    return { child, output: () => output };
  };
  const runCli = (args: string[], extra: NodeJS.ProcessEnv = {}) => spawnAsync(process.execPath, ['--import', 'tsx', 'experiments/cli.ts', ...args], { cwd: t.root, env: env(extra), timeout: 60_000 });
  const cleanup = async () => {
    await t.cleanup();
    await outside?.cleanup();
  };
  return { ...t, dist, cleanup, buildIt, start, runCli };
}

/**
 * spawnSync's result, without blocking the test file's worker while the command runs: a worker blocked for a
 * minute-long build misses vitest's RPC deadlines on a loaded machine ("Timeout calling onTaskUpdate").
 */
export function spawnAsync(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeout: number }) {
  return new Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/** Wait until `test()` holds, polling; false after `ms`. */
export async function waitFor(test: () => boolean, ms: number): Promise<boolean> {
  const t0 = Date.now();
  while (!test()) {
    if (Date.now() - t0 > ms) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/** Kill a process group started with `detached: true`, ignoring one that is already gone. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL') {
  try {
    if (pid) process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}
