import { spawnSync } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectCopy } from '../helpers/projectCopy';
import { repoRoot } from '../helpers/tempRoot';

/** Build the whole site in the quick profile (running the quick experiments for real), once. */
let out: string;
let build: ReturnType<typeof spawnSync>;
let page: Document;
let netLog: string;

beforeAll(async () => {
  out = path.join(repoRoot, '.test-tmp', `site-${process.pid}`);
  netLog = `${out}.net.log`;
  await rm(out, { recursive: true, force: true });
  await rm(netLog, { force: true });
  build = spawnSync('npx', ['astro', 'build'], {
    cwd: repoRoot,
    encoding: 'utf8',
    // Every process of the build records its DNS lookups and outgoing connections (issue 8, item 3).
    env: { ...process.env, READOFF_PROFILE: 'quick', READOFF_OUT_DIR: out, READOFF_NET_LOG: netLog, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${path.join(repoRoot, 'tests/helpers/recordNetwork.mjs')}` },
    timeout: 280_000,
  });
  if (build.status === 0) page = parseHTML(await readFile(path.join(out, 'superposition/index.html'), 'utf8')).document as unknown as Document;
}, 300_000);
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
  await rm(netLog, { force: true });
});

describe('quick-profile site build', () => {
  it('succeeds', () => {
    expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);
  });

  it('sends nothing over the network: no DNS lookup, no connection (README: no network after npm install)', async () => {
    const log = existsSync(netLog) ? await readFile(netLog, 'utf8') : '';
    expect(log).toBe('');
  });

  it('renders figures as inline SVG with numbered captions and provenance links that resolve', async () => {
    const figures = [...page.querySelectorAll('figure.readoff-figure')];
    expect(figures.length).toBeGreaterThan(0);
    figures.forEach((fig, i) => {
      expect(fig.querySelector('.plot svg')).not.toBeNull();
      expect(fig.querySelector('figcaption')!.textContent).toContain(`Figure ${i + 1}.`);
    });
    for (const a of page.querySelectorAll('.provenance a')) {
      const href = a.getAttribute('href')!;
      expect(existsSync(path.join(out, href)), href).toBe(true);
    }
    expect(page.querySelector('.provenance')!.textContent!.replace(/\s+/g, ' ')).toMatch(/quick profile · backend (wasm|node|node-gpu|cpu) · seed \d+/);
  });

  it('renders math with KaTeX, styled from the site itself (no CDN)', async () => {
    expect(page.querySelectorAll('.katex').length).toBeGreaterThan(5);
    expect(page.querySelector('.katex-display')).not.toBeNull();
    const html = await readFile(path.join(out, 'superposition/index.html'), 'utf8');
    expect(html).not.toMatch(/cdn\.jsdelivr|unpkg\.com|cdnjs/);
    const css = (await readdir(path.join(out, '_astro'))).filter((f) => f.endsWith('.css'));
    const cssText = (await Promise.all(css.map((f) => readFile(path.join(out, '_astro', f), 'utf8')))).join('');
    expect(cssText).toContain('KaTeX_Main');
    expect((await readdir(path.join(out, '_astro'))).some((f) => f.startsWith('KaTeX_Main-Regular') && f.endsWith('.woff2'))).toBe(true);
  });

  it('prints values read from the artifacts, and shows the quick-profile banner', async () => {
    const values = [...page.querySelectorAll('.value')];
    expect(values.length).toBeGreaterThanOrEqual(2);
    const artifact = JSON.parse(await readFile(path.join(repoRoot, 'artifacts/quick/uand-frozen-layer.json'), 'utf8'));
    const v = values.find((e) => e.getAttribute('data-path') === 'and.ones.fracBelowQuarter')!;
    expect(v.textContent).toBe(`${(artifact.results.and.ones.fracBelowQuarter * 100).toFixed(1)}%`);
    expect(page.querySelector('.profile-banner')!.textContent).toMatch(/Quick profile/);
    expect(page.querySelectorAll('.claim').length).toBeGreaterThan(0);
  });
});

/** Serve a folder on 127.0.0.1 for the browser test. */
function serve(dir: string): Promise<Server> {
  const types: Record<string, string> = { '.html': 'text/html', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.json': 'application/json', '.txt': 'text/plain' };
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
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const chromiumPath = '/usr/bin/chromium';
// Skipped only outside CI when Chromium is absent; .ci/run installs it.
describe.skipIf(!existsSync(chromiumPath) && !process.env.CI)('the built page in a real browser (Chromium)', () => {
  it('loads without errors, draws every figure at a visible size, and uses the bundled KaTeX fonts', async () => {
    const { chromium } = await import('playwright-core');
    const server = await serve(out);
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
      const problems: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
      page.on('pageerror', (e) => problems.push(String(e)));
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
      const port = (server.address() as AddressInfo).port;
      await page.goto(`http://127.0.0.1:${port}/superposition/`, { waitUntil: 'networkidle' });
      expect(problems).toEqual([]);
      const sizes = await page.$$eval('figure.readoff-figure .plot > svg, figure.readoff-figure .plot > figure > svg:last-of-type', (els) => els.map((e) => e.getBoundingClientRect()).map((r) => [r.width, r.height]));
      expect(sizes.length).toBe(await page.$$eval('figure.readoff-figure', (f) => f.length));
      for (const [w, h] of sizes) {
        expect(w).toBeGreaterThan(200);
        expect(h).toBeGreaterThan(100);
      }
      expect(await page.evaluate(() => document.fonts.check('16px KaTeX_Main'))).toBe(true);
      // Nothing wider than the page: no horizontal scrolling on a 1000px screen.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1000);
    } finally {
      await browser.close();
      server.close();
    }
  }, 60_000);
});

describe('build failures', () => {
  it('a claim that stops holding fails the build, naming the condition and the values', async () => {
    const t = await projectCopy();
    try {
      await writeFile(
        path.join(t.root, 'content/zz-false-claim.mdx'),
        `---\ntitle: t\ndescription: d\norder: 99\n---\nimport Claim from '../src/components/Claim.astro';\n\n<Claim experiment="uand-frozen-layer" holds="and.all.rms > 10">AND is terrible</Claim>\n`,
      );
      const r = t.buildIt();
      expect(r.status).not.toBe(0);
      expect(`${r.stdout}${r.stderr}`).toMatch(/Claim failed on \/zz-false-claim\/: "and\.all\.rms > 10" does not hold for experiment "uand-frozen-layer" \(quick profile\): and\.all\.rms = 0\.\d+/);
    } finally {
      await t.cleanup();
    }
  }, 240_000);

  it('a failing experiment fails the build before any page renders, naming the experiment and its error', async () => {
    const t = await projectCopy();
    try {
      await writeFile(
        path.join(t.root, 'experiments/zzFail.ts'),
        `import { z } from 'zod';\nimport { defineExperiment } from './runtime/experiment';\nexport const zzFail = defineExperiment({ id: 'zz-fail', title: 'f', description: 'f', module: import.meta.url, config: z.object({ seed: z.number() }), profiles: { quick: { seed: 0 }, full: { seed: 0 } }, result: z.object({}), async run() { throw new Error('matrix is singular'); } });\n`,
      );
      const index = await readFile(path.join(t.root, 'experiments/index.ts'), 'utf8');
      await writeFile(path.join(t.root, 'experiments/index.ts'), `${index.replace('export const registry: readonly AnyExperiment[] = [', "import { zzFail } from './zzFail';\nexport const registry: readonly AnyExperiment[] = [zzFail, ")}`);
      const r = t.buildIt();
      expect(r.status).not.toBe(0);
      expect(`${r.stdout}${r.stderr}`).toMatch(/Readoff experiments failed \(exit 1\): error: experiment "zz-fail" failed: matrix is singular/);
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/generating static routes/);
    } finally {
      await t.cleanup();
    }
  }, 240_000);
});
