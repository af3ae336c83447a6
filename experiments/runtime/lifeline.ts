import type { ChildProcess } from 'node:child_process';
import { Worker } from 'node:worker_threads';

/**
 * Processes of a run never outlive the process that started them, whatever stops it (SIGKILL included).
 *
 * A child cannot catch its parent's SIGKILL, and an experiment in a synchronous loop never lets its event loop see
 * the IPC channel close. So a watchdog thread, which runs beside the main thread, polls the parent pid and kills
 * its own process the moment the parent is gone (the orphan is re-parented, so its ppid changes).
 */
export function exitWithParent(pollMs = 100): void {
  const ppid = process.ppid;
  if (ppid <= 1) return;
  const watchdog = new Worker(
    `const { workerData } = require('node:worker_threads');
     setInterval(() => { if (process.ppid !== workerData.ppid) process.kill(process.pid, 'SIGKILL'); }, workerData.pollMs);`,
    { eval: true, workerData: { ppid, pollMs }, execArgv: [], stdout: false, stderr: false },
  );
  watchdog.unref();
}

/** Children to kill when this process exits or is asked to stop (SIGINT, SIGTERM, SIGHUP). */
const children = new Set<ChildProcess>();
let hooked = false;

export function killWithMe(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (hooked) return;
  hooked = true;
  process.once('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAll();
      // Exit as the signal would have, now that nothing of ours runs on.
      process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const)[sig]);
    });
  }
}

function killAll(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.clear();
}
