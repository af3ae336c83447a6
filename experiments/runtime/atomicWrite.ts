import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface AtomicWriteHooks {
  /** Called after the temp file is written and before it replaces the target (tests crash here). */
  beforeRename?: (tempPath: string) => void | Promise<void>;
}

/**
 * Write to a temp file beside the target, then rename over it: readers see the old file or the new
 * one, never half of either. A failure removes the temp file and leaves the old file untouched.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array, hooks: AtomicWriteHooks = {}): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    await writeFile(temp, data);
    await hooks.beforeRename?.(temp);
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
