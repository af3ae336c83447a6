import { utimes } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedModuleGraphs } from '../../experiments/runtime/moduleGraphCache';
import { analyzeModuleGraphs } from '../../experiments/runtime/sourceGraph';
import { makeTempRoot } from '../helpers/tempRoot';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

// `lazy` is used only by a function nothing calls, and has no side effect: esbuild reads it, and no entry keeps its code.
const FILES = {
  'exp/a.ts': "import { helper } from './helper';\nimport { unusedHere } from './lazy';\nimport { deep } from './deep';\nexport const a = (x: number) => helper(x) + deep(x);\nfunction never() { return unusedHere; }\n",
  'exp/b.ts': "import { helper } from './helper';\nexport const b = (x: number) => helper(x) - 1;\n",
  'exp/helper.ts': 'export const helper = (x: number) => x * 2;\n',
  'exp/lazy.ts': 'export const unusedHere = 1;\n',
  'exp/deep/index.ts': 'export const deep = (x: number) => x + 1;\n',
  'tsconfig.json': '{ "compilerOptions": { "strict": true } }\n',
};

/** Files and folders dated a few seconds back, as a checkout leaves them: the cache keeps only settled analyses. */
async function settle(root: string) {
  const past = new Date(Date.now() - 5000);
  for (const rel of [...Object.keys(FILES), 'exp/deep.ts', 'exp/deep', 'exp', '.']) await utimes(path.join(root, rel), past, past).catch(() => {});
}

async function project(files: Record<string, string> = FILES) {
  const t = await makeTempRoot(files);
  cleanups.push(t.cleanup);
  await settle(t.root);
  return t;
}

/** cachedModuleGraphs with its own cache folder, counting the analyses it runs. */
function counted(cacheDir: string) {
  let analyses = 0;
  const analyze = (entries: Record<string, string>, root: string) => {
    analyses++;
    return analyzeModuleGraphs(entries, root);
  };
  return {
    graphs: (root: string) => cachedModuleGraphs({ a: `${root}/exp/a.ts`, b: `${root}/exp/b.ts` }, root, { cacheDir, analyze }),
    analyses: () => analyses,
  };
}

/** A settled project, and cachedModuleGraphs over it with a cache folder of its own. */
async function setup() {
  const t = await project();
  const cache = await makeTempRoot();
  cleanups.push(cache.cleanup);
  return { t, c: counted(cache.root) };
}

/** Writes a file as an editor would, then dates the project back (settle). */
async function edit(t: Awaited<ReturnType<typeof project>>, rel: string, text: string) {
  await t.write(rel, text);
  await settle(t.root);
}

const fresh = async (root: string) => (await analyzeModuleGraphs({ a: `${root}/exp/a.ts`, b: `${root}/exp/b.ts` }, root)).graphs;

describe('module graph cache', () => {
  it('answers a second plan from the store, with the graphs a fresh analysis gives', async () => {
    const { t, c } = await setup();
    const first = await c.graphs(t.root);
    const second = await c.graphs(t.root);
    expect(c.analyses()).toBe(1);
    expect(second).toEqual(first);
    expect(second).toEqual(await fresh(t.root));
    expect(Object.keys(second.a.modules).sort()).toEqual(['exp/a.ts', 'exp/deep/index.ts', 'exp/helper.ts']);
  });

  it('is found by a copy of the project at another path (it compares contents, not places or times)', async () => {
    const { t, c } = await setup();
    const copy = await project();
    await c.graphs(t.root);
    expect(await c.graphs(copy.root)).toEqual(await fresh(copy.root));
    expect(c.analyses()).toBe(1);
  });

  // An edit that changes the graph without touching a module the graph holds: a fresh analysis must run, and see it.
  it.each([
    ['a module no entry keeps gains a side effect, which brings its code in', 'exp/lazy.ts', 'export const unusedHere = 1;\nglobalThis.touched = true;\n'],
    ['a new file takes over an import (deep.ts beside deep/index.ts)', 'exp/deep.ts', 'export const deep = (x: number) => x + 3;\n'],
  ])('analyses again when %s', async (_why, file, text) => {
    const { t, c } = await setup();
    await c.graphs(t.root);
    await edit(t, file, text);
    const after = await c.graphs(t.root);
    expect(c.analyses()).toBe(2);
    expect(after).toEqual(await fresh(t.root));
    expect(Object.keys(after.a.modules)).toContain(file);
  });

  it('analyses again when a tsconfig.json changes, and when a module changes', async () => {
    const { t, c } = await setup();
    await c.graphs(t.root);
    await edit(t, 'tsconfig.json', '{ "compilerOptions": { "strict": true, "verbatimModuleSyntax": true } }\n');
    await c.graphs(t.root);
    expect(c.analyses()).toBe(2);
    await edit(t, 'exp/helper.ts', 'export const helper = (x: number) => x * 3;\n');
    const after = await c.graphs(t.root);
    expect(c.analyses()).toBe(3);
    expect(after).toEqual(await fresh(t.root));
  });

  it('does not keep an analysis whose files changed while it ran', async () => {
    const t = await project();
    const cache = await makeTempRoot();
    cleanups.push(cache.cleanup);
    let analyses = 0;
    const analyze = async (entries: Record<string, string>, root: string) => {
      const result = await analyzeModuleGraphs(entries, root);
      // An editor saves a module after esbuild read it: the graphs describe the old text.
      if (analyses++ === 0) await t.write('exp/helper.ts', 'export const helper = (x: number) => x * 4;\n');
      return result;
    };
    const graphs = () => cachedModuleGraphs({ a: `${t.root}/exp/a.ts` }, t.root, { cacheDir: cache.root, analyze });
    const stale = await graphs();
    const next = await graphs();
    expect(analyses).toBe(2);
    expect(next.a.modules['exp/helper.ts']).not.toBe(stale.a.modules['exp/helper.ts']);
    expect(next).toEqual((await analyzeModuleGraphs({ a: `${t.root}/exp/a.ts` }, t.root)).graphs);
  });
});
