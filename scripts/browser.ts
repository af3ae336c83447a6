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
