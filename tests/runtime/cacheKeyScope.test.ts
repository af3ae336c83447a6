import { cp, mkdir, readdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry as realRegistry } from '../../experiments/index';
import type { PlanEntry } from '../../experiments/runtime/plan';
import { makeTempRoot, repoRoot } from '../helpers/tempRoot';

/**
 * The real experiments in a scratch copy: the keys must hold what can change results and nothing else.
 * Keys are compared, not artifacts, so nothing runs.
 */
let t: Awaited<ReturnType<typeof makeTempRoot>>;
/** Module path overrides for experiments whose file a test moved (the registry still names the old path). */
const movedTo = new Map<string, string>();
const keys = async (): Promise<Map<string, PlanEntry>> => {
  // The repository's registry with each experiment's module moved to its file in the copy: keys are computed from the
  // files on disk (the module graph from each experiment's file), so this plans the copy without importing (and
  // transforming) every experiment module of the copy again.
  const inCopy = (module: string) => path.join(t.root, path.relative(repoRoot, module.startsWith('file:') ? fileURLToPath(module) : module));
  const registry = realRegistry.map((d) => ({ ...d, module: movedTo.get(d.id) ?? inCopy(d.module) }));
  // The copy's own planner, so "runtime" means the copy's runtime folder.
  const { planExperiments } = (await import(/* @vite-ignore */ path.join(t.root, 'experiments/runtime/plan.ts'))) as typeof import('../../experiments/runtime/plan');
  const plan = await planExperiments({ registry, root: t.root, profile: 'quick', artifactsDir: path.join(t.root, 'none'), tfjsVersion: 'test' });
  return new Map(plan.map((e) => [e.def.id, e]));
};
const edit = async (rel: string, f: (s: string) => string) => writeFile(path.join(t.root, rel), f(await readFile(path.join(t.root, rel), 'utf8')));

beforeAll(async () => {
  t = await makeTempRoot();
  await cp(path.join(repoRoot, 'experiments'), path.join(t.root, 'experiments'), { recursive: true });
  await symlink(path.join(repoRoot, 'node_modules'), path.join(t.root, 'node_modules'));
});
afterAll(() => t.cleanup());

describe('what the cache key covers', () => {
  it('editing runtime machinery (progress, the experiment type, the context) re-keys nothing', async () => {
    const before = await keys();
    await edit('experiments/runtime/progress.ts', (s) => `${s}\nexport const touched = 1;\n`);
    await edit('experiments/runtime/experiment.ts', (s) => `${s}\nexport const touched = 1;\n`);
    await edit('experiments/runtime/context.ts', (s) => `${s}\nexport const touched = 1;\n`);
    const after = await keys();
    for (const [id, e] of before) expect(after.get(id)!.key, id).toBe(e.key);
  });

  it('moving an experiment file and a shared module re-keys nothing', async () => {
    const before = await keys();
    // affineBaseline.ts moves one folder down; kaarelReadoff.ts (imported by many) is renamed.
    await edit('experiments/superposition/affineBaseline.ts', (s) => s.replace(/from '\.\.\//g, "from '../../").replace(/from '\.\//g, "from '../"));
    await mkdir(path.join(t.root, 'experiments/superposition/moved'));
    await rename(path.join(t.root, 'experiments/superposition/affineBaseline.ts'), path.join(t.root, 'experiments/superposition/moved/affineBaseline.ts'));
    await edit('experiments/superposition/index.ts', (s) => s.replace("'./affineBaseline'", "'./moved/affineBaseline'"));
    for (const f of ['jakeReplication', 'uandFrozenLayer']) await edit(`experiments/superposition/${f}.ts`, (s) => s.replace("'./affineBaseline'", "'./moved/affineBaseline'"));
    movedTo.set('affine-baseline', path.join(t.root, 'experiments/superposition/moved/affineBaseline.ts'));
    await rename(path.join(t.root, 'experiments/superposition/kaarelReadoff.ts'), path.join(t.root, 'experiments/superposition/kaarelClosedForms.ts'));
    // Every module of the folder that imports it, found rather than listed, so new importers need no edit here.
    const folder = path.join(t.root, 'experiments/superposition');
    for (const f of await readdir(folder)) {
      if (f.endsWith('.ts') && (await readFile(path.join(folder, f), 'utf8')).includes("'./kaarelReadoff'")) {
        await edit(`experiments/superposition/${f}`, (s) => s.replace("'./kaarelReadoff'", "'./kaarelClosedForms'"));
      }
    }
    const after = await keys();
    expect(after.get('affine-baseline')!.keyInputs.sources).toHaveProperty(['experiments/superposition/moved/affineBaseline.ts']);
    for (const [id, e] of before) expect(after.get(id)!.key, id).toBe(e.key);
  });

  it('editing the random streams re-keys every experiment, and the plan names the file', async () => {
    const before = await keys();
    await edit('experiments/runtime/rng.ts', (s) => s.replace('return new Rng(seed, label);', 'return new Rng(seed + 1, label);'));
    const after = await keys();
    for (const [id, e] of before) expect(after.get(id)!.key, id).not.toBe(e.key);
    const { explainChange } = await import('../../experiments/runtime/cacheKey');
    expect(explainChange(before.get('affine-baseline')!.keyInputs, after.get('affine-baseline')!.keyInputs)).toEqual(['source experiments/runtime/rng.ts changed']);
  });

  it('editing a shared library module re-keys exactly its importers', async () => {
    const before = await keys();
    await edit('experiments/lib/special.ts', (s) => s.replace('const SQRT2 = Math.SQRT2;', 'const SQRT2 = Math.sqrt(2.0000001);'));
    const after = await keys();
    const changed = [...before.keys()].filter((id) => after.get(id)!.key !== before.get(id)!.key).sort();
    const importers = [...before.values()].filter((e) => 'experiments/lib/special.ts' in e.keyInputs.sources).map((e) => e.def.id).sort();
    expect(changed).toEqual(importers);
    expect(importers.length).toBeGreaterThan(0);
    expect(importers.length).toBeLessThan(before.size);
  });
});
