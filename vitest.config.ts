import os from 'node:os';
import { defineConfig } from 'vitest/config';
import { SiteAfterBuildSequencer } from './tests/helpers/sequencer';

const exclude = ['node_modules/**', '.test-tmp/**', 'dist/**'];

export default defineConfig({
  test: {
    // Generous: a few files are CPU-bound for tens of seconds, and this machine is shared (no test relies on a timeout).
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // READOFF_TEST_CPU_LOG=<file>: each file's CPU seconds, children included (see the helper).
    // And each file at the niceness of the main process (which yields to the shared site build).
    setupFiles: ['tests/helpers/cpuLog.ts', 'tests/helpers/priority.ts'],
    // One test file per core. Vitest's default for `run` keeps a core free for itself (one worker on a 2-core
    // machine, every file in turn), but most of these files wait on child processes (builds, workers, Chromium).
    maxWorkers: Math.max(2, os.availableParallelism()),
    // A worker process runs file after file (of one project) instead of one process per file: each file no longer
    // pays for a process and for importing vitest, tsx's transforms, zod, tfjs and the wasm backend again (measured:
    // 41 unit files, 77 CPU-s isolated, 40 not). Test files here leave no global state behind (those that set an
    // environment variable restore it), and the modules they share cache by file and mtime.
    poolOptions: { forks: { isolate: false } },
    // Longest files first, and the files that read the shared quick build as soon as it should be ready (tests/helpers/sequencer.ts).
    sequence: { sequencer: SiteAfterBuildSequencer },
    // One project, so that the files that read the site overlap the others: vitest runs projects one after another,
    // and each project's last files ran alone on one core. The shared quick build of the site starts in the
    // background (tests/site/globalSetup.ts) when a file that reads it is selected; those files await it.
    globalSetup: ['tests/helpers/quickSnapshot.ts', 'tests/site/globalSetup.ts'],
    include: ['tests/**/*.test.ts'],
    exclude,
  },
});
