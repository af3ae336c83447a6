/**
 * One quick-profile build of the whole site, shared by the test files that read it (tests/helpers/siteFiles.ts):
 * quickBuild and buildPages read its HTML, the browser tests serve it to Chromium. The quick artifacts are committed
 * (artifacts/quick/), so the build runs no experiment unless one is stale; tests/runtime/quickArtifacts.test.ts checks
 * that none is, and that one quick run gives the committed numbers, against a copy taken before the build starts
 * (tests/helpers/quickSnapshot.ts). Runs only when one of those files is selected.
 *
 * The build starts here and runs in the background: vitest waits for the global setup before it runs any file, so a
 * build made here in full would leave every file (and one of the two cores) waiting for it. The files that read it
 * wait for it instead (tests/helpers/siteBuild.ts), and start once it should be ready (tests/helpers/sequencer.ts).
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { quickSnapshot } from '../helpers/quickSnapshot';
import { selectsSiteFiles } from '../helpers/siteFiles';
import type { SiteBuild } from '../helpers/siteBuild';
import { repoRoot } from '../helpers/tempRoot';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The built site, and the file the build's outcome (a SiteBuild) is written to when it ends. */
    site: { out: string; statusFile: string };
  }
}

/** Longer than the slowest build seen under heavy load (the CI limit is 90 minutes). */
const BUILD_LIMIT_MS = 20 * 60_000;

/** Raise the autogroup priority of the session `pid` leads (/proc/<pid>/autogroup), if this process may. */
function raiseSession(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/autogroup`, '-10');
  } catch {
    /* not Linux, no autogroup scheduling, or not allowed */
  }
}

export default async function setup(project: TestProject) {
  // Before the build can re-run a stale quick artifact in place (see the helper).
  const committedQuick = quickSnapshot();
  // For working on the tests: READOFF_SITE_OUT=<a built site> reuses it instead of building. And no build when no
  // file that reads it is selected (`npm test -- tests/lib`).
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  if (process.env.READOFF_SITE_OUT || !selectsSiteFiles(filters)) {
    const statusFile = path.join(repoRoot, '.test-tmp', `site-reused-${process.pid}.json`);
    const reused = process.env.READOFF_SITE_OUT;
    writeFileSync(statusFile, JSON.stringify({ status: reused ? 0 : null, log: reused ? 'reused' : 'not built: no file that reads it was selected', seconds: 0 } satisfies SiteBuild));
    project.provide('site', { out: path.resolve(reused ?? path.join(repoRoot, '.test-tmp', 'no-site')), statusFile });
    return () => Promise.all([statusFile, committedQuick].map((f) => rm(f, { recursive: true, force: true })));
  }
  const out = path.join(repoRoot, '.test-tmp', `site-${process.pid}`);
  const statusFile = `${out}.build.json`;
  const netLog = `${out}.net.log`;
  const cpuFile = `${out}.cpu.txt`;
  await Promise.all([out, statusFile, netLog, cpuFile].map((f) => rm(f, { recursive: true, force: true })));
  const started = Date.now();
  // bash only to report the CPU time of the build and everything it started (`times`), for READOFF_TEST_CPU_LOG.
  // Node runs Astro itself, as `npm run build` does (no npx in between: one Node process less).
  // Under `npm test`, `astro sync` runs beside vitest's start (tests/run.sh) and writes .astro/, as the build does: the
  // build waits for it to end (whatever its outcome: run.sh reports a failed sync; at most 2 minutes), so that the
  // two never write there at once. The wait is in the build's shell: vitest runs no file until this setup returns.
  const waitForSync = 'for i in $(seq 2400); do [ -z "${READOFF_SYNC_DONE:-}" ] || [ -e "$READOFF_SYNC_DONE" ] && break; sleep 0.05; done';
  const build = spawn('bash', ['-c', `${waitForSync}; "$READOFF_NODE" node_modules/astro/astro.js build; s=$?; times > "$READOFF_BUILD_CPU"; exit $s`], {
    cwd: repoRoot,
    // Its own process group, so the teardown can stop all of it.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Every process of the build records its DNS lookups and outgoing connections.
    env: { ...process.env, READOFF_NODE: process.execPath, READOFF_PROFILE: 'quick', READOFF_OUT_DIR: out, READOFF_NET_LOG: netLog, READOFF_BUILD_CPU: cpuFile, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${path.join(repoRoot, 'tests/helpers/recordNetwork.mjs')}` },
  });
  // The site files wait for this build: let it have a core while the other files share the rest (tests/helpers/priority.ts).
  try {
    os.setPriority(Math.min(19, os.getPriority() + 10));
  } catch {
    /* not allowed: everything shares alike */
  }
  // Niceness counts only within a session: Linux's autogroup scheduling first shares the CPU equally between
  // sessions, and the build has one of its own (detached), as does every experiment worker a test starts (the runtime
  // starts them detached). So with the quick run's two workers beside it the build got half a core (110-135 s of wall
  // time for 60 CPU-s at rest). Raise its session's priority where allowed (root, as in CI; raising needs
  // CAP_SYS_NICE; elsewhere this fails and sessions share alike). The build is mostly one busy thread: it takes one
  // core and leaves the other to the test files. (Lowering the workers' sessions instead starves them whenever the
  // machine is busy with anything else: tried, and runner.test's worker tests timed out.)
  raiseSession(build.pid!);
  let log = '';
  build.stdout!.on('data', (c) => (log += c));
  build.stderr!.on('data', (c) => (log += c));
  const stop = () => {
    try {
      process.kill(-build.pid!, 'SIGTERM');
    } catch {
      /* already gone */
    }
  };
  const limit = setTimeout(() => {
    log += `\n(stopped by tests/site/globalSetup.ts after ${BUILD_LIMIT_MS / 1000} s)`;
    stop();
  }, BUILD_LIMIT_MS);
  const finished = new Promise<void>((resolve) => {
    build.on('close', (code, signal) => {
      clearTimeout(limit);
      const seconds = (Date.now() - started) / 1000;
      const network = existsSync(netLog) ? readFileSync(netLog, 'utf8') : '';
      const cpu = existsSync(cpuFile) ? readFileSync(cpuFile, 'utf8').trim().split('\n').pop()! : '';
      const cpuSeconds = [...cpu.matchAll(/(\d+)m([\d.]+)s/g)].reduce((s, m) => s + 60 * Number(m[1]) + Number(m[2]), 0);
      if (process.env.READOFF_TEST_CPU_LOG) appendFileSync(process.env.READOFF_TEST_CPU_LOG, `${cpuSeconds.toFixed(1)} ${seconds.toFixed(1)} site build (global setup)\n`);
      const result: SiteBuild = { status: code ?? (signal ? 128 : null), log, seconds, network };
      writeFileSync(`${statusFile}.tmp`, JSON.stringify(result));
      renameSync(`${statusFile}.tmp`, statusFile);
      resolve();
    });
  });
  project.provide('site', { out, statusFile });
  return async () => {
    stop();
    await finished;
    await Promise.all([statusFile, netLog, cpuFile, committedQuick].map((f) => rm(f, { recursive: true, force: true })));
    if (!process.env.READOFF_KEEP_SITE) await rm(out, { recursive: true, force: true });
  };
}
