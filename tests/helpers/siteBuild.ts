import { existsSync, readFileSync } from 'node:fs';
import { inject } from 'vitest';

/** The outcome of the shared quick build of the site (tests/site/globalSetup.ts). */
export interface SiteBuild {
  status: number | null;
  log: string;
  seconds: number;
  /** What the build's processes looked up or connected to (issue 8, item 3: expected empty). */
  network?: string;
}

/**
 * The shared quick build, once it has finished: the folder it was built into, and how it went. The global setup
 * starts it in the background; a site test file awaits this at its top level, before it declares its tests.
 */
export async function siteBuild(): Promise<{ out: string; build: SiteBuild }> {
  const { out, statusFile } = inject('site');
  // The global setup stops the build at its own limit and then writes the file; this only guards against a hang.
  const deadline = Date.now() + 25 * 60_000;
  while (!existsSync(statusFile)) {
    if (Date.now() > deadline) return { out, build: { status: null, log: `no outcome in ${statusFile} after 25 minutes`, seconds: 0 } };
    await new Promise((r) => setTimeout(r, 250));
  }
  return { out, build: JSON.parse(readFileSync(statusFile, 'utf8')) as SiteBuild };
}
