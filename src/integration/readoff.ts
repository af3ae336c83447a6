import type { AstroIntegration } from 'astro';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { cp, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeVersionProblem } from '../../experiments/runtime/nodeVersion';
import { acquireProjectLock, type ProjectLock } from '../../experiments/runtime/projectLock';
import { readManifest } from '../lib/manifest';
import { currentProfile, type SiteProfile } from '../lib/profile';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Runs (or restores from the cache) every experiment before any page renders, by running the same CLI
 * that `npm run experiments` runs, then copies the artifacts and the sources they were made from into
 * the built site so every figure links to its data and code.
 *
 * A build holds the project lock from start to exit (artifacts and dist/), `astro dev` while its
 * experiments run. The CLI runs in its own process group, killed with the build whatever stops it.
 */
export default function readoff(): AstroIntegration {
  let lock: ProjectLock | undefined;
  let outDir: string | undefined;
  let built = false;
  return {
    name: 'readoff',
    hooks: {
      'astro:config:setup': async ({ command, config, logger }) => {
        process.env.READOFF_ROOT = root;
        if (command !== 'build' && command !== 'dev') return;
        const tooOld = nodeVersionProblem();
        if (tooOld) throw new Error(tooOld);
        lock = acquireProjectLock(root, `astro ${command}`);
        if (command === 'build') {
          outDir = fileURLToPath(config.outDir);
          // Astro writes server chunks (with absolute paths) into dist/ and removes them only on success.
          process.on('exit', () => {
            if (!built && outDir && lock) removeServerChunks(outDir);
          });
          // Stopped after the experiments ran (vite, page generation): exit through the 'exit' handlers
          // above (server chunks removed, lock released). While the CLI runs, stopGroupOnExit does this.
          for (const s of STOP_SIGNALS) process.on(s, () => cliRunning || process.exit(signalStatus(s)));
        }
        const profile = currentProfile();
        logger.info(`running experiments (${profile} profile)`);
        // READOFF_JOBS and READOFF_FORCE reach the CLI as themselves, so an error names the variable.
        process.env.READOFF_JOBS ||= '2';
        await runExperimentCli(['--profile', profile], logger);
        if (command === 'dev') lock.release();
      },
      'astro:build:done': async ({ dir, logger }) => {
        const out = fileURLToPath(dir);
        const profile = currentProfile();
        const copied = await publishArtifacts(profile, out);
        built = true;
        logger.info(`published ${copied.artifacts} artifacts and ${copied.sources} source files`);
      },
    },
  };
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const signalStatus = (s: NodeJS.Signals) => 128 + (s === 'SIGINT' ? 2 : s === 'SIGTERM' ? 15 : 1);
let cliRunning = false;

function runExperimentCli(args: string[], logger: { info(m: string): void }): Promise<void> {
  return new Promise((resolve, reject) => {
    // Its own process group (detached), so one signal reaches the CLI and every worker it started; an IPC
    // channel, so the CLI notices when this process dies without a chance to clean up (kill -9).
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'experiments/cli.ts'), ...args], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      env: { ...process.env, READOFF_LOCK_OWNER: String(process.pid) },
      detached: true,
    });
    cliRunning = true;
    const undo = stopGroupOnExit(child);
    const stopChild = () => {
      cliRunning = false;
      undo();
    };
    let stderr = '';
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    child.on('error', (err) => {
      stopChild();
      reject(err);
    });
    child.on('exit', (code, signal) => {
      stopChild();
      if (code === 0) return resolve();
      const lastError = stderr.trim().split('\n').filter((l) => l.startsWith('error:')).pop() ?? stderr.trim().split('\n').pop();
      logger.info('experiments failed; the build stops here');
      reject(new Error(`Readoff experiments failed (exit ${code ?? signal}): ${lastError ?? 'no message'}`));
    });
  });
}

/**
 * Until the child exits: on SIGINT/SIGTERM/SIGHUP, stop its whole process group, then exit with the
 * signal's status; on any exit of this process, kill the group. Returns the function that undoes this.
 */
function stopGroupOnExit(child: ChildProcess): () => void {
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  };
  const onExit = () => killGroup('SIGKILL');
  const onSignal = (signal: NodeJS.Signals) => {
    killGroup('SIGTERM');
    // Give it a moment to stop cleanly (an atomic write finishes or is abandoned), then make sure.
    const force = setTimeout(() => killGroup('SIGKILL'), 1000);
    const finish = () => {
      clearTimeout(force);
      process.exit(signalStatus(signal));
    };
    if (child.exitCode !== null || child.signalCode !== null) finish();
    else {
      child.once('exit', () => {
        killGroup('SIGKILL');
        finish();
      });
      setTimeout(finish, 1500).unref();
    }
  };
  process.on('exit', onExit);
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
  return () => {
    process.off('exit', onExit);
    for (const s of STOP_SIGNALS) process.off(s, onSignal);
  };
}

/** After a failed build: delete Astro's server chunks (*.mjs, with absolute paths in them) from dist/. */
export function removeServerChunks(outDir: string): void {
  const walk = (dir: string): boolean => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    let removedAll = true;
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!walk(full)) removedAll = false;
      } else if (/\.mjs(\.map)?$/.test(e.name)) rmSync(full, { force: true });
      else removedAll = false;
    }
    // Folders left empty by the chunks (chunks/, pages/) go too; dist/ itself stays.
    if (removedAll && dir !== outDir) rmdirSync(dir);
    return removedAll;
  };
  walk(outDir);
}

/** Copy artifacts/<profile>/*.json to <out>/artifacts/<profile>/ and each source they hash to <out>/source/<path>.txt. */
export async function publishArtifacts(profile: string, out: string, projectRoot = root) {
  const from = path.join(projectRoot, 'artifacts', profile);
  const to = path.join(out, 'artifacts', profile);
  await mkdir(to, { recursive: true });
  const files = (await readdir(from).catch(() => [] as string[])).filter((f) => f.endsWith('.json'));
  // Only the registry's experiments (the build manifest lists them): an orphan artifact, left by a removed
  // experiment, is warned about by the runner and never published.
  const known = new Set(readManifest(profile as SiteProfile).experiments.map((e) => e.id));
  const sources = new Set<string>();
  let published = 0;
  for (const f of files) {
    if (!known.has(f.slice(0, -'.json'.length))) continue;
    const artifact = JSON.parse(await readFile(path.join(from, f), 'utf8'));
    await cp(path.join(from, f), path.join(to, f));
    published++;
    for (const src of Object.keys(artifact.provenance.keyInputs?.sources ?? {})) sources.add(src);
  }
  for (const src of sources) {
    if (!existsSync(path.join(projectRoot, src))) continue;
    const dest = path.join(out, 'source', `${src}.txt`);
    await mkdir(path.dirname(dest), { recursive: true });
    await cp(path.join(projectRoot, src), dest);
  }
  return { artifacts: published, sources: sources.size };
}
