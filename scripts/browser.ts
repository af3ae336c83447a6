/** Chromium and a static server for the built site, shared by the browser tests and `npm run pdf`. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

export const chromiumPath = '/usr/bin/chromium';
/**
 * Host names other than the local server's do not resolve, so a page's request to another host fails without
 * leaving the machine (the tests also report every such request they see). This replaces Playwright request
 * routing, which turns the HTTP cache off: with it each page compiled tfjs, its wasm and the site's scripts afresh.
 */
export const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];
/** Requests that may only happen after a reader asks for a re-run: tfjs and its wasm, the worker (experiments), the panel. */
export const RERUN_CODE = /tfjs|\.wasm|browserWorker|panel\.|\/dist-|\/rerun\//;
/** Skipped only outside CI when Chromium is absent; .ci/run installs it. */
export const haveChromium = existsSync(chromiumPath) || !!process.env.CI;

const types: Record<string, string> = {
  '.html': 'text/html', '.css': 'text/css', '.js': 'text/javascript', '.mjs': 'text/javascript', '.svg': 'image/svg+xml', '.woff2': 'font/woff2', '.woff': 'font/woff',
  '.ttf': 'font/ttf', '.json': 'application/json', '.txt': 'text/plain', '.csv': 'text/csv', '.wasm': 'application/wasm', '.pf_meta': 'application/octet-stream',
};

/** Serve a built site on 127.0.0.1 (a missing file is a 404, so a broken link shows up as a failed request). */
export async function serve(dir: string): Promise<{ server: Server; origin: string }> {
  const server = createServer(async (req, res) => {
    let file = path.join(dir, decodeURIComponent(new URL(req.url!, 'http://x').pathname));
    if (file.endsWith('/')) file = path.join(file, 'index.html');
    try {
      const body = await readFile(file);
      // Assets may be cached within a browser context (the re-run's tfjs and wasm across writeups); pages may not.
      const cache = path.extname(file) === '.html' ? 'no-cache' : 'max-age=3600';
      res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream', 'cache-control': cache });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Every HTML page of a built site, as site paths ("/", "/superposition/"), found on disk (not from a list). */
export async function sitePages(dir: string): Promise<string[]> {
  const pages: string[] = [];
  const walk = async (sub: string) => {
    for (const e of await readdir(path.join(dir, sub), { withFileTypes: true })) {
      if (e.isDirectory() && !['_astro', 'pagefind', 'artifacts', 'source', 'figures'].includes(e.name)) await walk(path.join(sub, e.name));
      else if (e.name === 'index.html') pages.push(`/${sub ? `${sub.split(path.sep).join('/')}/` : ''}`);
    }
  };
  await walk('');
  return pages.sort();
}

/** A built site served on 127.0.0.1 and Chromium launched to read it; `close` stops both. */
export async function openSite(dir: string): Promise<{ browser: import('playwright-core').Browser; origin: string; close(): Promise<void> }> {
  const { chromium } = await import('playwright-core');
  const { server, origin } = await serve(dir);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  return { browser, origin, close: async () => { await browser.close(); server.close(); } };
}

/**
 * Marks with `attribute` one element of each kind that axe-core's colour-contrast check could judge differently,
 * and returns how many elements hold text and how many it marked. Run inside the page (page.evaluate): it must
 * stay self-contained. axe's verdict on an element depends only on its computed text colour, the opacity of it and
 * its ancestors, whether its text counts as large (18 pt, or 14 pt bold), its text shadow and stroke, and what it
 * sits on: the background (colour, image, blending, filters, positioning) of it and of each ancestor up to the
 * first opaque one. Elements that agree on all of that get the same verdict, so one of each kind is checked,
 * preferably one that axe can fail: visible, with more than one character (a single low-contrast character is
 * "needs review", not a violation), without a large positioned ::before/::after box (also "needs review").
 * Form fields (whose text is their value) are candidates too.
 */
export const markContrastSample = (attribute: string): { textElements: number; sample: number } => {
  for (const el of document.querySelectorAll(`[${attribute}]`)) el.removeAttribute(attribute);
  const transparent = /^rgba\(.*, 0\)$|^transparent$/;
  const chains = new Map<Element, string>();
  const opacities = new Map<Element, number>();
  const opacity = (e: Element | null): number => {
    if (!e) return 1;
    let o = opacities.get(e);
    if (o === undefined) opacities.set(e, (o = Number(getComputedStyle(e).opacity) * opacity(e.parentElement)));
    return o;
  };
  // What an element sits on: its own background and, unless that is opaque, its parent's chain.
  const chain = (e: Element | null): string => {
    if (!e) return '';
    let c = chains.get(e);
    if (c === undefined) {
      const s = getComputedStyle(e);
      const bg = s.backgroundColor;
      const image = s.backgroundImage;
      const position = s.position;
      const own = `${bg} ${image} ${s.mixBlendMode} ${s.filter} ${s.backdropFilter} ${position === 'static' || position === 'relative' ? '' : position}`;
      const opaque = image === 'none' && !/rgba|transparent/.test(bg) && s.mixBlendMode === 'normal';
      chains.set(e, (c = opaque ? own : `${own} < ${chain(e.parentElement)}`));
    }
    return c;
  };
  const pseudoBox = (e: Element) => ['::before', '::after'].some((p) => {
    const s = getComputedStyle(e, p);
    return s.content !== 'none' && s.position === 'absolute' && (!transparent.test(s.backgroundColor) || s.backgroundImage !== 'none');
  });
  const best = new Map<string, { el: Element; score: number }>();
  const consider = (el: Element, text: string, field: boolean) => {
    const s = getComputedStyle(el);
    const size = parseFloat(s.fontSize);
    const bold = parseFloat(s.fontWeight) >= 700 || s.fontWeight === 'bold';
    const pt = Math.ceil(size * 72) / 96;
    const large = bold ? pt >= 14 : pt >= 18;
    const shadow = s.textShadow === 'none' ? '' : `${s.textShadow} @${size}`;
    const strokeWidth = s.getPropertyValue('-webkit-text-stroke-width');
    const stroke = parseFloat(strokeWidth) ? `${strokeWidth} ${s.getPropertyValue('-webkit-text-stroke-color')} @${size}` : '';
    const kind = `${s.color} | ${opacity(el)} | ${large} | ${shadow} | ${stroke} | ${chain(el)}`;
    const held = best.get(kind);
    if (held?.score === 7) return; // the best kind of representative already
    const rect = el.getBoundingClientRect();
    const visible = rect.width > 1 && rect.height > 1 && el.checkVisibility({ visibilityProperty: true } as CheckVisibilityOptions);
    const score = (visible ? 4 : 0) + (field || text.length > 1 ? 2 : 0) + (pseudoBox(el) ? 0 : 1);
    if (!held || score > held.score) best.set(kind, { el, score });
  };
  // Elements with text of their own, found through their text nodes.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let textElements = 0;
  let last: Element | null = null;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el === last || !/\S/.test(n.nodeValue!)) continue;
    if (el.localName === 'script' || el.localName === 'style') continue;
    last = el;
    textElements++;
    consider(el, [...el.childNodes].filter((c) => c.nodeType === 3).map((c) => c.nodeValue).join('').trim(), false);
  }
  for (const el of document.body.querySelectorAll('input, select, textarea')) consider(el, '', true);
  for (const { el } of best.values()) el.setAttribute(attribute, '');
  return { textElements, sample: best.size };
};
