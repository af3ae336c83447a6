/**
 * One quick-profile build of the whole site, shared by every test file under tests/site/ (vitest's `site`
 * project): the build test reads its HTML, the browser test serves it to Chromium. Runs only when a site test runs.
 */
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { repoRoot } from '../helpers/tempRoot';

declare module 'vitest' {
  export interface ProvidedContext {
    siteOut: string;
    siteBuild: { status: number | null; log: string; seconds: number };
  }
}

export default async function setup(project: TestProject) {
  // For working on the tests: READOFF_SITE_OUT=<a built site> reuses it instead of building.
  if (process.env.READOFF_SITE_OUT) {
    project.provide('siteOut', path.resolve(process.env.READOFF_SITE_OUT));
    project.provide('siteBuild', { status: 0, log: 'reused', seconds: 0 });
    return;
  }
  const out = path.join(repoRoot, '.test-tmp', `site-${process.pid}`);
  await rm(out, { recursive: true, force: true });
  const started = Date.now();
  const build = spawnSync('npx', ['astro', 'build'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, READOFF_PROFILE: 'quick', READOFF_OUT_DIR: out },
    timeout: 280_000,
  });
  project.provide('siteOut', out);
  project.provide('siteBuild', { status: build.status, log: `${build.stdout}\n${build.stderr}`, seconds: (Date.now() - started) / 1000 });
  return async () => {
    if (!process.env.READOFF_KEEP_SITE) await rm(out, { recursive: true, force: true });
  };
}
