import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/tempRoot';

describe('committed full-profile artifacts', () => {
  it('are current: a fresh clone builds the published site without re-running anything', () => {
    // After changing an experiment, run `npm run experiments -- --profile full` and commit artifacts/full.
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'experiments/cli.ts', '--check', '--profile', 'full'], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('check passed: every full artifact is current');
  });
});
