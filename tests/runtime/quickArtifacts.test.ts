import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { registry } from '../../experiments/index';
import type { BackendRequest } from '../../experiments/runtime/backend';
import { runExperiments } from '../../experiments/runtime/runner';
import { verifyExperiments } from '../../experiments/runtime/verify';
import { repoRoot } from '../helpers/tempRoot';

/**
 * The committed quick artifacts (artifacts/quick/): the site tests build from them, so they must be current, and
 * one quick run from scratch must give the same numbers (issue 7, item 5: same seed and backend, same results).
 * Both read a copy taken before the shared site build starts (tests/helpers/quickSnapshot.ts), since a build re-runs
 * a stale artifact in place; neither waits for that build.
 */
const committed = inject('committedQuick');
const REGENERATE = 'npm run experiments -- --profile quick --jobs 2, then commit artifacts/quick/';

/** Stale committed quick artifacts, with the reasons, as `--check --profile quick` sees them; plus any warning. */
async function staleQuickArtifacts(): Promise<{ stale: Map<string, string>; warnings: string[] }> {
  const warnings: string[] = [];
  const summary = await runExperiments({
    registry, root: repoRoot, profile: 'quick', artifactsDir: committed, planOnly: true,
    log: (l) => void (l.startsWith('warning:') && warnings.push(l)), sink: { write: () => {}, isTTY: false },
  });
  return { stale: new Map(summary.plan.filter((e) => e.action === 'run').map((e) => [e.def.id, e.reasons.join('; ')])), warnings };
}

/** The backend the committed quick artifacts were made on: the re-run uses it (a different one may differ by rounding). */
async function committedBackend(): Promise<BackendRequest> {
  const backends = new Set<string>();
  for (const f of (await readdir(committed)).filter((f) => f.endsWith('.json'))) {
    backends.add(JSON.parse(await readFile(path.join(committed, f), 'utf8')).provenance?.backend);
  }
  return backends.size === 1 ? ([...backends][0] as BackendRequest) : 'auto';
}

describe('committed quick artifacts', () => {
  let checked: ReturnType<typeof staleQuickArtifacts> | undefined;
  const check = () => (checked ??= staleQuickArtifacts());

  it('are current (what `npm run experiments -- --check --profile quick` checks), so the test build runs no experiment', async () => {
    const report = await check();
    const stale = report.stale;
    const lines = [...stale].map(([id, why]) => `  ${id}: ${why}`);
    const message = `${stale.size} committed quick artifact(s) are stale or missing; regenerate them with\n  ${REGENERATE}\n${lines.join('\n')}\n${report.warnings.join('\n')}`;
    expect(lines, message).toEqual([]);
    expect(report.warnings, message).toEqual([]);
  });

  // The one quick run of the suite, in this process (no worker pool: units.test checks that pool runs equal
  // in-process ones). Field by field: integers exactly, other numbers within 1e-9 relative (on one backend: equal).
  // An experiment the check above finds stale is left to that check (its committed numbers came from other code),
  // but must still have been computed.
  it('one quick run of every experiment, from scratch on the same backend, gives the committed results', async () => {
    const { stale } = await check();
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'readoff-determinism-'));
    try {
      const report = await verifyExperiments({
        registry, root: repoRoot, profile: 'quick', backend: await committedBackend(), jobs: 1,
        committedDir: committed, reportFile: path.join(tmp, 'report.json'), log: () => {}, sink: { write: () => {}, isTTY: false },
      });
      expect(report.experiments.map((e) => e.experiment).sort()).toEqual(registry.map((d) => d.id).sort());
      const current = report.experiments.filter((e) => !stale.has(e.experiment));
      expect(current.filter((e) => !e.sameBackend)).toEqual([]);
      expect(report.rows.filter((r) => !r.ok && !stale.has(r.experiment))).toEqual([]);
      expect(current.filter((e) => e.maxRelDiff !== 0).map((e) => `${e.experiment}: ${e.maxRelDiff}`)).toEqual([]);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }, 300_000);
});
