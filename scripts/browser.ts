/** Chromium and a static server for the built site, shared by the browser tests and `npm run pdf`. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

export const chromiumPath = '/usr/bin/chromium';
export const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
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
      res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
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
 * and returns how many text elements there were and how many it marked. Run inside the page (page.evaluate): it
 * must stay self-contained. The check's verdict on an element depends only on its computed text colour, the
 * opacity of it and its ancestors, whether its text counts as large (axe: 18 pt, or 14 pt bold), its text shadow
 * and stroke, and the backgrounds it sits on: the own background (colour, image, blend, filter, positioning, and
 * positioned ::before/::after boxes) of it and each ancestor up to the first opaque one. Elements that agree on all
 * of that get the same verdict, so one of each kind is checked: preferably one that axe can fail, visible and with
 * more than one character (axe reports a single low-contrast character as "needs review", not as a violation).
 * Form fields (whose text is their value) are candidates too.
 */
export const markContrastSample = (attribute: string): { textElements: number; sample: number } => {
  for (const el of document.querySelectorAll(`[${attribute}]`)) el.removeAttribute(attribute);
  const style = new Map<Element, CSSStyleDeclaration>();
  const cs = (e: Element) => { let s = style.get(e); if (!s) style.set(e, (s = getComputedStyle(e))); return s; };
  const alpha = (colour: string) => { const m = colour.match(/rgba?\([^)]*?,\s*([\d.]+)\)$|\/\s*([\d.]+)\)$/); return m ? Number(m[1] ?? m[2]) : 1; };
  const pseudo = (e: Element) => ['::before', '::after'].map((p) => {
    const s = getComputedStyle(e, p);
    return s.content === 'none' || s.position !== 'absolute' ? '' : `${p}:${s.backgroundColor}:${s.backgroundImage}`;
  }).join('');
  const chains = new Map<Element, string>();
  const opacities = new Map<Element, number>();
  const opacity = (e: Element | null): number => {
    if (!e) return 1;
    let o = opacities.get(e);
    if (o === undefined) opacities.set(e, (o = Number(cs(e).opacity) * opacity(e.parentElement)));
    return o;
  };
  const chain = (e: Element | null): string => {
    if (!e) return '';
    let c = chains.get(e);
    if (c === undefined) {
      const s = cs(e);
      const own = `${s.backgroundColor} ${s.backgroundImage} ${s.mixBlendMode} ${s.filter} ${s.backdropFilter} ${s.position === 'static' || s.position === 'relative' ? '' : s.position} ${pseudo(e)}`;
      const opaque = alpha(s.backgroundColor) === 1 && s.backgroundImage === 'none' && s.mixBlendMode === 'normal';
      chains.set(e, (c = opaque ? own : `${own} < ${chain(e.parentElement)}`));
    }
    return c;
  };
  const best = new Map<string, { el: Element; score: number }>();
  let textElements = 0;
  for (const el of document.body.querySelectorAll('*')) {
    const field = el.matches('input, select, textarea');
    const text = field ? '' : [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
    if (!field && !text) continue;
    textElements++;
    const s = cs(el);
    const size = parseFloat(s.fontSize);
    const bold = parseFloat(s.fontWeight) >= 700 || s.fontWeight === 'bold';
    const pt = Math.ceil(size * 72) / 96;
    const large = bold ? pt >= 14 : pt >= 18;
    const stroke = parseFloat(s.getPropertyValue('-webkit-text-stroke-width')) ? `${s.getPropertyValue('-webkit-text-stroke-width')} ${s.getPropertyValue('-webkit-text-stroke-color')}` : '';
    const kind = [s.color, opacity(el), large, s.textShadow === 'none' ? '' : `${s.textShadow} @${size}`, stroke && `${stroke} @${size}`, chain(el)].join(' | ');
    const rect = el.getBoundingClientRect();
    const visible = rect.width > 1 && rect.height > 1 && el.checkVisibility({ visibilityProperty: true } as CheckVisibilityOptions);
    const score = (visible ? 2 : 0) + (field || text.length > 1 ? 1 : 0);
    const held = best.get(kind);
    if (!held || score > held.score) best.set(kind, { el, score });
  }
  for (const { el } of best.values()) el.setAttribute(attribute, '');
  return { textElements, sample: best.size };
};
