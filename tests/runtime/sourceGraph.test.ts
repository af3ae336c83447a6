import { afterEach, describe, expect, it } from 'vitest';
import { cacheKey, explainChange } from '../../experiments/runtime/cacheKey';
import { rename, rm } from 'node:fs/promises';
import { localModuleGraphs } from '../../experiments/runtime/sourceGraph';
import { makeTempRoot } from '../helpers/tempRoot';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function project() {
  const t = await makeTempRoot({
    'exp/a.ts': "import { helper } from './helper';\nimport type { T } from './types';\nimport { z } from 'zod';\nexport const a = (x: T) => helper(x) + String(z);\n",
    'exp/helper.ts': "import { deep } from './deep/deep';\nexport const helper = (x: number) => deep(x) * 2;\n",
    'exp/deep/deep.ts': 'export const deep = (x: number) => x + 1;\n',
    'exp/types.ts': 'export type T = number;\n',
    'exp/unrelated.ts': 'export const unrelated = 1;\n',
  });
  cleanups.push(t.cleanup);
  const key = async () => {
    const g = await localModuleGraphs({ a: `${t.root}/exp/a.ts` }, t.root);
    const inputs = { sources: g.a.modules, imports: g.a.imports, config: {}, profile: 'quick', tfjsVersion: 'x', upstream: {} };
    return { graph: g.a.modules, inputs, key: cacheKey(inputs) };
  };
  return { ...t, key };
}

describe('module graph and cache key', () => {
  it('lists every local module imported transitively, and no package or type-only module', async () => {
    const p = await project();
    const { graph } = await p.key();
    expect(Object.keys(graph).sort()).toEqual(['exp/a.ts', 'exp/deep/deep.ts', 'exp/helper.ts']);
  });

  it('changes when a transitively imported module changes', async () => {
    const p = await project();
    const before = await p.key();
    await p.write('exp/deep/deep.ts', 'export const deep = (x: number) => x + 2;\n');
    const after = await p.key();
    expect(after.key).not.toBe(before.key);
    expect(after.graph['exp/deep/deep.ts']).not.toBe(before.graph['exp/deep/deep.ts']);
  });

  it('does not change for comments, whitespace, type annotations or CRLF line endings', async () => {
    const p = await project();
    const before = await p.key();
    await p.write('exp/helper.ts', "// doubles\r\nimport { deep } from './deep/deep';\r\n\r\nexport const helper = (x: number): number => deep(x) * 2; /* why */\r\n");
    expect((await p.key()).key).toBe(before.key);
  });

  it('does not change when an unrelated file changes', async () => {
    const p = await project();
    const before = await p.key();
    await p.write('exp/unrelated.ts', 'export const unrelated = 2;\n');
    await p.write('exp/new-file.ts', 'export const x = 1;\n');
    expect((await p.key()).key).toBe(before.key);
  });

  it('does not change when modules move, and --explain then names nothing', async () => {
    const p = await project();
    const before = await p.key();
    await rename(`${p.root}/exp/deep/deep.ts`, `${p.root}/exp/deeper.ts`);
    await p.write('exp/helper.ts', "import { deep } from './deeper';\nexport const helper = (x: number) => deep(x) * 2;\n");
    await rename(`${p.root}/exp/a.ts`, `${p.root}/exp/renamed-a.ts`);
    const g = await localModuleGraphs({ a: `${p.root}/exp/renamed-a.ts` }, p.root);
    const after = { sources: g.a.modules, imports: g.a.imports, config: {}, profile: 'quick', tfjsVersion: 'x', upstream: {} };
    expect(Object.keys(after.sources).sort()).toEqual(['exp/deeper.ts', 'exp/helper.ts', 'exp/renamed-a.ts']);
    expect(cacheKey(after)).toBe(before.key);
    expect(explainChange(before.inputs, after)).toEqual([]);
  });

  it('changes when an import is re-pointed to another module, and says so', async () => {
    const p = await project();
    await p.write('exp/other.ts', 'export const deep = (x: number) => x + 3;\n');
    const before = await p.key();
    await p.write('exp/helper.ts', "import { deep } from './other';\nexport const helper = (x: number) => deep(x) * 2;\n");
    const after = await p.key();
    expect(after.key).not.toBe(before.key);
    expect(explainChange(before.inputs, after.inputs).join('; ')).toMatch(/source exp\/(other|deep\/deep)\.ts (added|no longer imported)/);
  });

  it('changes with the config, profile, tfjs version and upstream keys', () => {
    const base = { sources: { 'a.ts': 'h' }, config: { d: 1 }, profile: 'quick', tfjsVersion: '4.22.0', upstream: { u: 'k1' } };
    const k = cacheKey(base);
    expect(cacheKey({ ...base, config: { d: 2 } })).not.toBe(k);
    expect(cacheKey({ ...base, profile: 'full' })).not.toBe(k);
    expect(cacheKey({ ...base, tfjsVersion: '4.23.0' })).not.toBe(k);
    expect(cacheKey({ ...base, upstream: { u: 'k2' } })).not.toBe(k);
    // Key order in the config does not matter.
    expect(cacheKey({ ...base, config: { d: 1 } })).toBe(k);
  });
});
