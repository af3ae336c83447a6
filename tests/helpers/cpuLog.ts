/**
 * For measuring the suite (issue 6, item 7: `npm test` within its budget on a 2-core machine): with
 * READOFF_TEST_CPU_LOG=<file>, each test file appends one line `<cpu seconds> <wall seconds> <file>` at its end.
 * The CPU is that of the worker process from this file's start to its end, plus that of every child it waited for
 * (builds, CLIs, workers, Chromium): /proc/self/stat's utime, stime, cutime and cstime. A worker runs several files
 * in turn (vitest.config.ts: isolate false), so this is a difference; the process's start-up counts towards its
 * first file. Off by default.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll } from 'vitest';
import { cpuSeconds } from './cpu';
import { repoRoot } from './tempRoot';

const log = process.env.READOFF_TEST_CPU_LOG;
if (log) {
  const started = Date.now();
  const cpuAtStart = (globalThis as { readoffCpuLogged?: number }).readoffCpuLogged ?? 0;
  afterAll((suite) => {
    const file = path.relative(repoRoot, (suite as { filepath?: string }).filepath ?? '?');
    const cpu = cpuSeconds();
    (globalThis as { readoffCpuLogged?: number }).readoffCpuLogged = cpu;
    appendFileSync(log, `${(cpu - cpuAtStart).toFixed(1)} ${((Date.now() - started) / 1000).toFixed(1)} ${file}\n`);
  });
}
