import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyExperiment } from '../../experiments/runtime/experiment';
import { backendWithoutTensorflow, loadBackend } from '../../experiments/runtime/backend';
import { runExperiments, type RunnerOptions } from '../../experiments/runtime/runner';
import { makeTempRoot, repoRoot } from '../helpers/tempRoot';

const runtime = path.join(repoRoot, 'experiments/runtime/experiment.ts');
const toyA = `import { z } from 'zod';
import { defineExperiment } from ${JSON.stringify(runtime)};
import { scale } from './helper';
export const toyA = defineExperiment({
  id: 'toy-a', title: 'A', description: 'sum of uniforms', module: import.meta.url, tensorflow: false,
  config: z.object({ seed: z.number().int(), n: z.number().int().min(1), mode: z.enum(['fast', 'slow']) }).strict(),
  profiles: { quick: { seed: 1, n: 10, mode: 'fast' }, full: { seed: 1, n: 100, mode: 'fast' } },
  result: z.object({ sum: z.number() }),
  async run(cfg, ctx) {
    const r = ctx.rng('draws'); let s = 0; for (let i = 0; i < cfg.n; i++) s += r.uniform();
    await ctx.writeSideFile('weights.bin', new Uint8Array(new Float64Array([scale(s)]).buffer));
    return { sum: scale(s) };
  },
});
`;
const toyB = `import { z } from 'zod';
import { defineExperiment } from ${JSON.stringify(runtime)};
export const toyB = defineExperiment({
  id: 'toy-b', title: 'B', description: 'doubles A', module: import.meta.url, tensorflow: false,
  config: z.object({ seed: z.number().int() }).strict(),
  profiles: { quick: { seed: 0 }, full: { seed: 0 } },
  result: z.object({ double: z.number() }), upstream: ['toy-a'],
  async run(cfg, ctx) {
    const up = ctx.upstream('toy-a');
    const bytes = await up.readSideFile('weights.bin');
    const fromFile = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 8))[0];
    if (fromFile !== (up.results as { sum: number }).sum) throw new Error('side file disagrees with results');
    return { double: 2 * fromFile };
  },
});
`;
const toyBad = `import { z } from 'zod';
import { defineExperiment } from ${JSON.stringify(runtime)};
export const toySlow = defineExperiment({
  id: 'toy-slow', title: 'slow', description: 'never ends', module: import.meta.url, tensorflow: false,
  config: z.object({ seed: z.number().int() }).strict(), profiles: { quick: { seed: 0 }, full: { seed: 0 } },
  result: z.object({}),
  async run(cfg, ctx) { for (;;) { await new Promise((r) => setTimeout(r, 5)); ctx.signal.throwIfAborted(); } },
});
export const toyFail = defineExperiment({
  id: 'toy-fail', title: 'fail', description: 'throws', module: import.meta.url, tensorflow: false,
  config: z.object({ seed: z.number().int() }).strict(), profiles: { quick: { seed: 0 }, full: { seed: 0 } },
  result: z.object({}),
  async run() { throw new Error('division by zero in layer 3'); },
});
export const toyInfinite = defineExperiment({
  id: 'toy-infinite', title: 'inf', description: 'non-finite result', module: import.meta.url, tensorflow: false,
  config: z.object({ seed: z.number().int() }).strict(), profiles: { quick: { seed: 0 }, full: { seed: 0 } },
  result: z.object({ ratio: z.number() }),
  async run() { return { ratio: 1 / 0 }; },
});
export const toyBusy = defineExperiment({
  id: 'toy-busy', title: 'busy', description: 'a synchronous loop that ticks progress', module: import.meta.url, tensorflow: false,
  config: z.object({ seed: z.number().int() }).strict(), profiles: { quick: { seed: 0 }, full: { seed: 0 } },
  result: z.object({}),
  async run(cfg, ctx) {
    const bar = ctx.progress('spin', 1e12);
    const t0 = Date.now();
    while (Date.now() - t0 < 60_000) bar.tick();
    return {};
  },
});
export const toyReadsTf = defineExperiment({
  id: 'toy-reads-tf', title: 'tf', description: 'reads ctx.tf though it declares it does not', module: import.meta.url, tensorflow: false,
  config: z.object({ seed: z.number().int() }).strict(), profiles: { quick: { seed: 0 }, full: { seed: 0 } },
  result: z.object({ v: z.string() }),
  async run(cfg, ctx) { return { v: ctx.tf.version.tfjs }; },
});
export const toyWrongResult = defineExperiment({
  id: 'toy-wrong', title: 'wrong', description: 'bad result', module: import.meta.url, tensorflow: false,
  config: z.object({ seed: z.number().int() }).strict(), profiles: { quick: { seed: 0 }, full: { seed: 0 } },
  result: z.object({ x: z.number() }),
  async run() { return { x: 'not a number' } as any; },
});
`;

let t: Awaited<ReturnType<typeof makeTempRoot>>;
let registry: AnyExperiment[];
let lines: string[];
const silent = { write: () => {}, isTTY: false };

beforeAll(async () => {
  t = await makeTempRoot({
    'exp/worker.ts': `import { serveWorker } from ${JSON.stringify(path.join(repoRoot, 'experiments/runtime/runner.ts'))};
import { toyA } from './toyA';
import { toyB } from './toyB';
import * as bad from './toyBad';
serveWorker([toyA, toyB, ...Object.values(bad)]);
`,
    'exp/toyA.ts': toyA, 'exp/toyB.ts': toyB, 'exp/toyBad.ts': toyBad, 'exp/helper.ts': 'export const scale = (x: number) => x;\n', 'exp/other.ts': 'export const o = 1;\n' });
  const a = await import(path.join(t.root, 'exp/toyA.ts'));
  const b = await import(path.join(t.root, 'exp/toyB.ts'));
  const bad = await import(path.join(t.root, 'exp/toyBad.ts'));
  registry = [b.toyB, a.toyA, bad.toySlow, bad.toyFail, bad.toyWrongResult, bad.toyInfinite, bad.toyBusy, bad.toyReadsTf];
});
afterAll(() => t.cleanup());

function run(extra: Partial<RunnerOptions> = {}) {
  lines = [];
  return runExperiments({ registry, root: t.root, profile: 'quick', backend: 'cpu', explain: true, ids: ['toy-b'], log: (l) => lines.push(l), sink: silent, ...extra });
}
const artifactFile = (id: string) => path.join(t.root, 'artifacts/quick', `${id}.json`);

describe('runner', () => {
  it('runs upstreams first, then reuses both when nothing changed', async () => {
    const first = await run();
    expect(first.ran.map((r) => r.id)).toEqual(['toy-a', 'toy-b']);
    const a = JSON.parse(await readFile(artifactFile('toy-a'), 'utf8'));
    const b = JSON.parse(await readFile(artifactFile('toy-b'), 'utf8'));
    expect(b.results.double).toBe(2 * a.results.sum);
    expect(a.provenance).toMatchObject({ backend: 'cpu', seed: 1, module: 'exp/toyA.ts' });
    expect(a.provenance.tfjsVersion).toMatch(/^\d+\.\d+\.\d+$/);
    const second = await run();
    expect(second.ran).toEqual([]);
    expect(second.reused.sort()).toEqual(['toy-a', 'toy-b']);
  });

  it('re-runs an experiment whose imported module changed, and its consumer, but not for an unrelated file', async () => {
    await run();
    await t.write('exp/other.ts', 'export const o = 2;\n');
    expect((await run()).ran).toEqual([]);
    await t.write('exp/helper.ts', 'export const scale = (x: number) => 3 * x;\n');
    const r = await run();
    expect(r.ran.map((x) => x.id)).toEqual(['toy-a', 'toy-b']);
    expect(lines.join('\n')).toMatch(/run\s+toy-a\s+source exp\/helper\.ts changed/);
    expect(lines.join('\n')).toMatch(/run\s+toy-b\s+upstream toy-a changed/);
    // Restore it: this process keeps the module it imported first, while worker processes read the file.
    await t.write('exp/helper.ts', 'export const scale = (x: number) => x;\n');
  });

  it('runs an experiment that declares `tensorflow: false` without TensorFlow.js: its provenance names the backend, ctx.tf throws', async () => {
    const none = await backendWithoutTensorflow('auto');
    const loaded = await loadBackend('auto');
    expect({ name: none.name, summary: none.summary, tfjsVersion: none.tfjsVersion }).toEqual({ name: loaded.name, summary: loaded.summary, tfjsVersion: loaded.tfjsVersion });
    expect(() => none.tf).toThrow(/declares `tensorflow: false`/);
    const r = await run({ ids: ['toy-reads-tf'], backend: 'auto', force: true }).catch((e: Error) => e);
    expect(String(r)).toMatch(/toy-reads-tf.*ctx\.tf: this experiment declares `tensorflow: false`, so TensorFlow\.js was not loaded/s);
  });

  it('keys every experiment on the random streams, and on no other runtime module', async () => {
    const r = await run({ ids: ['toy-a'] });
    const sources = Object.keys(r.plan[0].keyInputs.sources);
    expect(sources.some((f) => f.endsWith('experiments/runtime/rng.ts'))).toBe(true);
    expect(sources.filter((f) => f.includes('experiments/runtime/') && !f.endsWith('/rng.ts'))).toEqual([]);
    expect(sources.some((f) => f.endsWith('exp/helper.ts'))).toBe(true);
  });

  it('gives the same results for the same seed', async () => {
    await run({ force: true, ids: ['toy-a'] });
    const one = JSON.parse(await readFile(artifactFile('toy-a'), 'utf8')).results.sum;
    await run({ force: true, ids: ['toy-a'] });
    expect(JSON.parse(await readFile(artifactFile('toy-a'), 'utf8')).results.sum).toBe(one);
  });

  it('rejects a malformed artifact with a warning and re-runs it', async () => {
    await run();
    await writeFile(artifactFile('toy-a'), '{"experiment": "toy-a", "trunc');
    const r = await run();
    expect(r.ran.map((x) => x.id)).toContain('toy-a');
    expect(lines.some((l) => l.startsWith('warning:') && l.includes('toy-a') && l.includes('malformed'))).toBe(true);
    // Results that fail the result schema count as malformed too.
    const good = JSON.parse(await readFile(artifactFile('toy-a'), 'utf8'));
    good.results.sum = 'many';
    await writeFile(artifactFile('toy-a'), JSON.stringify(good));
    expect((await run()).ran.map((x) => x.id)).toContain('toy-a');
  });

  it('keeps side files beside the artifact, hashed, and re-runs when one is tampered with', async () => {
    await run();
    const a = JSON.parse(await readFile(artifactFile('toy-a'), 'utf8'));
    expect(Object.keys(a.provenance.sideFiles)).toEqual(['weights.bin']);
    expect(a.provenance.sideFiles['weights.bin']).toMatch(/^[0-9a-f]{64}$/);
    await writeFile(path.join(t.root, 'artifacts/quick/toy-a/weights.bin'), 'garbage');
    const r = await run();
    expect(r.ran.map((x) => x.id)).toEqual(['toy-a', 'toy-b']);
    expect(lines.some((l) => l.includes('side file weights.bin does not match its hash'))).toBe(true);
  });

  it('names the field and the allowed values for a bad config value', async () => {
    await expect(run({ ids: ['toy-a'], overrides: { mode: 'medium' } })).rejects.toThrow(/toy-a.*\n.*config\.mode: got "medium"; allowed values: "fast", "slow"/);
    await expect(run({ ids: ['toy-a'], overrides: { n: 0 } })).rejects.toThrow(/config\.n: Number must be greater than or equal to 1/);
    await expect(run({ ids: ['toy-a'], overrides: { width: 3 } })).rejects.toThrow(/unknown field\(s\) width\n  allowed fields: seed, n, mode/);
    await expect(run({ ids: ['toy-zzz'] })).rejects.toThrow(/unknown experiment id "toy-zzz"; allowed values: toy-b, toy-a/);
  });

  it('writes --set runs to a scratch folder, leaving the profile artifact alone', async () => {
    await run({ ids: ['toy-a'] });
    const before = await readFile(artifactFile('toy-a'), 'utf8');
    const r = await run({ ids: ['toy-a'], overrides: { n: 3 } });
    expect(r.artifactsDir).toBe(path.join(t.root, 'artifacts/scratch/quick'));
    expect(await readFile(artifactFile('toy-a'), 'utf8')).toBe(before);
  });

  it('runs experiments in worker processes with --jobs, with the same results as in-process', async () => {
    await run({ force: true, ids: ['toy-a'] });
    const inProcess = JSON.parse(await readFile(artifactFile('toy-a'), 'utf8')).results.sum;
    const r = await run({ force: true, ids: ['toy-a', 'toy-b'], jobs: 2, workerScript: path.join(t.root, 'exp/worker.ts'), registry: registry.slice(0, 2) });
    expect(r.ran.map((x) => x.id)).toEqual(['toy-a', 'toy-b']);
    const a = JSON.parse(await readFile(artifactFile('toy-a'), 'utf8'));
    expect(a.results.sum).toBe(inProcess);
    expect(JSON.parse(await readFile(artifactFile('toy-b'), 'utf8')).results.double).toBe(2 * inProcess);
  }, 30_000);

  it('with --jobs, a failing worker stops the others at once', async () => {
    const t0 = Date.now();
    await expect(run({ ids: ['toy-slow', 'toy-fail'], jobs: 2, workerScript: path.join(t.root, 'exp/worker.ts') })).rejects.toThrow('experiment "toy-fail" failed: division by zero in layer 3');
    // toy-slow never ends by itself: it was killed, not waited for.
    expect(Date.now() - t0).toBeLessThan(20_000);
  }, 30_000);

  it('fails naming the experiment, and stops a run at its time limit', async () => {
    await expect(run({ ids: ['toy-fail'] })).rejects.toThrow('experiment "toy-fail" failed: division by zero in layer 3');
    await expect(run({ ids: ['toy-slow'], timeLimitSeconds: 0.2 })).rejects.toThrow('experiment "toy-slow" failed: time limit of 0.2s exceeded');
    // A synchronous loop cannot be interrupted by a timer; the limit is checked on every progress tick.
    const t0 = Date.now();
    await expect(run({ ids: ['toy-busy'], timeLimitSeconds: 0.3 })).rejects.toThrow('experiment "toy-busy" failed: time limit of 0.3s exceeded');
    // Stopped at its limit, not after its own 60 s (a wide margin: this machine may be loaded).
    expect(Date.now() - t0).toBeLessThan(20_000);
    // Infinity passes z.number() but becomes null in JSON: rejected before it is written.
    await expect(run({ ids: ['toy-infinite'] })).rejects.toThrow(/toy-infinite.*do not match its result schema[\s\S]*ratio: Expected number, received null/);
    await expect(run({ ids: ['toy-wrong'] })).rejects.toThrow(/toy-wrong.*do not match its result schema[\s\S]*x: Expected number, received string/);
  });
});
