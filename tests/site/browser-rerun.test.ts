/**
 * "Re-run in your browser" in Chromium (playwright-core), on the quick build the site tests share: for one figure of
 * each writeup, open the form, change the seed (and for sae-toy-d64 its sizes, see CASES), run, wait, and check that
 * the figure was redrawn, that the reader's results equal the build's runner on Node for the same config, seed and
 * backend (wasm), and that the page's claim badges give the verdicts those results imply. Before the click the page
 * downloads no tfjs, worker or experiment code; no request leaves the site. (With JavaScript off there is no control at all: browser.test checks that on
 * every page without JavaScript.) One browser context serves every case, so the re-run code and the tfjs wasm
 * binary (and its compiled code) come from its cache after the first writeup; requests to other hosts are not
 * routed (routing turns the cache off) but fail (chromiumArgs) and are checked below.
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
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteBuild } from '../helpers/siteBuild';
import { registry } from '../../experiments/index';
import { runExperiments } from '../../experiments/runtime/runner';
import { resolveConfig } from '../../experiments/runtime/plan';
import { readArtifact } from '../../experiments/runtime/artifacts';
import { toleranceFor } from '../../experiments/runtime/tolerance';
import type { AnyExperiment } from '../../experiments/runtime/experiment';
import { checkLive } from '../../src/rerun/liveClaims';
import { repoRoot } from '../helpers/tempRoot';
import { RERUN_CODE, haveChromium, openSite } from '../../scripts/browser';

const { out, build } = await siteBuild();
const built = build.status === 0;

/**
 * One small, fast figure per page (each part of /superposition/ is a page) (each quick profile takes under a second in Node at rest).
 * `set` changes fields of the form besides the seed (dotted paths, as the form names its inputs), and Node's run gets
 * the same changes: sizes near sae-toy-d64's quick ones, within the form's bounds (its quick profile is already at the
 * schema's minimum for the scan sizes, nEval and the angle sweep), each different from the quick value, so that a
 * field the form dropped would show in the config compared below. They run the same code, every stage of it, and
 * typing them into the form checks that the form carries nested fields and lists into the config.
 */
const CASES: { route: string; experiment: string; seed: number; set?: { [path: string]: number | number[] } }[] = [
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

let browser: Browser;
let context: BrowserContext;
let origin: string;
let close: () => Promise<void>;
let scratch: string;

/** The quick profile's config with the case's seed and changes: what the form should produce, and Node's run. */
function caseConfig(c: (typeof CASES)[number]): { [key: string]: unknown } {
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

async function nodeRun(experiment: string, config: { [key: string]: unknown }) {
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
function drift(def: AnyExperiment, a: unknown, b: unknown): { beyond: string[]; maxRel: number; differing: number; fields: number } {
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

interface Record {
  config: { seed: number };
  results: unknown;
  backend: string;
  backendDetail: string;
  wallSeconds: number;
  claims: { [id: string]: boolean | null };
}

describe.skipIf(!haveChromium || !built)('re-run in the browser (Chromium)', () => {
  beforeAll(async () => {
    ({ browser, origin, close } = await openSite(out));
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    context.setDefaultTimeout(120_000); // a loaded 2-core machine can take longer than 30 s to load a long page
    scratch = await mkdtemp(path.join(repoRoot, '.test-tmp', 'rerun-'));
  });
  afterAll(async () => {
    await close?.();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`${c.route}: ${c.experiment} re-runs with seed ${c.seed}, equals Node's run, and re-checks its claims`, async () => {
      const requests: Request[] = [];
      const problems: string[] = [];
      const page: Page = await context.newPage();
      page.on('request', (r) => requests.push(r));
      page.on('pageerror', (e) => problems.push(`page error: ${e}`));
      page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
      await page.goto(`${origin}${c.route}`, { waitUntil: 'load' });
      await page.waitForLoadState('networkidle');

      // Before a click: no tfjs, worker, experiment or panel code.
      const before = requests.map((r) => r.url());
      expect(before.filter((u) => RERUN_CODE.test(u))).toEqual([]);
      const fig = page.locator(`figure.readoff-figure[data-experiment="${c.experiment}"][data-rerun]`).first();
      await expect(fig.count()).resolves.toBe(1);
      const published = await fig.locator(':scope > .plot svg').first().evaluate((s) => s.outerHTML);

      await fig.locator('.rerun-open').click();
      const panel = fig.locator('.rerun-panel');
      await panel.locator('input[name="seed"]').waitFor({ timeout: 60_000 });
      await panel.locator('input[name="seed"]').fill(String(c.seed));
      for (const [name, value] of Object.entries(c.set ?? {})) await panel.locator(`[name="${name}"]`).fill(Array.isArray(value) ? value.join(', ') : String(value));
      await panel.locator('.rerun-run').click();
      // Done, failed, or refused by the form (a value outside its bounds): the status says which.
      await page.waitForSelector(['done', 'error', 'invalid'].map((s) => `figure[data-experiment="${c.experiment}"] .rerun-panel[data-state="${s}"]`).join(', '), { timeout: 180_000 });
      const status = await panel.locator('.rerun-status').textContent();
      expect(await panel.getAttribute('data-state'), status ?? '').toBe('done');

      const run: Record = await fig.evaluate((f) => (f as any).readoffRerun);
      expect(run.config.seed).toBe(c.seed);
      expect(run.backend).toBe('wasm');
      const mine = await fig.locator('.rerun-plot svg').first().evaluate((s) => s.outerHTML);
      expect(mine).not.toBe(published);
      expect(await panel.locator('.rerun-provenance').textContent()).toContain(`seed ${c.seed}`);

      // The same numbers as the build's runner on Node for this config and seed (run after the browser's: an
      // experiment in this process blocks the event loop that talks to the browser).
      const config = caseConfig(c);
      expect(run.config).toEqual(config);
      const { def, artifact } = await nodeRun(c.experiment, config);
      expect(run.config).toEqual(artifact.config);
      const d = drift(def, artifact.results, run.results);
      console.log(`${c.experiment} seed ${c.seed}: browser ${run.wallSeconds.toFixed(2)} s on ${run.backend} (${run.backendDetail}), Node ${artifact.provenance.wallSeconds.toFixed(2)} s; ${d.fields} fields, ${d.differing} differ within tolerance, max relative difference ${d.maxRel.toExponential(2)}`);
      expect(d.beyond).toEqual([]);

      // Every claim of the page on this experiment carries the verdict Node's results give.
      const offer = JSON.parse(await readFile(path.join(out, (await fig.getAttribute('data-rerun'))!), 'utf8'));
      const claimIds: string[] = offer.claims.map((x: { id: string }) => x.id);
      expect(claimIds.length).toBeGreaterThan(0);
      for (const id of claimIds) {
        const holds = (await page.locator(`[id="${id}"]`).getAttribute('data-claim'))!;
        const mine = checkLive(holds, run).holds;
        const badge = await page.locator(`[id="${id}"] > .claim-live`).getAttribute('data-live');
        expect(badge, `${id}: ${holds}`).toBe(mine === null ? 'unknown' : mine ? 'holds' : 'fails');
        expect(run.claims[id]).toBe(mine);
        // And the verdict Node's results give.
        expect(mine, `${id} on Node's results: ${holds}`).toBe(checkLive(holds, { config: artifact.config, results: artifact.results }).holds);
      }

      // Nothing left the site, and nothing failed.
      expect(requests.map((r) => r.url()).filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'))).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    }, 300_000);
  }
});
