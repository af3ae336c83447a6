/**
 * Every page of the quick build (found on disk, not from a list) in Debian's Chromium through playwright-core:
 * no console errors, no failed requests and none to other hosts; every figure a visible SVG in both themes;
 * KaTeX without error nodes; internal links and anchors resolve; axe-core finds no serious or critical violations
 * in light and dark; pages read fully with JavaScript off and offer no re-run control then; the theme toggle
 * persists; search finds a phrase from each page; a writeup prints; one figure of each writeup re-runs in the
 * browser and equals Node's run (tests/site/rerunCases.ts). Screenshots (light and dark, desktop and phone)
 * go to test-output/screenshots/.
 *
 * Cost (the test's share of `npm test`): each page is loaded twice, desktop with JavaScript and phone without, and
 * each load is looked at in both themes by switching the system colour scheme, which restyles the page without a
 * reload (asserted below). axe-core runs twice per page: all rules in the light theme, the colour rules in the dark.
 * The re-runs use the desktop pages as loaded: one Chromium and five page loads fewer than a file of their own, and
 * no second Chromium file beside this one (measured alone: 80–89 core-s, against 103–117 for the two files).
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteBuild } from '../helpers/siteBuild';
import { repoRoot } from '../helpers/tempRoot';
import { RERUN_CODE, chromiumArgs, chromiumPath, haveChromium, markContrastSample, serve, sitePages } from '../../scripts/browser';
import { checkLive } from '../../src/rerun/liveClaims';
import { CASES, caseConfig, drift, nodeRun, rerunInBrowser, type BrowserRerun } from './rerunCases';

const { out, build } = await siteBuild();
const built = build.status === 0;
const shots = path.join(repoRoot, 'test-output', 'screenshots');

type Theme = 'light' | 'dark';
interface PageReport {
  problems: string[];
  figures: { id: string; width: number; height: number }[];
  figureCount: number;
  katexErrors: number;
  axe: string[];
  ids: string[];
  links: string[];
  phrase?: string;
  textLength: number;
}

let browser: Browser;
let origin: string;
let close: () => void;
let pages: string[] = [];
const reports = new Map<string, PageReport>(); // `${theme}:${route}` with JavaScript, `nojs-${theme}:${route}` without
/** The page background of every pass, page and theme (`${pass}:${theme}:${route}`): each theme must restyle the page. */
const backgrounds = new Map<string, string>();
/** The desktop page with JavaScript, kept open for the theme toggle and search checks. */
let desktop: Page;
/** Without JavaScript, per page: re-run controls shown, figures offering a re-run, and re-run code requested. */
const rerunOff = new Map<string, { controls: number; offers: number; code: string[] }>();
let printed: { route: string; look: { background: string; header: string; toc: string }; pdf: Buffer } | undefined;
/** The re-run of one figure per writeup (tests/site/rerunCases.ts), by experiment; and where Node's runs go. */
const reruns = new Map<string, BrowserRerun>();
let scratch: string;

async function newContext(theme: Theme, opts: { phone?: boolean; js?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: opts.phone ? { width: 390, height: 844 } : { width: 1400, height: 900 },
    colorScheme: theme,
    javaScriptEnabled: opts.js ?? true,
    deviceScaleFactor: 1,
  });
  // A loaded 2-core machine can take longer than Playwright's 30 s to load the longest page.
  context.setDefaultTimeout(120_000);
  // Nothing may come from another host: such requests are reported (visit), and fail (chromiumArgs).
  return context;
}

/**
 * Loads a page and collects its problems and the URLs it requested. With JavaScript, waits for the network to go quiet too (a script may
 * fetch after 'load'); without it nothing but the favicon loads after 'load', and the JavaScript pass has seen that.
 */
async function visit(page: Page, route: string, opts: { idle?: boolean } = {}): Promise<{ problems: string[]; requested: string[] }> {
  const problems: string[] = [];
  const requested: string[] = [];
  page.removeAllListeners();
  page.on('request', (r) => {
    requested.push(r.url());
    if (!r.url().startsWith(`${origin}/`) && !/^(data|blob):/.test(r.url())) problems.push(`request to another host: ${r.url()}`);
  });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  // 'load' first: 'networkidle' alone can fire while a long page is still being parsed on a busy machine.
  await page.goto(`${origin}${route}`, { waitUntil: 'load' });
  if (opts.idle ?? true) await page.waitForLoadState('networkidle');
  await page.evaluate(() => document.fonts.ready);
  return { problems, requested };
}

/**
 * Switches the loaded page to a theme as the reader's system setting would (the site's colours are CSS
 * light-dark() values picked by color-scheme, so the page restyles without a reload) and returns its background.
 */
async function useTheme(page: Page, theme: Theme): Promise<string> {
  await page.emulateMedia({ colorScheme: theme });
  return page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
}
async function inspect(page: Page): Promise<Omit<PageReport, 'problems' | 'axe'>> {
  return page.evaluate(() => {
    const figures = [...document.querySelectorAll('figure.readoff-figure')].map((f) => {
      // The chart is the largest SVG in the figure (legends are small).
      const svgs = [...f.querySelectorAll('.plot svg')].map((s) => s.getBoundingClientRect());
      const r = svgs.sort((a, b) => b.width * b.height - a.width * a.height)[0];
      return { id: f.id, width: r?.width ?? 0, height: r?.height ?? 0 };
    });
    const main = document.querySelector('main');
    const para = [...(main?.querySelectorAll('p, td') ?? [])].map((p) => (p.textContent ?? '').replace(/\s+/g, ' ').trim()).find((t) => /^[A-Za-z][\w ,'’-]{30,}/.test(t));
    return {
      figures,
      figureCount: figures.length,
      // Parse errors, and commands KaTeX does not know (drawn in its error colour instead of failing).
      katexErrors: document.querySelectorAll('.katex-error, .katex [style*="color:#cc0000"], .katex [style*="color: rgb(204, 0, 0)"]').length,
      ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
      links: [...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).href),
      phrase: para?.match(/^[A-Za-z][\w,'’-]*(?: [\w,'’-]+){3}/)?.[0],
      textLength: (main?.textContent ?? '').replace(/\s+/g, ' ').length,
    };
  });
}

let axeSource: string | undefined;

/**
 * axe-core's serious and critical violations. The light theme runs every rule on the whole page; the dark theme
 * runs the rules that depend on colours (colour contrast, and links told apart from text by colour alone). Colour
 * contrast looks at one element of each kind that it could judge differently (markContrastSample in
 * scripts/browser.ts), marked afresh in each theme. Measured on the quick build (session 10): a contrast run costs
 * about the same on 1 element as on 100 (on /superposition/'s 30k nodes most of it is axe's layout grid, about
 * 5 CPU-s, which link-in-text-block builds too), so the light theme's contrast rides in the one full run. Coverage:
 * with bad colours injected (KaTeX glyphs, table-of-contents links, the --muted colour, the --bg-soft background)
 * on /superposition/, /claims/ and /sae-errors/ in both themes, this sample found every (text colour, background,
 * size, weight) combination that a contrast run on every element found, in all 30 cases; the previous sample (one
 * element per tag, class and parent class) missed some in 16 of them (all of the table of contents, for one).
 */
async function axe(page: Page, theme: Theme): Promise<string[]> {
  axeSource ??= await readFile(path.join(repoRoot, 'node_modules/axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  await page.evaluate(markContrastSample, 'data-contrast-sample');
  const violations: { id: string; impact: string; help: string; nodes: string[] }[] = await page.evaluate(async (allRules) => {
    const axe = (window as any).axe;
    axe.configure({ noHtml: true, rules: [{ id: 'color-contrast', selector: '[data-contrast-sample]' }] });
    const options = allRules ? { resultTypes: ['violations'] } : { resultTypes: ['violations'], runOnly: { type: 'rule', values: ['color-contrast', 'link-in-text-block'] } };
    const result = await axe.run(document, options);
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n: any) => n.target.join(' ')) }));
  }, theme === 'light');
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.join(', ')}`);
}

const shotName = (route: string, theme: Theme, device: string) => `${route.replace(/^\/|\/$/g, '').replace(/\//g, '_') || 'home'}-${theme}-${device}.png`;

describe.skipIf(!haveChromium || !built)('every page in a real browser (Chromium)', () => {
  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    const served = await serve(out);
    origin = served.origin;
    close = () => served.server.close();
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    pages = await sitePages(out);
    scratch = await mkdtemp(path.join(repoRoot, '.test-tmp', 'rerun-'));
    await rm(shots, { recursive: true, force: true });
    await mkdir(shots, { recursive: true });
    // Two loads per page, one after the other (side by side they cost more CPU and save no time on 2 cores):
    // desktop with JavaScript, every check and axe; phone without JavaScript, which must read fully without it.
    // Each loaded page is then looked at in both themes.
    const desktopContext = await newContext('light');
    desktop = await desktopContext.newPage();
    for (const route of pages) {
      const { problems, requested } = await visit(desktop, route);
      for (const theme of ['light', 'dark'] as const) {
        backgrounds.set(`desktop:${theme}:${route}`, await useTheme(desktop, theme));
        const facts = await inspect(desktop);
        await desktop.screenshot({ path: path.join(shots, shotName(route, theme, 'desktop')), type: 'png' });
        reports.set(`${theme}:${route}`, { ...facts, problems: theme === 'light' ? problems : [], axe: await axe(desktop, theme) });
      }
      // The writeup's re-run, on this page as loaded (its problems and requests join the light report's).
      const rerun = CASES.find((c) => c.route === route);
      if (rerun) {
        await useTheme(desktop, 'light');
        // A failure fails this case's test below, not every test of the file.
        const failed = (err: unknown): BrowserRerun => ({ error: String(err), codeBeforeClick: [], state: null, status: null, redrawn: false, provenance: null, badges: [] });
        reruns.set(rerun.experiment, await rerunInBrowser(desktop, rerun, requested, RERUN_CODE, out).catch(failed));
      }
    }
    await desktop.emulateMedia({ colorScheme: 'light' });
    // The PDF script's view of a writeup with figures: print media, no JavaScript, asked for the dark theme.
    const printRoute = pages.find((p) => (reports.get(`light:${p}`)?.figureCount ?? 0) > 0);
    const phoneContext = await newContext('light', { phone: true, js: false });
    const phone = await phoneContext.newPage();
    for (const route of pages) {
      const { problems, requested } = await visit(phone, route, { idle: false });
      rerunOff.set(route, {
        controls: await phone.locator('.rerun-bar, .rerun-open').count(),
        offers: await phone.locator('figure[data-rerun]').count(),
        code: requested.filter((u) => RERUN_CODE.test(u) || /Figure\.astro/.test(u)),
      });
      for (const theme of ['light', 'dark'] as const) {
        backgrounds.set(`phone:${theme}:${route}`, await useTheme(phone, theme));
        const facts = await inspect(phone);
        await phone.screenshot({ path: path.join(shots, shotName(route, theme, 'phone')), type: 'png' });
        reports.set(`nojs-${theme}:${route}`, { ...facts, problems: theme === 'light' ? problems : [], axe: [] });
      }
      if (route === printRoute) {
        await phone.emulateMedia({ media: 'print', colorScheme: 'dark' });
        const look = await phone.evaluate(() => ({
          background: getComputedStyle(document.documentElement).backgroundColor,
          header: getComputedStyle(document.querySelector('.site-header')!).display,
          toc: getComputedStyle(document.querySelector('.toc-column')!).display,
        }));
        printed = { route, look, pdf: await phone.pdf({ format: 'A4' }) };
        await phone.emulateMedia({ media: 'screen' });
      }
    }
    await phoneContext.close();
  }, 600_000); // every page, four passes each: the loaded 2-core machine needs the margin
  afterAll(async () => {
    await browser?.close();
    close?.();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('finds the pages on disk: the home page, every writeup, the ledger, reproduce and search', () => {
    expect(pages).toEqual(expect.arrayContaining(['/', '/claims/', '/reproduce/', '/search/']));
    expect(pages.length).toBeGreaterThanOrEqual(5);
  });

  it('loads every page with no console errors, no failed requests and no requests to other hosts', () => {
    const problems = [...reports].flatMap(([k, r]) => r.problems.map((p) => `${k} ${p}`));
    expect(problems).toEqual([]);
  });

  it('draws every figure as a visible SVG of non-zero size, in both themes and on a phone', () => {
    for (const [k, r] of reports) for (const f of r.figures) {
      expect(f.width, `${k} ${f.id}`).toBeGreaterThan(100);
      expect(f.height, `${k} ${f.id}`).toBeGreaterThan(50);
    }
    expect([...reports.values()].some((r) => r.figureCount > 0)).toBe(true);
  });

  it('renders KaTeX with no error nodes', () => {
    for (const [k, r] of reports) expect(r.katexErrors, k).toBe(0);
  });

  it('finds no serious or critical accessibility violations (axe-core) in light and dark', () => {
    const found = [...reports].flatMap(([k, r]) => r.axe.map((v) => `${k} ${v}`));
    expect(found).toEqual([]);
  });

  it('reads the same with JavaScript off: same text and figures', () => {
    for (const route of pages) {
      if (route === '/search/') continue; // search itself needs JavaScript; the page says so
      const on = reports.get(`light:${route}`)!;
      const off = reports.get(`nojs-light:${route}`)!;
      expect(off.figureCount, route).toBe(on.figureCount);
      expect(off.textLength, route).toBeGreaterThan(on.textLength * 0.95);
    }
  });

  it('shows no re-run control and loads no re-run code with JavaScript off', () => {
    for (const [route, r] of rerunOff) {
      expect(r.controls, route).toBe(0);
      expect(r.code, route).toEqual([]);
    }
    expect([...rerunOff.values()].filter((r) => r.offers > 0).length).toBeGreaterThanOrEqual(5);
  });

  it('resolves every internal link and anchor', () => {
    const idsByPage = new Map(pages.map((p) => [p, new Set(reports.get(`light:${p}`)!.ids)]));
    const broken: string[] = [];
    for (const route of pages) {
      for (const href of reports.get(`light:${route}`)!.links) {
        const url = new URL(href);
        if (url.origin !== origin) continue;
        const target = url.pathname;
        if (idsByPage.has(target)) {
          if (url.hash && !idsByPage.get(target)!.has(decodeURIComponent(url.hash.slice(1)))) broken.push(`${route} → ${href} (no such anchor)`);
        } else if (!existsSync(path.join(out, decodeURIComponent(target)))) broken.push(`${route} → ${href} (no such file)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('restyles every page in the theme of the reader\'s system, with JavaScript and without', () => {
    // Relative luminance of an rgb() colour: the light theme's page is light, the dark theme's dark.
    const luminance = (css: string) => {
      const [r, g, b] = css.match(/[\d.]+/g)!.slice(0, 3).map((v) => Number(v) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const wrong: string[] = [];
    for (const pass of ['desktop', 'phone']) for (const route of pages) {
      const light = backgrounds.get(`${pass}:light:${route}`)!;
      const dark = backgrounds.get(`${pass}:dark:${route}`)!;
      if (!(luminance(light) > 0.8 && luminance(dark) < 0.05)) wrong.push(`${pass} ${route}: light ${light}, dark ${dark}`);
    }
    expect(wrong).toEqual([]);
  });

  it('keeps the theme the reader chose across pages and reloads', async () => {
    const page = desktop;
    await visit(page, '/');
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const light = await background();
    await page.click('[data-theme-toggle]');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const dark = await background();
    expect(dark).not.toBe(light);
    // The shortest other page: any page will do, and a short one loads fastest.
    const other = pages.filter((p) => p !== '/').sort((a, b) => reports.get(`light:${a}`)!.textLength - reports.get(`light:${b}`)!.textLength)[0];
    await visit(page, other);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await background()).toBe(dark);
    expect(await page.getAttribute('[data-theme-toggle]', 'aria-pressed')).toBe('true');
    // Back to the system's theme for the checks after this one.
    await page.evaluate(() => localStorage.removeItem('readoff-theme'));
  });

  it('finds a phrase from each page with the offline search index', async () => {
    const page = desktop;
    await visit(page, '/search/');
    const misses: string[] = [];
    for (const route of pages) {
      const phrase = reports.get(`light:${route}`)!.phrase;
      if (route === '/search/' || !phrase) continue;
      // A string, so the test runner's transform leaves the browser's dynamic import alone.
      const urls: string[] = await page.evaluate(`(async () => {
        const pagefind = await import('/pagefind/pagefind.js');
        const found = await pagefind.search(${JSON.stringify(phrase)});
        return Promise.all(found.results.slice(0, 10).map(async (r) => (await r.data()).url));
      })()`);
      if (!urls.includes(route)) misses.push(`"${phrase}" → ${urls.join(', ') || 'nothing'} (wanted ${route})`);
    }
    expect(misses).toEqual([]);
  });

  // Node's runs come after every browser run: an experiment in this process blocks the event loop that talks to the browser.
  for (const c of CASES) {
    it(`re-runs ${c.experiment} on ${c.route} in the browser with seed ${c.seed}: redrawn, equal to Node's run, claims re-checked`, async () => {
      const r = reruns.get(c.experiment);
      expect(r, `${c.route} is not among the pages`).toBeDefined();
      expect(r!.error).toBeUndefined();
      // Before the click: no tfjs, worker, experiment or panel code.
      expect(r!.codeBeforeClick).toEqual([]);
      expect(r!.state, r!.status ?? '').toBe('done');
      const run = r!.run!;
      expect(run.config.seed).toBe(c.seed);
      expect(run.backend).toBe('wasm');
      expect(r!.redrawn).toBe(true);
      expect(r!.provenance).toContain(`seed ${c.seed}`);
      // The same numbers as the build's runner on Node for this config and seed.
      const config = caseConfig(c);
      expect(run.config).toEqual(config);
      const { def, artifact } = await nodeRun(c.experiment, config, scratch);
      expect(run.config).toEqual(artifact.config);
      const d = drift(def, artifact.results, run.results);
      console.log(`${c.experiment} seed ${c.seed}: browser ${run.wallSeconds.toFixed(2)} s on ${run.backend} (${run.backendDetail}), Node ${artifact.provenance.wallSeconds.toFixed(2)} s; ${d.fields} fields, ${d.differing} differ within tolerance, max relative difference ${d.maxRel.toExponential(2)}`);
      expect(d.beyond).toEqual([]);
      // Every claim of the page on this experiment carries the verdict the browser's results give, and Node's.
      expect(r!.badges.length).toBeGreaterThan(0);
      for (const { id, holds, badge } of r!.badges) {
        const mine = checkLive(holds, run).holds;
        expect(badge, `${id}: ${holds}`).toBe(mine === null ? 'unknown' : mine ? 'holds' : 'fails');
        expect(run.claims[id]).toBe(mine);
        expect(mine, `${id} on Node's results: ${holds}`).toBe(checkLive(holds, { config: artifact.config, results: artifact.results }).holds);
      }
    }, 300_000);
  }

  it('prints a writeup as the PDF script does: light print stylesheet, no navigation, vector figures', () => {
    // Looked at in the pass without JavaScript, on the first page with figures, with print media in the dark theme.
    expect(printed?.route).toBeDefined();
    expect(printed!.look).toEqual({ background: 'rgb(255, 255, 255)', header: 'none', toc: 'none' });
    expect(printed!.pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(printed!.pdf.length).toBeGreaterThan(50_000);
  });
});
