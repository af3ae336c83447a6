// READOFF_TEST_LIGHT_BUILD=1: for the tests' throwaway builds (a project copy that renders one page and never opens
// it in a browser), leave out what only a reader's browser uses: the "Re-run in your browser" panel with its
// figure specs and its worker (TensorFlow.js and every experiment, bundled by esbuild: src/rerun/workerBundle.ts),
// and the Pagefind search index (src/integration/site.ts). Pages, figures, values, claims and the published artifacts are built as
// always. Never set for `npm run build` or the tests' shared quick build, which the browser tests read.

import type { Plugin } from 'vite';
import { replaceImport } from './replaceImport';

/** Whether this build is a light test build. */
export const lightTestBuild = process.env.READOFF_TEST_LIGHT_BUILD === '1';

/** Vite plugin: the client's import of the re-run panel (src/rerun/loader.ts → ./panel) becomes a stub that says why. */
export function lightTestBuildPlugin(): Plugin {
  return replaceImport('readoff-light-test-build', './panel', '/src/rerun/loader.ts', () =>
    "export async function togglePanel() { throw new Error('this test build has no re-run panel (READOFF_TEST_LIGHT_BUILD=1)'); }\n");
}
