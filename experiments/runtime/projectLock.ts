import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * One process at a time writes a project's artifacts and dist/: two builds in one clone otherwise race on
 * Astro's server chunks and on the same artifact files. The lock is a file holding the owner's pid and
 * command; a lock whose process is gone is taken over. A child started by the owner (the build's
 * experiments CLI) shares its lock through READOFF_LOCK_OWNER.
 */
export const LOCK_FILE = '.readoff.lock';

export interface LockInfo {
  pid: number;
  command: string;
  startedAt: string;
}

export class ProjectLockedError extends Error {}

export interface ProjectLock {
  /** Remove the lock (also done when the process exits). */
  release(): void;
}

export function acquireProjectLock(root: string, command: string, env: NodeJS.ProcessEnv = process.env): ProjectLock {
  const file = path.join(root, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      const info: LockInfo = { pid: process.pid, command, startedAt: new Date().toISOString() };
      writeSync(fd, `${JSON.stringify(info)}\n`);
      closeSync(fd);
      let held = true;
      const release = () => {
        if (!held) return;
        held = false;
        process.off('exit', release);
        if (readLock(file)?.pid === process.pid) unlinkQuiet(file);
      };
      process.on('exit', release);
      return { release };
    } catch (err: any) {
      if (err?.code !== 'EEXIST') throw err;
    }
    const other = readLock(file);
    if (other && String(other.pid) === env.READOFF_LOCK_OWNER && isAlive(other.pid)) return { release: () => {} };
    if (other && isAlive(other.pid)) {
      throw new ProjectLockedError(
        `another Readoff process is using this project's artifacts and dist/: pid ${other.pid} (\`${other.command}\`, started ${other.startedAt}). ` +
          `Wait for it to finish, or stop it with \`kill ${other.pid}\`; if no such process exists, delete ${file}.`,
      );
    }
    if (!other && ageMs(file) < 5000) {
      // Just created by a process that has not written its pid yet.
      throw new ProjectLockedError(`another Readoff process is starting in this project (lock file ${file}); wait for it, or delete the file if none is running.`);
    }
    // Its process is gone (killed, or the machine restarted): a stale lock.
    unlinkQuiet(file);
  }
  throw new ProjectLockedError(`could not take the project lock ${file}`);
}

export function readLock(file: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(file, 'utf8'));
    return Number.isInteger(info?.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err: any) {
    return err?.code === 'EPERM';
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}

function unlinkQuiet(file: string) {
  try {
    unlinkSync(file);
  } catch {
    /* gone already */
  }
}
