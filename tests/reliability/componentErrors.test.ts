import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { writeArtifact, type Artifact } from '../../experiments/runtime/artifacts';
import { checkClaim, valueText } from '../../src/lib/componentChecks';
import { loadArtifact } from '../../src/lib/artifactStore';
import { makeTempRoot } from '../helpers/tempRoot';

// Issue 8, item 5: errors from <Value>, <Claim> and <Figure> name the page, the component and what to fix.
let t: Awaited<ReturnType<typeof makeTempRoot>>;
const saved = { root: process.env.READOFF_ROOT, profile: process.env.READOFF_PROFILE };
const schema = z.object({ and: z.object({ rms: z.number(), big: z.number(), values: z.array(z.number()) }) });

beforeAll(async () => {
  t = await makeTempRoot();
  process.env.READOFF_ROOT = t.root;
  process.env.READOFF_PROFILE = 'quick';
  const keyInputs = { sources: {}, config: { seed: 0 }, profile: 'quick', tfjsVersion: '4', upstream: {} };
  const { cacheKey } = await import('../../experiments/runtime/cacheKey');
  const artifact: Artifact = {
    experiment: 'uand', title: 'U', profile: 'quick', config: { seed: 0 }, results: { and: { rms: 0.25, big: 3, values: [0.5] } },
    provenance: { cacheKey: cacheKey(keyInputs), keyInputs, module: 'x.ts', backend: 'cpu', tfjsVersion: '4', nodeVersion: 'v20', platform: 'linux', gitCommit: null, gitDirty: null, seed: 0, startedAt: 'now', wallSeconds: 1, sideFiles: {} },
  };
  await writeArtifact(path.join(t.root, 'artifacts/quick'), artifact, schema);
  await writeArtifact(path.join(t.root, 'artifacts/quick'), { ...artifact, experiment: 'other' }, schema);
  // The build manifest the CLI writes: the numeric paths each result schema allows.
  const entry = (id: string) => ({ id, page: 'p', title: id, module: 'x.ts', profile: 'quick', key: null, backend: null, wallSeconds: null, gitCommit: null, stale: false, ranThisBuild: false, resultPaths: ['and.rms', 'and.big', 'and.values.#'], configPaths: ['config.seed'] });
  await t.write('.readoff/manifest.quick.json', JSON.stringify({ profile: 'quick', experiments: [entry('uand'), entry('other')] }));
});
afterAll(async () => {
  for (const [name, value] of [['READOFF_ROOT', saved.root], ['READOFF_PROFILE', saved.profile]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await t.cleanup();
});

describe('component errors', () => {
  it('<Value> prints the number, and says what is missing or wrong, naming page, component and experiment', () => {
    expect(valueText({ experiment: 'uand', path: 'and.rms', format: '.2f' }, '/p/').text).toBe('0.25');
    expect(() => valueText({ experiment: 'uand' } as any, '/p/')).toThrow('<Value experiment="uand"> on /p/: needs path="…"');
    expect(() => valueText({ experiment: 'uand', path: 'and.nope' }, '/p/')).toThrow('<Value experiment="uand"> on /p/: "and.nope" is not a numeric path of experiment "uand"\'s result schema; nearest valid paths: and.big, and.rms');
    expect(() => valueText({ experiment: 'typo', path: 'x' }, '/p/')).toThrow('<Value experiment="typo"> on /p/: unknown experiment "typo"');
  });

  it('<Figure experiment="typo"> (through loadArtifact) says unknown experiment and lists the ids', () => {
    expect(() => loadArtifact('typo')).toThrow(/^unknown experiment "typo" .*; experiments: other, uand$/);
  });

  it('a failing <Claim> keeps its own message when a <Value> inside it fails too', () => {
    const valueError = new Error('<Value experiment="uand" path="and.nope"> on /p/: no "nope" in results.and');
    let message = '';
    try {
      checkClaim({ experiment: 'uand', holds: 'and.rms > 10' }, '/p/', 'quick', valueError);
    } catch (err: any) {
      message = err.message;
    }
    expect(message).toMatch(/^<Claim experiment="uand" holds="and\.rms > 10"> on \/p\/: Claim failed on \/p\/: "and\.rms > 10" does not hold .*and\.rms = 0\.25/);
    expect(message).toContain('Its text failed too: <Value experiment="uand" path="and.nope"> on /p/: no "nope"');
    // A claim that holds but whose text fails still fails, naming both.
    expect(() => checkClaim({ experiment: 'uand', holds: 'and.rms < 10' }, '/p/', 'quick', valueError)).toThrow(/the claim holds, but its text failed: <Value/);
    expect(checkClaim({ experiment: 'uand', holds: 'and.rms < 10' }, '/p/', 'quick').checked).toBe(true);
  });

  it('a <Claim> whose condition names a path the result schema lacks names the page and the nearest valid paths, in every profile', () => {
    for (const profiles of [undefined, ['full']]) {
      expect(() => checkClaim({ experiment: 'uand', holds: 'and.rsm > 0', profiles }, '/p/', 'quick')).toThrow(
        /on \/p\/: "and\.rsm" is not a numeric path of experiment "uand"'s result schema; nearest valid paths: and\.rms/,
      );
    }
  });

  it('a <Claim> limited to another profile may read data only that profile has (a replicate the quick run lacks)', () => {
    const holds = 'min(and.values.0, and.values.1, and.values.2) > 0';
    expect(checkClaim({ experiment: 'uand', holds, profiles: ['full'] }, '/p/', 'quick').checked).toBe(false);
    expect(() => checkClaim({ experiment: 'uand', holds }, '/p/', 'quick')).toThrow(/no "1" in results\.and\.values/);
  });

  it('1e999 in an artifact is reported as Infinity, not as null', async () => {
    const file = path.join(t.root, 'artifacts/quick/uand.json');
    const text = await readFile(file, 'utf8');
    await t.write('artifacts/quick/uand.json', text.replace('"big": 3', '"big": 1e999'));
    expect(() => valueText({ experiment: 'uand', path: 'and.big' }, '/p/')).toThrow(/results\.and\.big is Infinity, not a finite number/);
    await t.write('artifacts/quick/uand.json', text);
  });
});
