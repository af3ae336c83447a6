/**
 * The pieces of the browser re-run that need no browser: the form's description of a zod config (bounds, the
 * short-run caps), the in-memory run (seeded streams, units in order, JSON round trips, errors, the time limit),
 * the claim re-check, and the doc comments read from a module's source.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineExperiment } from '../../experiments/runtime/experiment';
import { describeConfig } from '../../experiments/runtime/configForm';
import { runInBrowser } from '../../experiments/runtime/browserRun';
import { streamFor } from '../../experiments/runtime/rng';
import { checkLive } from '../../src/rerun/liveClaims';
import { fieldDocs } from '../../src/rerun/configDocs';
import { nodeOnlySources } from '../../src/lib/rerunOffer';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const config = z
  .object({
    seed: z.number().int().nonnegative(),
    /** Width. */
    d: z.number().int().min(4).max(512),
    rate: z.number().positive(),
    kind: z.enum(['a', 'b']),
    flag: z.boolean(),
    widths: z.array(z.number().int().min(1)).min(1),
    train: z.object({ steps: z.number().int().min(1), lr: z.number().positive() }).strict(),
    saes: z.array(z.object({ name: z.string() })),
  })
  .strict();
const quick = { seed: 3, d: 64, rate: 0.5, kind: 'a' as const, flag: true, widths: [8, 16], train: { steps: 100, lr: 1e-3 }, saes: [{ name: 'x' }] };

describe('describeConfig', () => {
  const fields = describeConfig(config, quick);
  const at = (p: string) => fields.find((f) => f.path.join('.') === p)!;

  it('lists every leaf field with its profile value, nested fields dotted', () => {
    expect(fields.map((f) => f.path.join('.'))).toEqual(['seed', 'd', 'rate', 'kind', 'flag', 'widths', 'train.steps', 'train.lr', 'saes']);
    expect(fields.map((f) => f.value)).toEqual([3, 64, 0.5, 'a', true, [8, 16], 100, 1e-3, [{ name: 'x' }]]);
  });

  it('gives the seed the schema minimum and at most 2^31 - 1', () => {
    expect(at('seed')).toMatchObject({ kind: 'number', integer: true, min: 0, max: 2 ** 31 - 1 });
  });

  it('caps sizes at twice their quick value, below the schema maximum, and keeps the schema minimum', () => {
    expect(at('d')).toMatchObject({ kind: 'number', integer: true, min: 4, max: 128 });
    expect(at('train.steps')).toMatchObject({ min: 1, max: 200 });
    expect(at('widths')).toMatchObject({ kind: 'numbers', integer: true, min: 1, max: 32, minItems: 1, maxItems: 4 });
  });

  it('keeps non-integer bounds as the schema states them (exclusive for positive)', () => {
    expect(at('rate')).toMatchObject({ kind: 'number', integer: false, min: 0, minExclusive: true });
    expect((at('rate') as { max?: number }).max).toBeUndefined();
    expect(at('kind')).toMatchObject({ kind: 'enum', options: ['a', 'b'] });
    expect(at('saes')).toMatchObject({ kind: 'fixed' });
  });
});

describe('runInBrowser', () => {
  const toy = defineExperiment({
    id: 'toy-rerun', title: 'toy', description: 'toy', module: import.meta.url,
    config: z.object({ seed: z.number().int(), n: z.number().int().min(1) }).strict(),
    profiles: { quick: { seed: 1, n: 3 }, full: { seed: 1, n: 3 } },
    result: z.object({ draws: z.array(z.number()), labels: z.array(z.string()) }),
    units: (c) => Array.from({ length: c.n }, (_, i) => ({ label: `u${i}` })),
    runUnit: async (_c, unit, ctx) => ({ draw: ctx.rng(unit.label).uniform(), label: unit.label, extra: undefined }),
    merge: (_c, partials: { draw: number; label: string }[]) => ({ draws: partials.map((p) => p.draw), labels: partials.map((p) => p.label) }),
  });
  const tf = {} as never;

  it("draws from the config seed's streams, runs units in order and merges their JSON", async () => {
    const out = await runInBrowser({ def: toy, config: { seed: 7, n: 3 }, profile: 'quick', tf, backend: 'test' });
    expect(out.results).toEqual({ draws: ['u0', 'u1', 'u2'].map((l) => streamFor(7, l).uniform()), labels: ['u0', 'u1', 'u2'] });
    expect(out.config).toEqual({ seed: 7, n: 3 });
  });

  it('names the field of a bad config, and refuses an experiment that reads upstreams', async () => {
    await expect(runInBrowser({ def: toy, config: { seed: 7, n: 0 }, profile: 'quick', tf, backend: 'test' })).rejects.toThrow(/bad config: n:/);
    await expect(runInBrowser({ def: { ...toy, upstream: ['other'] }, config: { seed: 7, n: 1 }, profile: 'quick', tf, backend: 'test' })).rejects.toThrow(/reads upstream experiments \(other\)/);
  });

  it('fails a result that JSON turns into null (NaN), as the artifact writer does', async () => {
    const nan = { ...toy, merge: () => ({ draws: [NaN], labels: ['x'] }) };
    await expect(runInBrowser({ def: nan, config: { seed: 1, n: 1 }, profile: 'quick', tf, backend: 'test' })).rejects.toThrow(/do not match its result schema: draws\.0/);
  });

  it('stops a loop at the time limit when it ticks its progress bar', async () => {
    let t = 0;
    const spin = defineExperiment({
      ...toy, units: undefined, runUnit: undefined, merge: undefined,
      run: async (_c, ctx) => {
        const bar = ctx.progress('spin', 1e9);
        for (;;) bar.tick();
      },
    });
    const progress: number[] = [];
    await expect(runInBrowser({ def: spin, config: { seed: 1, n: 1 }, profile: 'quick', tf, backend: 'test', timeLimitSeconds: 2, now: () => (t += 10), onProgress: (p) => progress.push(p.done) })).rejects.toThrow(/time limit of 2s exceeded/);
    expect(progress.length).toBeGreaterThan(1);
  });
});

describe('checkLive', () => {
  const run = { config: { seed: 1, d: 64 }, results: { a: { rms: 0.2 }, b: [1, 2], c: null } };
  it('evaluates a claim on the reader’s results and config', () => {
    expect(checkLive('a.rms < 0.3 && config.d == 64', run)).toMatchObject({ holds: true, values: { 'a.rms': 0.2, 'config.d': 64 } });
    expect(checkLive('b.1 > b.0 * 3', run).holds).toBe(false);
  });
  it('says when a claim cannot be checked (a missing or non-finite value)', () => {
    expect(checkLive('c < 1', run)).toMatchObject({ holds: null });
    expect(checkLive('z.y < 1', run).error).toMatch(/no z\.y/);
  });
});

describe('fieldDocs', () => {
  it('reads each field’s doc comment, the first of a name winning', () => {
    const src = `const config = z.object({\n  /** Base seed. */\n  seed: z.number(),\n  /**\n   * Width of the\n   * layer.\n   */\n  d: z.number(),\n});\nconst result = z.object({ /** Not this one. */ d: z.number() });`;
    expect(Object.fromEntries(fieldDocs(src))).toEqual({ seed: 'Base seed.', d: 'Width of the layer.' });
  });
});

describe('nodeOnlySources', () => {
  // Read from the committed full artifacts' module graphs; the source text decides, no experiment code runs.
  const artifact = (id: string) => JSON.parse(readFileSync(path.join(process.cwd(), 'artifacts', 'full', `${id}.json`), 'utf8'));

  it('finds the corpus reader of the language model, whose figure is then not offered', () => {
    expect(nodeOnlySources(artifact('sae-lm'))).toContain('experiments/sae-errors/corpus.ts');
  });

  it('finds nothing in experiments that run in a browser', () => {
    for (const id of ['sae-toy-d64', 'simplicity-mlp-prior', 'kaarel-calibration-mismatch']) expect(nodeOnlySources(artifact(id))).toEqual([]);
  });
});
