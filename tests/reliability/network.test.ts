import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killGroup, projectCopy, waitFor } from '../helpers/projectCopy';
import { repoRoot } from '../helpers/tempRoot';

// Issue 8, item 3. The shared quick build (tests/site/globalSetup.ts, checked in tests/site/quickBuild.test.ts) records its connections the same way.
const recorder = path.join(repoRoot, 'tests/helpers/recordNetwork.mjs');
const netEnv = (log: string) => ({ ...process.env, READOFF_NET_LOG: log, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${recorder}` });
const logFile = (name: string) => path.join(repoRoot, '.test-tmp', `${name}-${process.pid}.net.log`);
const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');

// One copy of the project (the site's quick build may be running in the repository itself meanwhile), with no
// experiments: the dev server starts at once and renders nothing until asked.
let t: Awaited<ReturnType<typeof projectCopy>>;
beforeAll(async () => {
  t = await projectCopy({ registry: {}, quickArtifacts: false });
});
afterAll(() => t?.cleanup());

describe('no request leaves the machine', () => {
  it('astro sync (run by npm test) sends no telemetry', async () => {
    // Under `npm test`, tests/run.sh records the sync it runs beside vitest: that one is looked at, not run again.
    const done = process.env.READOFF_SYNC_DONE;
    const recorded = process.env.READOFF_SYNC_NET_LOG;
    if (done && recorded) {
      expect(await waitFor(() => existsSync(done), 120_000), 'astro sync of tests/run.sh did not end').toBe(true);
      expect(readFileSync(done, 'utf8').trim()).toBe('0');
      expect(read(recorded)).toBe('');
      return;
    }
    const log = logFile('sync');
    rmSync(log, { force: true });
    // Node runs Astro itself, as npm's script does (no npx in between: one Node process less, and it looks nothing up).
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/astro/astro.js'), 'sync'], { cwd: t.root, encoding: 'utf8', env: netEnv(log), timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(read(log)).toBe('');
    rmSync(log, { force: true });
  }, 300_000);

  it('astro dev neither sends telemetry nor checks for updates', async () => {
    const log = logFile('dev');
    rmSync(log, { force: true });
    const dev = t.start(['dev', '--port', '0', '--host', '127.0.0.1'], netEnv(log));
    try {
      expect(await waitFor(() => /ready in|Local\s+http/.test(dev.output()), 90_000), dev.output()).toBe(true);
      // The update check would run just after the server is ready.
      await new Promise((r) => setTimeout(r, 3000));
      expect(read(log)).toBe('');
    } finally {
      killGroup(dev.child.pid);
      rmSync(log, { force: true });
    }
  }, 120_000);
});
