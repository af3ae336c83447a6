import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../experiments/cli';
import { backendSummary } from '../../experiments/runtime/backend';

// Issue 8, item 6: quiet, truthful output.
describe('output', () => {
  it('the backend line says "no GPU backend installed" instead of printing a missing addon path', () => {
    const skipped = [
      'node-gpu: The Node.js native addon module (tfjs_binding.node) can not be found at path: /work/x/node_modules/@tensorflow/tfjs-node-gpu/lib/napi-v8/tfjs_binding.node. ',
      "node: Cannot find package '@tensorflow/tfjs-node' imported from /work/x/experiments/runtime/backend.ts",
    ];
    expect(backendSummary('wasm', skipped)).toBe('wasm (no GPU backend installed)');
    expect(backendSummary('wasm', [])).toBe('wasm');
    // A GPU backend that is installed but fails is worth saying, briefly.
    expect(backendSummary('wasm', ['node-gpu: libcudart.so.11.0: cannot open shared object file', skipped[1]])).toBe(
      'wasm (node-gpu installed but failed to load: libcudart.so.11.0: cannot open shared object file)',
    );
  });

  it('--explain is a report, like --check: it runs nothing', () => {
    expect(parseCli(['--explain'], {})).toMatchObject({ explain: true, reportOnly: true });
    expect(parseCli(['--check'], {})).toMatchObject({ reportOnly: true });
    expect(parseCli([], {})).toMatchObject({ explain: false, reportOnly: false });
  });
});

describe('publishing', () => {
  it('an orphan artifact (no experiment in the registry) is not published', async () => {
    const { makeTempRoot } = await import('../helpers/tempRoot');
    const { publishArtifacts } = await import('../../src/integration/readoff');
    const t = await makeTempRoot();
    const saved = process.env.READOFF_ROOT;
    try {
      process.env.READOFF_ROOT = t.root;
      const artifact = (id: string) => JSON.stringify({ experiment: id, provenance: { module: 'exp/a.ts', keyInputs: { sources: { 'exp/a.ts': 'h' } } } });
      await t.write('exp/a.ts', 'export const a = 1;\n');
      await t.write('artifacts/quick/kept.json', artifact('kept'));
      await t.write('artifacts/quick/removed.json', artifact('removed'));
      const entry = { id: 'kept', page: 'p', title: 'k', module: 'exp/a.ts', profile: 'quick', key: null, backend: null, wallSeconds: null, gitCommit: null, stale: false, ranThisBuild: false, resultPaths: [], configPaths: [] };
      await t.write('.readoff/manifest.quick.json', JSON.stringify({ profile: 'quick', experiments: [entry] }));
      const out = path.join(t.root, 'dist');
      expect(await publishArtifacts('quick', out, t.root)).toEqual({ artifacts: 1, sources: 1 });
      expect(await readdir(path.join(out, 'artifacts/quick'))).toEqual(['kept.json']);
    } finally {
      if (saved === undefined) delete process.env.READOFF_ROOT;
      else process.env.READOFF_ROOT = saved;
      await t.cleanup();
    }
  });
});
