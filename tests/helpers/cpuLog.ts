/**
 * For measuring the suite (issue 6, item 7: `npm test` within its budget on a 2-core machine): with
 * READOFF_TEST_CPU_LOG=<file>, each test file appends one line `<cpu seconds> <wall seconds> <file>` at its end.
 * Vitest runs every file in a process of its own, so the CPU is that process's plus that of every child it waited
 * for (builds, CLIs, workers, Chromium): /proc/self/stat's utime, stime, cutime and cstime. Off by default.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll } from 'vitest';
import { cpuSeconds } from './cpu';
import { repoRoot } from './tempRoot';

const log = process.env.READOFF_TEST_CPU_LOG;
if (log) {
  const started = Date.now();
  afterAll((suite) => {
    const file = path.relative(repoRoot, (suite as { filepath?: string }).filepath ?? '?');
    appendFileSync(log, `${cpuSeconds().toFixed(1)} ${((Date.now() - started) / 1000).toFixed(1)} ${file}\n`);
  });
}
