import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { killGroup, projectCopy, waitFor } from '../helpers/projectCopy';

// Issue 8, items 1 (no orphans, the integration's side) and 4 (one build at a time).
const slowToys = `import { z } from 'zod';
import { defineExperiment } from './runtime/experiment';
const slow = (id: string) => defineExperiment({
  id, title: id, description: 'ticks for a minute', module: import.meta.url,
  config: z.object({ seed: z.number().int() }).strict(), profiles: { quick: { seed: 0 }, full: { seed: 0 } },
  result: z.object({ done: z.number() }),
  async run(cfg, ctx) {
    const bar = ctx.progress('wait', 1200);
    for (let i = 0; i < 1200; i++) { await new Promise((r) => setTimeout(r, 50)); bar.tick(); }
    return { done: 1 };
  },
});
export const slowA = slow('slow-a');
export const slowB = slow('slow-b');
`;

/** Pids of live processes whose command line mentions `root` (the copy's CLI and workers do). */
function processesUnder(root: string): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${root}/experiments/`)) pids.push(Number(pid));
    } catch {
      /* gone */
    }
  }
  return pids;
}

const canListProcesses = existsSync('/proc/self/cmdline');

describe.skipIf(!canListProcesses)('stopping a build stops its experiments', () => {
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`${signal} to astro build mid-run: no experiment process 2 s later, no artifact written, no server chunk left`, async () => {
      const t = await projectCopy({ registry: { 'slowToys.ts': slowToys }, quickArtifacts: false });
      const build = t.start(['build'], { READOFF_JOBS: '2' });
      try {
        // Both experiments running in worker processes.
        expect(await waitFor(() => processesUnder(t.root).length >= 3, 90_000), build.output()).toBe(true);
        await new Promise((r) => setTimeout(r, 1000));
        process.kill(build.child.pid!, signal);
        await new Promise((r) => setTimeout(r, 2000));
        expect(processesUnder(t.root), build.output()).toEqual([]);
        await new Promise((r) => setTimeout(r, 1000));
        const artifacts = path.join(t.root, 'artifacts/quick');
        expect(existsSync(artifacts) ? readdirSync(artifacts).filter((f) => f.endsWith('.json')) : []).toEqual([]);
        if (signal === 'SIGTERM') {
          expect(build.child.exitCode ?? build.child.signalCode).toBe(143);
          expect(existsSync(path.join(t.root, '.readoff.lock'))).toBe(false);
        }
      } finally {
        killGroup(build.child.pid);
        for (const pid of processesUnder(t.root)) killGroup(pid);
        await t.cleanup();
      }
    }, 150_000);
  }
});

describe.skipIf(!canListProcesses)('one build at a time', () => {
  it('a second build (or experiments run) in the same clone is refused, naming the running one', async () => {
    const t = await projectCopy({ registry: { 'slowToys.ts': slowToys }, quickArtifacts: false });
    const first = t.start(['build'], { READOFF_JOBS: '2' });
    try {
      expect(await waitFor(() => processesUnder(t.root).length >= 3, 90_000), first.output()).toBe(true);
      const second = t.buildIt();
      expect(second.status).not.toBe(0);
      expect(`${second.stdout}${second.stderr}`).toContain(`another Readoff process is using this project's artifacts and dist/: pid ${first.child.pid} (\`astro build\``);
      const cli = t.runCli(['--profile', 'quick']);
      expect(cli.status).toBe(1);
      expect(cli.stderr).toContain(`pid ${first.child.pid} (\`astro build\``);
      // Usage errors still say what is wrong with the command, lock or not.
      expect(t.runCli(['no-such-id']).status).toBe(2);
      // The refused build leaves the running one alone.
      expect(processesUnder(t.root).length).toBeGreaterThanOrEqual(3);
    } finally {
      killGroup(first.child.pid);
      for (const pid of processesUnder(t.root)) killGroup(pid);
      await t.cleanup();
    }
  }, 200_000);
});
