import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../experiments/cli';
import { repoRoot } from '../helpers/tempRoot';

// Issue 8, item 5: flags and environment variables are checked, and the error names the one at fault.
describe('experiments CLI input', () => {
  it('a negative or malformed flag value names the flag and the allowed values', () => {
    expect(() => parseCli(['--time-limit', '-5'], {})).toThrow('--time-limit: got "-5"; allowed values: a number of seconds > 0 and ≤ 86400');
    expect(() => parseCli(['--time-limit', 'soon'], {})).toThrow('--time-limit: got "soon"');
    expect(() => parseCli(['--jobs', '-1'], {})).toThrow('--jobs: got "-1"; allowed values: a whole number from 1 to 64');
    expect(parseCli(['--time-limit', '2.5'], {}).timeLimitSeconds).toBe(2.5);
    // A flag that is not a value is still an unknown flag.
    expect(() => parseCli(['--time-limit', '5', '-x'], {})).toThrow(/unknown or malformed flag -x/);
  });

  it('READOFF_JOBS and READOFF_FORCE are named as themselves', () => {
    expect(() => parseCli([], { READOFF_JOBS: 'abc' })).toThrow('READOFF_JOBS: got "abc"; allowed values: a whole number from 1 to 64');
    for (const yes of ['1', 'true', 'TRUE', 'yes', 'on']) expect(parseCli([], { READOFF_FORCE: yes }).force, yes).toBe(true);
    for (const no of ['0', 'false', 'No', 'off', '', undefined]) expect(parseCli([], { READOFF_FORCE: no }).force, String(no)).toBe(false);
    expect(() => parseCli([], { READOFF_FORCE: 'maybe' })).toThrow('READOFF_FORCE: got "maybe"; allowed values: 1, true, yes, on (on) or 0, false, no, off or empty (off)');
    expect(parseCli(['--force'], { READOFF_FORCE: 'false' }).force).toBe(true);
  });

  it('an environment error is printed without the flags usage text (exit 2)', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'experiments/cli.ts', '--list'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, READOFF_JOBS: 'abc' } });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('error: READOFF_JOBS: got "abc"; allowed values: a whole number from 1 to 64');
  });
});
