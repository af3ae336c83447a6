import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomicWrite';
import type { UnitDescriptor } from './experiment';

/**
 * Content-addressed store of unit results: `<dir>/<experiment>/<unit key>.json`. Written atomically as each unit
 * finishes, so a run killed at any point resumes with only its unfinished units; shards write one each, and
 * `--merge` reads several.
 */
export interface UnitRecord {
  experiment: string;
  key: string;
  unit: UnitDescriptor;
  partial: unknown;
  /** Side files the unit wrote: name → base64 bytes. */
  sideFiles: Record<string, string>;
  backend: string;
  wallSeconds: number;
  /** CPU seconds (user + system) of the process while it computed the unit; absent in records from before it was kept. */
  cpuSeconds?: number;
  /** `i/n` when a shard computed it. */
  shard?: string;
}

/** Default store: one per clone, gitignored, shared by both profiles (unit keys do not depend on the profile). */
export function defaultStoreDir(root: string): string {
  return path.join(root, '.readoff', 'units');
}

export class UnitStore {
  /** Writes go to the first directory; reads look in all of them, in order. */
  constructor(readonly dirs: readonly string[]) {
    if (dirs.length === 0) throw new Error('a unit store needs at least one directory');
  }

  private file(dir: string, experiment: string, key: string) {
    return path.join(dir, experiment, `${key}.json`);
  }

  async get(experiment: string, key: string): Promise<UnitRecord | undefined> {
    for (const dir of this.dirs) {
      let text: string;
      try {
        text = await readFile(this.file(dir, experiment, key), 'utf8');
      } catch {
        continue;
      }
      try {
        const rec = JSON.parse(text) as UnitRecord;
        if (rec.key === key && rec.experiment === experiment && 'partial' in rec) return rec;
      } catch {
        /* a damaged record is recomputed */
      }
    }
    return undefined;
  }

  async put(record: UnitRecord): Promise<void> {
    await writeFileAtomic(this.file(this.dirs[0], record.experiment, record.key), `${JSON.stringify(record)}\n`);
  }
}
