import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from './atomicWrite';
import { artifactPath } from './artifacts';
import type { AnyExperiment, Profile, Tolerance } from './experiment';
import { orderExperiments } from './plan';
import { runExperiments, type RunnerOptions } from './runner';
import { toleranceFor } from './tolerance';

export { toleranceFor };

/**
 * `--verify`: re-run experiments into a temporary folder and compare them with the committed artifacts, field by
 * field, within each experiment's declared tolerances. Prints a drift table, writes it as JSON, and says whether
 * everything is within tolerance.
 */
export interface DriftRow {
  experiment: string;
  /** Result path, `a.b.3.c`; `(artifact)` for the artifact as a whole. */
  path: string;
  committed: unknown;
  rerun: unknown;
  absDiff?: number;
  relDiff?: number;
  tolerance?: Tolerance;
  ok: boolean;
}

export interface ExperimentDrift {
  experiment: string;
  fields: number;
  /** Largest relative difference over numeric fields. */
  maxRelDiff: number;
  failures: number;
  sameBackend: boolean;
  committedBackend?: string;
  rerunBackend?: string;
  ok: boolean;
}

export interface VerifyReport {
  profile: Profile;
  seedOffset: number;
  ok: boolean;
  experiments: ExperimentDrift[];
  /** Rows beyond tolerance (or every differing row under a seed offset, where drift is expected). */
  rows: DriftRow[];
  reportFile: string;
  /** Where the re-run artifacts were kept, if asked. */
  rerunDir?: string;
}

export type VerifyOptions = Omit<RunnerOptions, 'artifactsDir' | 'storeDir' | 'force' | 'planOnly' | 'explain'> & {
  /** Compare with these artifacts (default `<root>/artifacts/<profile>`). */
  committedDir?: string;
  /** Where to write the JSON report (default `<root>/.readoff/verify-<profile>.json`). */
  reportFile?: string;
  /** Keep the re-run artifacts here (default: a temporary folder, removed). */
  keepDir?: string;
};

export const SAME_BACKEND_DEFAULT: Tolerance = { rel: 1e-9 };
export const CROSS_BACKEND_DEFAULT: Tolerance = { rel: 1e-3 };

export async function verifyExperiments(opts: VerifyOptions): Promise<VerifyReport> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'readoff-verify-'));
  const committedDir = opts.committedDir ?? path.join(opts.root, 'artifacts', opts.profile);
  const seedOffset = opts.seedOffset ?? 0;
  try {
    // A fresh store too: verifying means computing again, not reading back what was cached.
    const rerunDir = opts.keepDir ?? path.join(tmp, 'artifacts');
    await rm(rerunDir, { recursive: true, force: true });
    await runExperiments({ ...opts, artifactsDir: rerunDir, storeDir: path.join(tmp, 'units'), explain: false });
    const asked = orderExperiments(opts.registry, opts.ids).filter((d) => !opts.ids?.length || opts.ids.includes(d.id));
    const experiments: ExperimentDrift[] = [];
    const rows: DriftRow[] = [];
    for (const def of asked) {
      const committed = await readJson(artifactPath(committedDir, def.id));
      const rerun = await readJson(artifactPath(rerunDir, def.id));
      const drift = compareArtifacts(def, committed, rerun, seedOffset !== 0);
      experiments.push(drift.summary);
      rows.push(...drift.rows.filter((r) => !r.ok || seedOffset !== 0));
    }
    const reportFile = opts.reportFile ?? path.join(opts.root, '.readoff', `verify-${opts.profile}${seedOffset ? `-seed${seedOffset}` : ''}.json`);
    const report: VerifyReport = { profile: opts.profile, seedOffset, ok: experiments.every((e) => e.ok), experiments, rows, reportFile, ...(opts.keepDir ? { rerunDir } : {}) };
    await writeFileAtomic(reportFile, `${JSON.stringify(report, null, 1)}\n`);
    for (const line of driftTable(report)) log(line);
    return report;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function readJson(file: string): Promise<any> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Compare one experiment's committed and re-run artifacts. Under a seed offset nothing fails: drift is the finding. */
export function compareArtifacts(def: AnyExperiment, committed: any, rerun: any, seedShifted = false): { summary: ExperimentDrift; rows: DriftRow[] } {
  const rows: DriftRow[] = [];
  const summary: ExperimentDrift = { experiment: def.id, fields: 0, maxRelDiff: 0, failures: 0, sameBackend: true, ok: true };
  if (!committed || !rerun) {
    // Under a seed offset there is nothing to hold a missing committed artifact to: the claims are the report.
    const ok = seedShifted && Boolean(rerun);
    rows.push({ experiment: def.id, path: '(artifact)', committed: committed ? 'present' : 'missing', rerun: rerun ? 'present' : 'missing', ok });
    return { summary: { ...summary, failures: ok ? 0 : 1, ok }, rows };
  }
  summary.committedBackend = committed.provenance?.backend;
  summary.rerunBackend = rerun.provenance?.backend;
  summary.sameBackend = summary.committedBackend === summary.rerunBackend;
  const fallback = summary.sameBackend ? SAME_BACKEND_DEFAULT : CROSS_BACKEND_DEFAULT;
  if (!seedShifted && committed.provenance?.cacheKey !== rerun.provenance?.cacheKey) {
    rows.push({ experiment: def.id, path: '(cache key: the committed artifact is stale or was made from other inputs)', committed: committed.provenance?.cacheKey, rerun: rerun.provenance?.cacheKey, ok: false });
  }
  const visit = (a: unknown, b: unknown, at: string[]) => {
    if (isContainer(a) && isContainer(b) && Array.isArray(a) === Array.isArray(b)) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const k of keys) visit((a as any)[k], (b as any)[k], [...at, k]);
      return;
    }
    summary.fields++;
    const where = at.join('.') || '(results)';
    if (typeof a === 'number' && typeof b === 'number') {
      const absDiff = Math.abs(a - b);
      const scale = Math.max(Math.abs(a), Math.abs(b));
      const relDiff = absDiff === 0 ? 0 : scale === 0 ? Infinity : absDiff / scale;
      const declared = toleranceFor(def.tolerances, at);
      if (declared?.measured) {
        rows.push({ experiment: def.id, path: where, committed: a, rerun: b, absDiff, relDiff, tolerance: declared, ok: true });
        return;
      }
      const integers = Number.isInteger(a) && Number.isInteger(b) && !declared;
      const tolerance = integers ? {} : declared ?? fallback;
      const ok = absDiff === 0 || (tolerance.abs !== undefined && absDiff <= tolerance.abs) || (tolerance.rel !== undefined && relDiff <= tolerance.rel);
      summary.maxRelDiff = Math.max(summary.maxRelDiff, relDiff);
      rows.push({ experiment: def.id, path: where, committed: a, rerun: b, absDiff, relDiff, tolerance, ok });
      return;
    }
    rows.push({ experiment: def.id, path: where, committed: a, rerun: b, ok: JSON.stringify(a) === JSON.stringify(b) });
  };
  visit(committed.results, rerun.results, []);
  if (seedShifted) for (const r of rows) r.ok = true;
  summary.failures = rows.filter((r) => !r.ok).length;
  summary.ok = summary.failures === 0;
  // Keep only what differs: identical fields are counted, not listed.
  return { summary, rows: rows.filter((r) => !r.ok || r.relDiff !== 0 || (r.absDiff === undefined && JSON.stringify(r.committed) !== JSON.stringify(r.rerun))) };
}

function isContainer(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}

export function driftTable(report: VerifyReport): string[] {
  const lines: string[] = [];
  const title = report.seedOffset ? `drift under seed offset ${report.seedOffset} (${report.profile} profile; expected, reported only)` : `verify (${report.profile} profile): re-run vs committed`;
  lines.push(title, '', '| experiment | fields | max rel. drift | beyond tolerance | backends | verdict |', '|---|---:|---:|---:|---|---|');
  for (const e of report.experiments) {
    const backends = e.sameBackend ? e.rerunBackend ?? '' : `${e.committedBackend} → ${e.rerunBackend}`;
    lines.push(`| ${e.experiment} | ${e.fields} | ${fmt(e.maxRelDiff)} | ${e.failures} | ${backends} | ${e.ok ? 'ok' : 'DRIFT'} |`);
  }
  const bad = report.rows.filter((r) => !r.ok);
  if (bad.length) {
    lines.push('', 'beyond tolerance:', '', '| experiment | path | committed | re-run | rel. diff | tolerance |', '|---|---|---:|---:|---:|---|');
    for (const r of bad.slice(0, 40)) {
      lines.push(`| ${r.experiment} | ${r.path} | ${show(r.committed)} | ${show(r.rerun)} | ${r.relDiff === undefined ? '' : fmt(r.relDiff)} | ${r.tolerance ? JSON.stringify(r.tolerance) : 'exact'} |`);
    }
    if (bad.length > 40) lines.push(`| … ${bad.length - 40} more in the JSON report | | | | | |`);
  }
  lines.push('', `${report.ok ? 'verify passed' : 'verify FAILED'}: report written to ${report.reportFile}`);
  return lines;
}

function fmt(x: number): string {
  return x === 0 ? '0' : Number.isFinite(x) ? x.toExponential(2) : String(x);
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s === undefined ? 'missing' : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
