import { afterEach, describe, expect, it } from 'vitest';
import { cacheKey, explainChange } from '../../experiments/runtime/cacheKey';
import { rename, rm } from 'node:fs/promises';
import { keySources } from '../../experiments/runtime/plan';
import { analyzeModuleGraphs, packageName } from '../../experiments/runtime/sourceGraph';
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
    const g = (await analyzeModuleGraphs({ a: `${t.root}/exp/a.ts` }, t.root)).graphs;
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
    const g = (await analyzeModuleGraphs({ a: `${p.root}/exp/renamed-a.ts` }, p.root)).graphs;
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

  it('keys the installed version of each package a module imports, and only of those', async () => {
    const t = await makeTempRoot({
      'exp/a.ts': "import { k } from 'fakepkg/sub';\nimport { readFileSync } from 'node:fs';\nimport path from 'path';\nexport const a = () => k + String(readFileSync) + path.sep;\n",
      'exp/b.ts': "import { helper } from './helper';\nexport const b = () => helper();\n",
      'exp/helper.ts': "import { k } from '@scope/other';\nexport const helper = () => k;\n",
      'node_modules/fakepkg/package.json': '{"name":"fakepkg","version":"1.0.0"}',
      'node_modules/@scope/other/package.json': '{"name":"@scope/other","version":"2.1.0"}',
    });
    cleanups.push(t.cleanup);
    const none = { modules: {}, imports: {}, packages: {} };
    const inputs = async () => {
      const g = (await analyzeModuleGraphs({ a: `${t.root}/exp/a.ts`, b: `${t.root}/exp/b.ts` }, t.root)).graphs;
      const keyed = (id: 'a' | 'b') => ({ ...keySources(g[id], none, t.root), config: {}, profile: 'quick', tfjsVersion: 'x', upstream: {} });
      return { a: keyed('a'), b: keyed('b') };
    };
    const before = await inputs();
    // Builtins (with or without `node:`) are not packages; a subpath import keys its package.
    expect(before.a.packages).toEqual({ fakepkg: '1.0.0' });
    expect(before.b.packages).toEqual({ '@scope/other': '2.1.0' });
    await t.write('node_modules/fakepkg/package.json', '{"name":"fakepkg","version":"1.0.1"}');
    const after = await inputs();
    expect(cacheKey(after.a)).not.toBe(cacheKey(before.a));
    expect(cacheKey(after.b)).toBe(cacheKey(before.b));
    expect(explainChange(before.a, after.a)).toEqual(['package fakepkg 1.0.0 → 1.0.1']);
    // An artifact written before versions were keyed re-runs once, and says why.
    expect(explainChange({ ...before.a, packages: undefined }, after.a)).toEqual(['package versions are now part of the key']);
  });

  it('names packages from import specifiers', () => {
    expect(packageName('@tensorflow/tfjs-core/dist/x')).toBe('@tensorflow/tfjs-core');
    expect(packageName('wabt')).toBe('wabt');
    expect(packageName('zod/lib')).toBe('zod');
    expect(packageName('node:fs')).toBe(null);
    expect(packageName('crypto')).toBe(null);
  });

  it('changes with the config, profile, tfjs version, package versions and upstream keys', () => {
    const base = { sources: { 'a.ts': 'h' }, config: { d: 1 }, profile: 'quick', tfjsVersion: '4.22.0', upstream: { u: 'k1' } };
    const k = cacheKey(base);
    expect(cacheKey({ ...base, config: { d: 2 } })).not.toBe(k);
    expect(cacheKey({ ...base, profile: 'full' })).not.toBe(k);
    expect(cacheKey({ ...base, tfjsVersion: '4.23.0' })).not.toBe(k);
    expect(cacheKey({ ...base, upstream: { u: 'k2' } })).not.toBe(k);
    expect(cacheKey({ ...base, packages: { wabt: '1.0.39' } })).not.toBe(cacheKey({ ...base, packages: { wabt: '1.0.40' } }));
    // Key order in the config does not matter.
    expect(cacheKey({ ...base, config: { d: 1 } })).toBe(k);
  });
});
