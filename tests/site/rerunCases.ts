/**
 * "Re-run in your browser", as tests/site/browser.test.ts checks it on the page it has loaded for its other checks:
 * for one figure of each writeup, open the form, change the seed (and for sae-toy-d64 its sizes, see CASES), run,
 * wait, and check that the figure was redrawn, that the reader's results equal the build's runner on Node for the
 * same config, seed and backend (wasm), and that the page's claim badges give the verdicts those results imply.
 * Before the click the page has downloaded no tfjs, worker or experiment code. (With JavaScript off there is no
 * control at all: browser.test checks that on every page without JavaScript.) The desktop page serves every case, so
 * the re-run code and the tfjs wasm binary (and its compiled code) come from the browser's cache after the first.
 *
 * Tolerance. Both sides run the same JavaScript (bundled by Vite here, by tsx in Node), the same seeded streams
 * and the same tfjs wasm SIMD binary, single-threaded. What differs is the JavaScript engine's own Math library:
 * Chromium 156's V8 and Node 20's V8 11.3 return different last bits for 3–17% of Math.exp, log, sin, cos, atan2
 * and cbrt results (measured on 20,000 arguments each; sqrt, hypot and ** 0.5 agree), and the seeded normals use
 * log, sin and cos. So integers and strings must match exactly, and every other number to a relative 1e-9 (the
 * same-backend tolerance of `--verify`) or an absolute 1e-12 (for values that cancel to about zero, such as a
 * predicted mean of 1.1e-16 on one side and -1.1e-16 on the other). Fields the experiment declares
 * `{ measured: true }` (wall times, rates) are machine measurements and are not compared. (sae-toy-d64's medians of
 * per-sample log KL ratios were once left out, having moved by up to 0.117 between the engines; on the session-9
 * code they differ by at most 1.1e-14, so they are compared like every other field.)
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { registry } from '../../experiments/index';
import { readArtifact } from '../../experiments/runtime/artifacts';
import type { AnyExperiment } from '../../experiments/runtime/experiment';
import { resolveConfig } from '../../experiments/runtime/plan';
import { runExperiments } from '../../experiments/runtime/runner';
import { toleranceFor } from '../../experiments/runtime/tolerance';
import { repoRoot } from '../helpers/tempRoot';

export interface RerunCase {
  route: string;
  experiment: string;
  seed: number;
  set?: { [path: string]: number | number[] };
}

/**
 * One small, fast figure per page (each part of /superposition/ is a page) (each quick profile takes under a second in Node at rest).
 * `set` changes fields of the form besides the seed (dotted paths, as the form names its inputs), and Node's run gets
 * the same changes: sizes near sae-toy-d64's quick ones, within the form's bounds (its quick profile is already at the
 * schema's minimum for the scan sizes, nEval and the angle sweep), each different from the quick value, so that a
 * field the form dropped would show in the config compared below. They run the same code, every stage of it, and
 * typing them into the form checks that the form carries nested fields and lists into the config.
 */
export const CASES: RerunCase[] = [
  { route: '/superposition/', experiment: 'kaarel-calibration-mismatch', seed: 11 },
  { route: '/superposition-attention/', experiment: 'attention-token-projection', seed: 14 },
  { route: '/superposition-limits/', experiment: 'uand-depth', seed: 15 },
  { route: '/simplicity-bias/', experiment: 'simplicity-mlp-prior', seed: 12 },
  {
    route: '/sae-errors/',
    experiment: 'sae-toy-d64',
    seed: 13,
    set: {
      'headTrain.maxSteps': 8, 'headTrain.batch': 24, 'headTrain.evalEvery': 4, 'headTrain.patience': 2, 'headTrain.heldOut': 48,
      'saeTrain.steps': 3, 'saeTrain.batch': 24, 'saeTrain.auxK.deadAfter': 96,
      nEval: 10, resamples: 60, 'scan.radii': [0.5],
      'line.samples': 1, 'line.tMax': 0.75,
    },
  },
];

/** What the page holds after a re-run: the figure's record of it. */
export interface RerunRecord {
  config: { seed: number };
  results: unknown;
  backend: string;
  backendDetail: string;
  wallSeconds: number;
  claims: { [id: string]: boolean | null };
}

/** What the browser showed for one case, gathered while its page is loaded; Node's side is checked afterwards. */
export interface BrowserRerun {
  /** What went wrong in the browser before the run could end (a missing figure or control), if anything. */
  error?: string;
  /** Re-run code (tfjs, wasm, the worker, the panel) the page requested before the click: must be none. */
  codeBeforeClick: string[];
  /** The panel's state and status line at the end: done, error or invalid. */
  state: string | null;
  status: string | null;
  run?: RerunRecord;
  /** Whether the redrawn chart differs from the published one, and the provenance line under it. */
  redrawn: boolean;
  provenance: string | null;
  /** Each claim the figure's offer lists, with its condition and live badge on the page. */
  badges: { id: string; holds: string; badge: string | null }[];
}

/**
 * Runs a case on a page already showing its route (loaded with `requested` collecting its requests) from the built
 * site `site`. Waits for the run to end: done, failed, or refused by the form (a value outside its bounds).
 */
export async function rerunInBrowser(page: Page, c: RerunCase, requested: readonly string[], rerunCode: RegExp, site: string): Promise<BrowserRerun> {
  const codeBeforeClick = requested.filter((u) => rerunCode.test(u));
  const fig = page.locator(`figure.readoff-figure[data-experiment="${c.experiment}"][data-rerun]`).first();
  const published = await fig.locator(':scope > .plot svg').first().evaluate((s) => s.outerHTML);
  await fig.locator('.rerun-open').click();
  const panel = fig.locator('.rerun-panel');
  await panel.locator('input[name="seed"]').waitFor({ timeout: 60_000 });
  await panel.locator('input[name="seed"]').fill(String(c.seed));
  for (const [name, value] of Object.entries(c.set ?? {})) await panel.locator(`[name="${name}"]`).fill(Array.isArray(value) ? value.join(', ') : String(value));
  await panel.locator('.rerun-run').click();
  await page.waitForSelector(['done', 'error', 'invalid'].map((s) => `figure[data-experiment="${c.experiment}"] .rerun-panel[data-state="${s}"]`).join(', '), { timeout: 180_000 });
  const state = await panel.getAttribute('data-state');
  const status = await panel.locator('.rerun-status').textContent();
  if (state !== 'done') return { codeBeforeClick, state, status, redrawn: false, provenance: null, badges: [] };
  const run: RerunRecord = await fig.evaluate((f) => (f as any).readoffRerun);
  const mine = await fig.locator('.rerun-plot svg').first().evaluate((s) => s.outerHTML);
  const offer = await fig.getAttribute('data-rerun');
  // The claims the offer lists: each must carry a live badge.
  const claimIds: string[] = JSON.parse(await readFile(path.join(site, offer!), 'utf8')).claims.map((x: { id: string }) => x.id);
  const badges: BrowserRerun['badges'] = [];
  for (const id of claimIds) {
    badges.push({ id, holds: (await page.locator(`[id="${id}"]`).getAttribute('data-claim'))!, badge: await page.locator(`[id="${id}"] > .claim-live`).getAttribute('data-live') });
  }
  return { codeBeforeClick, state, status, run, redrawn: mine !== published, provenance: await panel.locator('.rerun-provenance').textContent(), badges };
}

/** The quick profile's config with the case's seed and changes: what the form should produce, and Node's run. */
export function caseConfig(c: RerunCase): { [key: string]: unknown } {
  const def = registry.find((d) => d.id === c.experiment)!;
  const config = structuredClone(resolveConfig(def, 'quick')) as { [key: string]: any };
  config.seed = c.seed;
  for (const [dotted, value] of Object.entries(c.set ?? {})) {
    const keys = dotted.split('.');
    let at = config;
    for (const k of keys.slice(0, -1)) at = at[k];
    if (!(keys[keys.length - 1] in at)) throw new Error(`${c.experiment} has no config field ${dotted}`);
    at[keys[keys.length - 1]] = value;
  }
  return config;
}

/** The build's runner on Node, for one experiment and config, into `scratch`. */
export async function nodeRun(experiment: string, config: { [key: string]: unknown }, scratch: string) {
  const def = registry.find((d) => d.id === experiment)!;
  const dir = path.join(scratch, `${experiment}-${config.seed}`);
  await runExperiments({
    registry, root: repoRoot, profile: 'quick', ids: [experiment], overrides: config, force: true, backend: 'wasm',
    artifactsDir: dir, storeDir: path.join(dir, 'units'), log: () => {}, sink: { write: () => {}, isTTY: false },
  });
  const read = await readArtifact(dir, experiment, def.result);
  if (read.status !== 'ok') throw new Error(`node run of ${experiment} gave no artifact (${read.status})`);
  return { def, artifact: read.artifact };
}

const REL = 1e-9;
const ABS = 1e-12;

/** Every field where the two results differ beyond the tolerance above, and the largest relative difference. */
export function drift(def: AnyExperiment, a: unknown, b: unknown): { beyond: string[]; maxRel: number; differing: number; fields: number } {
  const report = { beyond: [] as string[], maxRel: 0, differing: 0, fields: 0 };
  const visit = (x: unknown, y: unknown, at: string[]) => {
    if (x && y && typeof x === 'object' && typeof y === 'object' && Array.isArray(x) === Array.isArray(y)) {
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) visit((x as any)[k], (y as any)[k], [...at, k]);
      return;
    }
    report.fields++;
    if (toleranceFor(def.tolerances, at)?.measured) return;
    if (typeof x === 'number' && typeof y === 'number' && !(Number.isInteger(x) && Number.isInteger(y))) {
      const d = Math.abs(x - y);
      const rel = d === 0 ? 0 : d / Math.max(Math.abs(x), Math.abs(y));
      if (d > 0) report.differing++;
      if (d > ABS) report.maxRel = Math.max(report.maxRel, rel);
      if (d > ABS && rel > REL) report.beyond.push(`${at.join('.')}: ${x} vs ${y}`);
    } else if (JSON.stringify(x) !== JSON.stringify(y)) {
      report.differing++;
      report.beyond.push(`${at.join('.')}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
    }
  };
  visit(a, b, []);
  return report;
}
