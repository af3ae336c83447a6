import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../experiments/cli';
import { repoRoot } from '../helpers/tempRoot';

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'experiments/cli.ts', ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, READOFF_PROFILE: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('experiments CLI', () => {
  it('rejects unknown flags, profiles, backends and jobs, naming the allowed values', () => {
    expect(() => parseCli(['--fast'], {})).toThrow(/unknown or malformed flag --fast; allowed flags: --page, --profile/);
    expect(() => parseCli(['--profile', 'medium'], {})).toThrow('--profile: got "medium"; allowed values: quick, full');
    expect(() => parseCli(['--page', 'nope'], {})).toThrow('--page: got "nope"; allowed values: superposition');
    expect(parseCli(['--page', 'superposition'], {}).ids).toEqual(expect.arrayContaining(['affine-baseline', 'superposition-inputs', 'qk-bigram-capacity']));
    expect(() => parseCli([], { READOFF_PROFILE: 'draft' })).toThrow('READOFF_PROFILE: got "draft"; allowed values: quick, full');
    expect(() => parseCli(['--backend', 'tpu'], {})).toThrow('--backend: got "tpu"; allowed values: auto, node-gpu, node, wasm, cpu');
    expect(() => parseCli([], { READOFF_BACKEND: 'tpu' })).toThrow('READOFF_BACKEND: got "tpu"');
    expect(() => parseCli(['--jobs', '0'], {})).toThrow('--jobs: got "0"');
    expect(() => parseCli(['--set', 'd'], {})).toThrow('--set: got "d"; expected field=value');
  });

  it('reads profile, force and backend from the environment and parses --set values as JSON', () => {
    const a = parseCli(['uand-frozen-layer', '--set', 'd=256', '--set', 'name=abc'], { READOFF_PROFILE: 'quick', READOFF_FORCE: '1', READOFF_BACKEND: 'wasm' });
    expect(a).toMatchObject({ ids: ['uand-frozen-layer'], profile: 'quick', force: true, backend: 'wasm', overrides: { d: 256, name: 'abc' } });
  });

  it('exits non-zero with a clear message for an unknown id or a bad config value', () => {
    const unknown = cli('no-such-experiment', '--profile', 'quick');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown experiment id "no-such-experiment"; allowed values: .*uand-frozen-layer/);
    const bad = cli('uand-frozen-layer', '--profile', 'quick', '--set', 'd=0');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/config\.d: Number must be greater than or equal to 1/);
    const list = cli('--list');
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/uand-frozen-layer\s+U-AND/);
  });
});
