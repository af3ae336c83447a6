/**
 * One quick-profile build of the whole site, shared by every test file under tests/site/ (vitest's `site`
 * project): the build test reads its HTML, the browser test serves it to Chromium. Runs only when a site test runs.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { cpuSeconds } from '../helpers/cpu';
import { repoRoot } from '../helpers/tempRoot';

declare module 'vitest' {
  export interface ProvidedContext {
    siteOut: string;
    /** `network`: what the build's processes looked up or connected to (issue 8, item 3: expected empty). */
    siteBuild: { status: number | null; log: string; seconds: number; network?: string };
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
  const netLog = `${out}.net.log`;
  await rm(netLog, { force: true });
  const started = Date.now();
  const cpu0 = cpuSeconds();
  const build = spawnSync('npx', ['astro', 'build'], {
    cwd: repoRoot,
    encoding: 'utf8',
    // Every process of the build records its DNS lookups and outgoing connections.
    env: { ...process.env, READOFF_PROFILE: 'quick', READOFF_OUT_DIR: out, READOFF_NET_LOG: netLog, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${path.join(repoRoot, 'tests/helpers/recordNetwork.mjs')}` },
    timeout: 280_000,
  });
  if (process.env.READOFF_TEST_CPU_LOG) appendFileSync(process.env.READOFF_TEST_CPU_LOG, `${(cpuSeconds() - cpu0).toFixed(1)} ${((Date.now() - started) / 1000).toFixed(1)} site build (global setup)\n`);
  const network = existsSync(netLog) ? readFileSync(netLog, 'utf8') : '';
  await rm(netLog, { force: true });
  project.provide('siteOut', out);
  project.provide('siteBuild', { status: build.status, log: `${build.stdout}\n${build.stderr}`, seconds: (Date.now() - started) / 1000, network });
  return async () => {
    if (!process.env.READOFF_KEEP_SITE) await rm(out, { recursive: true, force: true });
  };
}
