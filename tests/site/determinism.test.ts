import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { siteBuild } from '../helpers/siteBuild';
import { registry } from '../../experiments/index';
import { verifyExperiments } from '../../experiments/runtime/verify';
import { repoRoot } from '../helpers/tempRoot';

// Same seed and backend twice give identical results (issue 7, item 5). The first run is the quick build the site
// tests share (tests/site/globalSetup.ts runs every quick experiment, or reuses artifacts whose key says they came
// from this same code and config); `--verify` computes every quick experiment again, from a fresh unit store, and
// compares field by field (exactly for integers, within 1e-9 relative for other numbers, which on one backend means
// equal). The artifacts compared are the ones the build published, so nothing else running can change them.
const { out, build } = await siteBuild();
const built = build.status === 0;

describe.skipIf(!built)('determinism', () => {
  it('every quick experiment, computed again on the same backend, gives the same results as the build', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'readoff-determinism-'));
    try {
      const report = await verifyExperiments({
        registry, root: repoRoot, profile: 'quick', backend: 'auto', jobs: 2, workerScript: path.join(repoRoot, 'experiments/worker.ts'),
        committedDir: path.join(out, 'artifacts', 'quick'), reportFile: path.join(tmp, 'report.json'), log: () => {}, sink: { write: () => {}, isTTY: false },
      });
      expect(report.experiments.map((e) => e.experiment).sort()).toEqual(registry.map((d) => d.id).sort());
      expect(report.experiments.filter((e) => !e.sameBackend)).toEqual([]);
      expect(report.rows.filter((r) => !r.ok)).toEqual([]);
      expect(report.experiments.every((e) => e.maxRelDiff === 0)).toBe(true);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }, 300_000);
});
