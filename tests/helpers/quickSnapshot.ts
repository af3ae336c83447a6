/**
 * A copy of artifacts/quick taken before the shared site build starts (tests/site/globalSetup.ts): the quick
 * artifacts as committed (or regenerated), before a build could re-run a stale one in place.
 * tests/runtime/quickArtifacts.test.ts checks that copy. This global setup and the site build's both call
 * `quickSnapshot()`: the first copies, the second reuses.
 */
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { repoRoot } from './tempRoot';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The copy of artifacts/quick taken before the site build started. */
    committedQuick: string;
  }
}

/** The copy's folder (one per vitest run), made on the first call. */
export function quickSnapshot(): string {
  const dir = path.join(repoRoot, '.test-tmp', `quick-committed-${process.pid}`);
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    const from = path.join(repoRoot, 'artifacts/quick');
    if (existsSync(from)) cpSync(from, dir, { recursive: true });
  }
  return dir;
}

/** A global setup (vitest.config.ts), before the site build's. */
export default function setup(project: TestProject) {
  const dir = quickSnapshot();
  project.provide('committedQuick', dir);
  return () => rm(dir, { recursive: true, force: true });
}
