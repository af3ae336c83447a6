import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIN_NODE, nodeVersionProblem } from '../../experiments/runtime/nodeVersion';
import { repoRoot } from '../helpers/tempRoot';

// semver ships with npm's dependency tree (no types installed): used untyped.
const semver = createRequire(import.meta.url)('semver') as { satisfies(v: string, range: string): boolean };
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8'));

describe('the documented Node version installs cleanly (issue 8, item 8)', () => {
  it('every package the lockfile installs supports the oldest Node that package.json allows', () => {
    expect(pkg.engines.node).toBe(`>=${MIN_NODE}`);
    // npm install warns (EBADENGINE) for each of these; optional packages (tfjs-node-gpu) are skipped quietly.
    const unsupported = Object.entries<any>(lock.packages)
      .filter(([name, p]) => name && !p.optional && p.engines?.node && !semver.satisfies(MIN_NODE, p.engines.node))
      .map(([name, p]) => `${name.replace(/^.*node_modules\//, '')}@${p.version} needs node ${p.engines.node}`);
    expect(unsupported).toEqual([]);
  });

  it('an older Node gets one clear message naming both versions', () => {
    expect(nodeVersionProblem('v18.20.4')).toMatch(/Readoff needs Node 20\.19\.0 or newer .* this is Node v18\.20\.4/);
    expect(nodeVersionProblem('v20.18.1')).toMatch(/needs Node 20\.19\.0/);
    expect(nodeVersionProblem('v20.19.0')).toBeUndefined();
    expect(nodeVersionProblem('v22.3.0')).toBeUndefined();
    expect(nodeVersionProblem(process.version)).toBeUndefined();
  });
});
