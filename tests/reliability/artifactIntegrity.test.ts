import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readArtifact, writeArtifact } from '../../experiments/runtime/artifacts';
import { uncommittedSources } from '../../experiments/cli';
import { gitState, sourcesCommitted } from '../../experiments/runtime/provenance';
import type { AnyExperiment } from '../../experiments/runtime/experiment';
import { runExperiments, type RunnerOptions } from '../../experiments/runtime/runner';
import { makeTempRoot, repoRoot } from '../helpers/tempRoot';

// Issue 8, items 2 (edited numbers never render) and 7 (honest provenance, no diff noise).
const runtime = JSON.stringify(path.join(repoRoot, 'experiments/runtime/experiment.ts'));
const toys = `import { z } from 'zod';
import { defineExperiment } from ${runtime};
export const source = defineExperiment({
  id: 'source', title: 'S', description: 'numbers', module: import.meta.url, tensorflow: false,
  config: z.object({ seed: z.number().int(), n: z.number().int() }).strict(),
  profiles: { quick: { seed: 1, n: 5 }, full: { seed: 1, n: 5 } },
  result: z.object({ post: z.object({ pAtDim: z.number(), other: z.number() }), list: z.array(z.number()) }),
  async run(cfg, ctx) { const r = ctx.rng('x'); return { post: { pAtDim: 2.12, other: r.uniform() }, list: [1, 2, cfg.n] }; },
});
export const consumer = defineExperiment({
  id: 'consumer', title: 'C', description: 'reads source', module: import.meta.url, tensorflow: false, upstream: ['source'],
  config: z.object({ seed: z.number().int() }).strict(), profiles: { quick: { seed: 0 }, full: { seed: 0 } },
  result: z.object({ seen: z.number() }),
  async run(cfg, ctx) { return { seen: (ctx.upstream('source').results as any).post.pAtDim }; },
});
`;

let t: Awaited<ReturnType<typeof makeTempRoot>>;
let registry: AnyExperiment[];
let lines: string[];
const file = (id: string) => path.join(t.root, 'artifacts/quick', `${id}.json`);
const git = (...args: string[]) => execFileSync('git', args, { cwd: t.root, stdio: 'ignore' });
const run = (extra: Partial<RunnerOptions> = {}) => {
  lines = [];
  return runExperiments({ registry, root: t.root, profile: 'quick', backend: 'cpu', explain: true, log: (l) => lines.push(l), sink: { write: () => {}, isTTY: false }, ...extra });
};
const check = async () => (await run({ planOnly: true })).plan.filter((e) => e.action === 'run').map((e) => `${e.def.id}: ${e.reasons.join('; ')}`);
async function edit(id: string, change: (a: any) => void, raw?: (text: string) => string) {
  const text = await readFile(file(id), 'utf8');
  const a = JSON.parse(text);
  change(a);
  await writeFile(file(id), raw ? raw(text) : JSON.stringify(a, null, 1));
}

beforeAll(async () => {
  t = await makeTempRoot({ 'exp/toys.ts': toys });
  // Its own repository, so provenance can tell committed sources from edited ones.
  git('init', '-q');
  git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'empty');
  git('add', 'exp');
  git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '-m', 'toys');
  const m = await import(path.join(t.root, 'exp/toys.ts'));
  registry = [m.source, m.consumer];
});
afterAll(() => t.cleanup());

describe('an artifact edited by hand', () => {
  it('is detected on read, naming the edited field; --check fails; the build re-runs it before any consumer runs', async () => {
    await run();
    expect(await check()).toEqual([]);
    await edit('source', (a) => (a.results.post.pAtDim = 7.77));
    const r = await readArtifact(path.join(t.root, 'artifacts/quick'), 'source', registry[0].result);
    expect(r).toMatchObject({ status: 'malformed', kind: 'modified' });
    expect((r as any).reason).toMatch(/modified by hand: results\.post\.pAtDim changed/);
    const stale = await check();
    expect(stale[0]).toMatch(/^source: malformed artifact \(modified by hand: results\.post\.pAtDim changed/);
    expect(stale[1]).toMatch(/^consumer: upstream source/);
    const summary = await run();
    expect(summary.ran.map((x) => x.id)).toEqual(['source', 'consumer']);
    expect(lines.some((l) => l.startsWith('warning:') && l.includes('modified by hand'))).toBe(true);
    expect(JSON.parse(await readFile(file('consumer'), 'utf8')).results.seen).toBe(2.12);
  });

  it('a config that no longer matches the key is caught, even with the content hash recomputed to match', async () => {
    await run();
    await edit('source', (a) => (a.config.n = 6));
    expect((await check())[0]).toMatch(/modified by hand: config\.n changed/);
    await run();
    // A forger who also updates the content hash is still caught: config ≠ the key's resolved config.
    const { contentHash } = await import('../../experiments/runtime/artifacts');
    await edit('source', (a) => {
      a.config.n = 6;
      delete a.provenance.contentHash;
      a.provenance.contentHash = contentHash(a);
    });
    expect((await check())[0]).toMatch(/config is not the config its cache key was computed from/);
  });

  it('1e999 (read as Infinity) is reported as such, not as null', async () => {
    await run();
    await edit('source', () => {}, (text) => text.replace(/"pAtDim": [^,\n]+/, '"pAtDim": 1e999'));
    expect((await check())[0]).toMatch(/results\.post\.pAtDim is Infinity, not a finite number/);
  });

  it('an artifact without a content hash (written by an older version) is stale: re-run without a damage warning', async () => {
    await run();
    await edit('source', (a) => delete a.provenance.contentHash);
    expect((await check())[0]).toMatch(/^source: no content hash/);
    await run();
    expect(lines.some((l) => l.startsWith('warning:'))).toBe(false);
    expect(await check()).toEqual([]);
  });
});

describe('provenance', () => {
  it('records the source graph hash, and whether the named commit holds every source', async () => {
    await run({ force: true, ids: ['source'] });
    const a = JSON.parse(await readFile(file('source'), 'utf8'));
    expect(a.provenance.sourceHash).toMatch(/^[0-9a-f]{64}$/);
    // The runtime's own modules live outside this toy repository, so the commit does not hold all the code.
    expect(a.provenance.sourcesCommitted).toBe(false);
    const g = gitState(t.root);
    expect(sourcesCommitted(g, { 'exp/toys.ts': 'h' })).toBe(true);
    await t.write('exp/toys.ts', `${toys}// edited\n`);
    expect(sourcesCommitted(gitState(t.root), { 'exp/toys.ts': 'h' })).toBe(false);
    await t.write('exp/toys.ts', toys);
    expect(sourcesCommitted(gitState(t.root), { 'exp/toys.ts': 'h', 'exp/new.ts': 'h' })).toBe(false);
    // `--check` on the full profile fails for such an artifact.
    const summary = await run({ planOnly: true });
    expect(await uncommittedSources(summary)).toEqual([
      expect.stringMatching(/^source: made from uncommitted edits to its sources; commit [0-9a-f]{7} does not hold that code/),
      expect.stringMatching(/^consumer: /),
    ]);
  });

  it('a re-run with the same key and results keeps the committed file byte for byte, unless its provenance was dishonest', async () => {
    await run({ force: true, ids: ['source'] });
    const dir = path.join(t.root, 'artifacts/quick');
    const made = JSON.parse(await readFile(file('source'), 'utf8'));
    const schema = registry[0].result;
    const honest = { ...made, provenance: { ...made.provenance, sourcesCommitted: true, contentHash: undefined } };
    await writeArtifact(dir, honest, schema);
    const before = await readFile(file('source'), 'utf8');
    const again = { ...honest, provenance: { ...honest.provenance, startedAt: new Date(0).toISOString(), wallSeconds: 99 } };
    expect((await writeArtifact(dir, again, schema)).written).toBe(false);
    expect(await readFile(file('source'), 'utf8')).toBe(before);
    const changed = { ...again, results: { ...again.results, list: [1, 2, 3] } };
    expect((await writeArtifact(dir, changed, schema)).written).toBe(true);
    // An old file whose commit did not hold its code is replaced even when the numbers agree.
    const other = { ...changed, results: { ...changed.results, list: [4] } };
    expect((await writeArtifact(dir, { ...other, provenance: { ...other.provenance, sourcesCommitted: false } }, schema)).written).toBe(true);
    expect((await writeArtifact(dir, other, schema)).written).toBe(true);
  });
});
