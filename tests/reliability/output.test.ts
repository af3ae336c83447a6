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
