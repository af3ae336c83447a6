import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleRerunWorker } from '../../src/rerun/workerBundle';
import { makeTempRoot } from '../helpers/tempRoot';

/**
 * The re-run worker's esbuild bundle on its own (tests/site/browser.test.ts runs it in Chromium): one hashed
 * entry, tfjs's three wasm binaries beside it, and Node's file functions as stubs that say why they fail.
 */
describe('the re-run worker bundle (src/rerun/workerBundle.ts)', () => {
  let dir: string | undefined;
  afterAll(async () => dir && rm(dir, { recursive: true, force: true }));

  it('writes a hashed entry, its chunks and the wasm binaries into one folder', async () => {
    dir = (await makeTempRoot()).root;
    const out = path.join(dir, 'rerun');
    const bundled = await bundleRerunWorker(out);
    const files = await readdir(out);
    expect(bundled.entry).toMatch(/^browserWorker-\w+\.js$/);
    expect(files).toContain(bundled.entry);
    expect(files.length).toBe(bundled.files);
    for (const wasm of ['tfjs-backend-wasm-', 'tfjs-backend-wasm-simd-', 'tfjs-backend-wasm-threaded-simd-']) {
      expect(files.filter((f) => f.startsWith(wasm) && f.endsWith('.wasm') && !f.slice(wasm.length).includes('-'))).toHaveLength(1);
    }
    const code = (await Promise.all(files.filter((f) => f.endsWith('.js')).map((f) => readFile(path.join(out, f), 'utf8')))).join('\n');
    expect(code).toContain('is not available in the browser: this experiment reads files on the build machine');
    // The wasm binaries are found beside the worker, not at a site path fixed at bundle time.
    expect(code).toMatch(/"\.\/tfjs-backend-wasm-simd-\w+\.wasm"/);
  }, 60_000);
});
