import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyExperiment } from '../../experiments/runtime/experiment';
import { runExperiments } from '../../experiments/runtime/runner';
import { makeTempRoot, repoRoot } from '../helpers/tempRoot';

// Issue 8, item 6: a run with workers shows one live line per worker on a terminal (`npm run build` runs the CLI with
// --jobs 2 and its stdout is the terminal), and plain lines off a terminal (CI).
const rt = (f: string) => JSON.stringify(path.join(repoRoot, 'experiments/runtime', f));
// Two units that tick a bar until both have started (each announces itself with a file), so the two workers'
// lines are on the screen together however late the second worker starts.
const toys = `import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { defineExperiment } from ${rt('experiment.ts')};
export const toyBars = defineExperiment({
  id: 'toy-bars', title: 'bars', description: 'two units that tick until both run', module: import.meta.url, tensorflow: false,
  config: z.object({ seed: z.number().int(), dir: z.string() }).strict(),
  profiles: { quick: { seed: 0, dir: '' }, full: { seed: 0, dir: '' } }, result: z.object({ n: z.number() }),
  units: () => [{ label: 'left' }, { label: 'right' }],
  async runUnit(cfg, unit, ctx) {
    writeFileSync(path.join(cfg.dir, unit.label), '');
    const other = path.join(cfg.dir, unit.label === 'left' ? 'right' : 'left');
    const bar = ctx.progress('steps', 15);
    const until = Date.now() + 60_000;
    for (let i = 0; i < 15; i++) {
      do await new Promise((r) => setTimeout(r, 60)); while (!existsSync(other) && Date.now() < until);
      bar.tick();
    }
    bar.done();
    return { n: 15 };
  },
  merge: (cfg, partials) => ({ n: partials.reduce((s, p) => s + p.n, 0) }),
});
`;

/** What a terminal shows after `out`: lines, with the board's "cursor up n, erase below" applied. */
function screen(out: string): string[] {
  const rows: string[] = [''];
  // eslint-disable-next-line no-control-regex
  for (const part of out.split(/(\x1b\[\d+A\r\x1b\[J|\n)/)) {
    // eslint-disable-next-line no-control-regex
    const up = /^\x1b\[(\d+)A/.exec(part);
    if (up) rows.splice(rows.length - 1 - Number(up[1]), Infinity, '');
    else if (part === '\n') rows.push('');
    else rows[rows.length - 1] += part;
  }
  return rows.slice(0, -1);
}

let t: Awaited<ReturnType<typeof makeTempRoot>>;
let registry: AnyExperiment[];
beforeAll(async () => {
  t = await makeTempRoot({
    'exp/toys.ts': toys,
    'exp/registry.ts': `import * as t from './toys';\nexport const registry = [t.toyBars];\n`,
    'exp/worker.ts': `import { serveWorker } from ${rt('workerPool.ts')};\nimport { registry } from './registry';\nserveWorker(registry);\n`,
  });
  registry = (await import(path.join(t.root, 'exp/registry.ts'))).registry;
});
afterAll(() => t.cleanup());

async function run(isTTY: boolean, name: string) {
  const writes: string[] = [];
  const dir = path.join(t.root, name);
  await t.write(`${name}/.keep`, '');
  await runExperiments({
    registry, root: t.root, profile: 'quick', backend: 'cpu', jobs: 2, force: true, workerScript: path.join(t.root, 'exp/worker.ts'),
    overrides: { dir }, artifactsDir: path.join(dir, 'artifacts'), storeDir: path.join(dir, 'units'),
    sink: { write: (s) => void writes.push(s), isTTY, columns: 60 },
    // On a terminal the run's log goes to the board (no `log` given); off one, to the same list.
    ...(isTTY ? {} : { log: (l: string) => void writes.push(`${l}\n`) }),
  });
  return writes;
}

describe('status board wired to the worker pool', () => {
  it('on a terminal, shows one live line per worker while units run, log lines above them, and no line left at the end', async () => {
    const writes = await run(true, 'tty');
    // Replay the output write by write: the most live bars (with an ETA) on the screen at once.
    let out = '';
    let most = 0;
    for (const w of writes) {
      out += w;
      most = Math.max(most, screen(out).filter((l) => /^\[toy-bars\] steps \[.* ETA /.test(l)).length);
    }
    expect(most).toBe(2);
    // A worker's line names its unit from the moment the unit starts.
    expect(writes.join('')).toMatch(/\[toy-bars\] left …/);
    expect(writes.join('')).toMatch(/\[toy-bars\] right …/);
    // At the end: no live line left; the finished bars' summaries stay in the log.
    const last = screen(out);
    expect(last.filter((l) => / ETA |…$/.test(l))).toEqual([]);
    expect(last).toContainEqual(expect.stringMatching(/^running toy-bars/));
    expect(last).toContainEqual(expect.stringMatching(/^finished toy-bars in/));
    expect(last.filter((l) => /100% 15\/15/.test(l))).toHaveLength(2);
    // Cut to the terminal's width (60 columns), so that no line wraps and the redraw stays in place.
    expect(Math.max(...screen(writes.join('')).map((l) => l.length))).toBeLessThan(60);
  }, 120_000);

  it('off a terminal, prints plain lines: no cursor movement, no carriage return', async () => {
    const out = (await run(false, 'plain')).join('');
    expect(out).not.toMatch(/\r|\x1b/);
    expect(out).toMatch(/100% \(15\/15\)/);
  }, 120_000);
});
