import { spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeArtifact } from '../../experiments/runtime/artifacts';
import { writeFileAtomic } from '../../experiments/runtime/atomicWrite';
import { z } from 'zod';
import { makeTempRoot, repoRoot } from '../helpers/tempRoot';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('writeFileAtomic', () => {
  it('replaces the file when the write completes', async () => {
    const t = await makeTempRoot();
    cleanups.push(t.cleanup);
    const f = path.join(t.root, 'a.json');
    await writeFile(f, 'old');
    await writeFileAtomic(f, 'new');
    expect(await readFile(f, 'utf8')).toBe('new');
    expect(await readdir(t.root)).toEqual(['a.json']);
  });

  it('leaves the old file intact and no temp file when the write fails before the rename', async () => {
    const t = await makeTempRoot();
    cleanups.push(t.cleanup);
    const f = path.join(t.root, 'a.json');
    await writeFile(f, 'old');
    await expect(writeFileAtomic(f, 'new'.repeat(1000), { beforeRename: () => { throw new Error('crash'); } })).rejects.toThrow('crash');
    expect(await readFile(f, 'utf8')).toBe('old');
    expect(await readdir(t.root)).toEqual(['a.json']);
  });

  it('is how artifacts are written: a failed artifact write keeps the previous artifact', async () => {
    const t = await makeTempRoot();
    cleanups.push(t.cleanup);
    const f = path.join(t.root, 'exp.json');
    await writeFile(f, '{"old": true}');
    const artifact = { experiment: 'exp', title: 't', profile: 'quick', config: { seed: 0 }, results: { x: 1 }, provenance: {
      cacheKey: 'k', keyInputs: { sources: {}, config: {}, profile: 'quick', tfjsVersion: '1', upstream: {} }, module: 'm.ts', backend: 'cpu', tfjsVersion: '1',
      nodeVersion: 'v20', platform: 'linux', gitCommit: null, gitDirty: null, seed: 0, startedAt: 'now', wallSeconds: 1, sideFiles: {} } };
    await expect(writeArtifact(t.root, artifact, z.object({ x: z.number() }), { beforeRename: () => { throw new Error('disk full'); } })).rejects.toThrow('disk full');
    expect(await readFile(f, 'utf8')).toBe('{"old": true}');
    expect(await readdir(t.root)).toEqual(['exp.json']);
  });

  it('leaves the old file intact when the process dies mid-write', async () => {
    const t = await makeTempRoot();
    cleanups.push(t.cleanup);
    const f = path.join(t.root, 'a.json');
    await writeFile(f, 'old');
    const script = `import { writeFileAtomic } from ${JSON.stringify(path.join(repoRoot, 'experiments/runtime/atomicWrite.ts'))};
await writeFileAtomic(${JSON.stringify(f)}, 'x'.repeat(1 << 20), { beforeRename: () => process.kill(process.pid, 'SIGKILL') });`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot });
    expect(r.signal).toBe('SIGKILL');
    expect(await readFile(f, 'utf8')).toBe('old');
  });
});
