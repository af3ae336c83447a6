import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registry } from '../../experiments/index';
import { runExperiments } from '../../experiments/runtime/runner';
import { verifyExperiments } from '../../experiments/runtime/verify';
import { repoRoot } from '../helpers/tempRoot';

// Same seed and backend twice give identical results: every quick experiment runs, then `--verify` re-runs it and
// compares field by field (exactly for integers, within 1e-9 relative for other numbers, which on one backend means equal).
describe('determinism', () => {
  it('every quick experiment, run twice on the same backend, gives the same results', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'readoff-determinism-'));
    try {
      const common = { registry, root: repoRoot, profile: 'quick' as const, backend: 'wasm' as const, jobs: 2, workerScript: path.join(repoRoot, 'experiments/worker.ts'), log: () => {}, sink: { write: () => {}, isTTY: false } };
      await runExperiments({ ...common, artifactsDir: path.join(tmp, 'first'), storeDir: path.join(tmp, 'units') });
      const report = await verifyExperiments({ ...common, committedDir: path.join(tmp, 'first'), reportFile: path.join(tmp, 'report.json') });
      expect(report.experiments.map((e) => e.experiment).sort()).toEqual(registry.map((d) => d.id).sort());
      expect(report.rows.filter((r) => !r.ok)).toEqual([]);
      expect(report.experiments.every((e) => e.maxRelDiff === 0)).toBe(true);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }, 300_000);
});
