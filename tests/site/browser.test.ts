/**
 * Every page of the quick build (found on disk, not from a list) in Debian's Chromium through playwright-core:
 * no console errors, no failed requests and none to other hosts; every figure a visible SVG in both themes;
 * KaTeX without error nodes; internal links and anchors resolve; axe-core finds no serious or critical violations
 * in light and dark; pages read fully with JavaScript off; the theme toggle persists; search finds a phrase from
 * each page. Screenshots (light and dark, desktop and phone) go to test-output/screenshots/.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteBuild } from '../helpers/siteBuild';
import { repoRoot } from '../helpers/tempRoot';
import { chromiumArgs, chromiumPath, haveChromium, serve, sitePages } from '../../scripts/browser';

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
const reports = new Map<string, PageReport>(); // `${theme}:${route}` and `nojs:${route}`

async function newContext(theme: Theme, opts: { phone?: boolean; js?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: opts.phone ? { width: 390, height: 844 } : { width: 1400, height: 900 },
    colorScheme: theme,
    javaScriptEnabled: opts.js ?? true,
    deviceScaleFactor: 1,
  });
  // Nothing may come from another host: such requests are refused and reported.
  await context.route((url) => url.origin !== origin, (route) => route.abort());
  return context;
}

async function visit(page: Page, route: string): Promise<string[]> {
  const problems: string[] = [];
  page.removeAllListeners();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  // 'load' first: 'networkidle' alone can fire while a long page is still being parsed on a busy machine.
  await page.goto(`${origin}${route}`, { waitUntil: 'load' });
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => document.fonts.ready);
  return problems;
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

/**
 * axe-core's serious and critical violations. Colour contrast is the one rule that depends on the theme, and the
 * slowest on long pages, so it runs in every theme on one element of each kind (tag, class and parent class) that
 * holds text; every other rule runs on the whole page in the light theme.
 */
async function axe(page: Page, theme: Theme): Promise<string[]> {
  const source = await readFile(path.join(repoRoot, 'node_modules/axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: source });
  const violations: { id: string; impact: string; help: string; nodes: string[] }[] = await page.evaluate(async (allRules) => {
    const axe = (window as any).axe;
    const summarise = (r: any) => r.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n: any) => n.target.join(' ')) }));
    const seen = new Set<string>();
    const sample: Element[] = [];
    for (const el of document.body.querySelectorAll('*')) {
      if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim())) continue;
      const sig = `${el.tagName}.${el.getAttribute('class') ?? ''}<${el.parentElement?.getAttribute('class') ?? ''}`;
      if (seen.has(sig)) continue;
      seen.add(sig);
      sample.push(el);
    }
    const contrast = await axe.run({ include: sample }, { resultTypes: ['violations'], runOnly: { type: 'rule', values: ['color-contrast'] } });
    const rest = allRules ? await axe.run(document, { resultTypes: ['violations'], rules: { 'color-contrast': { enabled: false } } }) : { violations: [] };
    return [...summarise(contrast), ...summarise(rest)];
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
    await rm(shots, { recursive: true, force: true });
    await mkdir(shots, { recursive: true });
    // Desktop with JavaScript: every check and axe. Phone without JavaScript: the page must read fully without it.
    // All four passes run side by side (one browser context each): a pass mostly waits on page loads, not on a core.
    const pass = async (theme: Theme, phone: boolean) => {
      const context = await newContext(theme, { phone, js: !phone });
      const page = await context.newPage();
      for (const route of pages) {
        const problems = await visit(page, route);
        const facts = await inspect(page);
        await page.screenshot({ path: path.join(shots, shotName(route, theme, phone ? 'phone' : 'desktop')), type: 'png' });
        reports.set(`${phone ? 'nojs-' : ''}${theme}:${route}`, { ...facts, problems, axe: phone ? [] : await axe(page, theme) });
      }
      await context.close();
    };
    await Promise.all([pass('light', false), pass('dark', false), pass('light', true), pass('dark', true)]);
  }, 600_000); // every page, four passes each: the loaded 2-core machine needs the margin
  afterAll(async () => {
    await browser?.close();
    close?.();
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

  it('keeps the theme the reader chose across pages and reloads', async () => {
    const context = await newContext('light');
    const page = await context.newPage();
    await visit(page, '/');
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const light = await background();
    await page.click('[data-theme-toggle]');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const dark = await background();
    expect(dark).not.toBe(light);
    await visit(page, pages.find((p) => p !== '/')!);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await background()).toBe(dark);
    expect(await page.getAttribute('[data-theme-toggle]', 'aria-pressed')).toBe('true');
    await context.close();
  });

  it('finds a phrase from each page with the offline search index', async () => {
    const context = await newContext('light');
    const page = await context.newPage();
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
    await context.close();
  });

  it('prints a writeup as the PDF script does: light print stylesheet, no navigation, vector figures', async () => {
    const context = await newContext('dark', { js: false });
    const page = await context.newPage();
    await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
    const route = pages.find((p) => (reports.get(`light:${p}`)?.figureCount ?? 0) > 0)!;
    await visit(page, route);
    const look = await page.evaluate(() => ({
      background: getComputedStyle(document.documentElement).backgroundColor,
      header: getComputedStyle(document.querySelector('.site-header')!).display,
      toc: getComputedStyle(document.querySelector('.toc-column')!).display,
    }));
    expect(look).toEqual({ background: 'rgb(255, 255, 255)', header: 'none', toc: 'none' });
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(50_000);
    await context.close();
  });
});
