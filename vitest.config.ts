import os from 'node:os';
import { defineConfig } from 'vitest/config';
import { SiteLastSequencer } from './tests/helpers/sequencer';

const exclude = ['node_modules/**', '.test-tmp/**', 'dist/**'];
/**
 * Tests that read the built site, and the committed quick artifacts' tests (which read the copy of artifacts/quick
 * taken before that build starts).
 */
const siteBuildTests = ['tests/site/build*.test.ts', 'tests/site/browser*.test.ts', 'tests/site/quickArtifacts.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // READOFF_TEST_CPU_LOG=<file>: each file's CPU seconds, children included (see the helper).
    setupFiles: ['tests/helpers/cpuLog.ts'],
    // One test file per core. Vitest's default for `run` keeps a core free for itself (one worker on a 2-core
    // machine, every file in turn), but most of these files wait on child processes (builds, workers, Chromium).
    maxWorkers: Math.max(2, os.availableParallelism()),
    // Unit files first (longest first) while the site's quick build runs in the background; the site files last.
    sequence: { sequencer: SiteLastSequencer },
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/**/*.test.ts'], exclude: [...exclude, ...siteBuildTests] } },
      // The site tests share one quick build of the site, started by the global setup and awaited by each file.
      { extends: true, test: { name: 'site', include: siteBuildTests, exclude, globalSetup: ['tests/site/globalSetup.ts'] } },
    ],
  },
});
