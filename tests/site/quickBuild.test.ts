import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseHTML } from 'linkedom';
import { beforeAll, describe, expect, it } from 'vitest';
import { siteBuild } from '../helpers/siteBuild';
import { repoRoot } from '../helpers/tempRoot';

/**
 * The quick-profile build made once by tests/site/globalSetup.ts; every writeup page is checked: every page unit of
 * the build manifest, and every part of a writeup split over several pages (content/*.mdx).
 */
const { out, build } = await siteBuild();
/** Slug → parsed page, for every MDX page in content/. */
const pages = new Map<string, Document>();
/** The page units that list experiments in the build manifest. */
let manifestPages: string[] = [];

beforeAll(async () => {
  if (build.status !== 0) return;
  const manifest = JSON.parse(await readFile(path.join(repoRoot, '.readoff/manifest.quick.json'), 'utf8')) as { experiments: { page: string | null }[] };
  manifestPages = [...new Set(manifest.experiments.map((e) => e.page).filter((p): p is string => Boolean(p)))];
  for (const file of (await readdir(path.join(repoRoot, 'content'))).filter((f) => f.endsWith('.mdx'))) {
    const slug = file.replace(/\.mdx$/, '');
    pages.set(slug, parseHTML(await readFile(path.join(out, slug, 'index.html'), 'utf8')).document as unknown as Document);
  }
});

describe('quick-profile site build', () => {
  it('succeeds, and renders a page for every page in the registry', () => {
    expect(build.status, build.log).toBe(0);
    expect(pages.size).toBeGreaterThan(0);
    expect([...pages.keys()]).toContain('superposition');
    expect([...pages.keys()]).toEqual(expect.arrayContaining(manifestPages));
  });

  it('sends nothing over the network: no DNS lookup, no connection (README: no network after npm install)', () => {
    expect(build.network ?? '').toBe('');
  });

  it('renders figures as inline SVG with numbered captions and provenance links that resolve, on every page', async () => {
    for (const [slug, page] of pages) {
      const figures = [...page.querySelectorAll('figure.readoff-figure')];
      expect(figures.length, slug).toBeGreaterThan(0);
      // Numbered in order from 1, or, on a later part of a writeup, from where the earlier parts end (buildPages.test.ts).
      const laterPart = /^Part [2-9]/.test(page.querySelector('.title-block .parts [aria-current="page"]')?.textContent ?? '');
      const first = laterPart ? Number(/Figure (\d+)\./.exec(figures[0].querySelector('figcaption')!.textContent!)![1]) : 1;
      figures.forEach((fig, i) => {
        expect(fig.querySelector('.plot svg'), `${slug} figure ${first + i}`).not.toBeNull();
        expect(fig.querySelector('figcaption')!.textContent).toContain(`Figure ${first + i}.`);
      });
      for (const a of page.querySelectorAll('.provenance-card a[href^="/"]')) {
        const href = a.getAttribute('href')!;
        expect(existsSync(path.join(out, href)), `${slug}: ${href}`).toBe(true);
      }
      expect(page.querySelector('.provenance-card summary')!.textContent!.replace(/\s+/g, ' ')).toMatch(/quick profile · (wasm|node|node-gpu|cpu) · seed \d+/);
    }
  });

  it('renders math as KaTeX\'s MathML in the font the site serves itself (no CDN), every letter as Chromium draws it', async () => {
    for (const [slug, page] of pages) {
      expect(page.querySelectorAll('.katex > math').length, slug).toBeGreaterThan(0);
      // No HTML rendering beside the MathML (src/remark/mathml.ts).
      expect(page.querySelectorAll('.katex-html, .katex-mathml').length, slug).toBe(0);
      // MathML Core draws only mathvariant="normal": every other variant must have become Unicode letters.
      const variants = [...page.querySelectorAll('[mathvariant]')].map((e) => e.getAttribute('mathvariant')).filter((v) => v !== 'normal');
      expect(variants, slug).toEqual([]);
      for (const d of page.querySelectorAll('math[display="block"]')) expect(d.parentElement!.parentElement!.className, slug).toBe('katex-display');
      const html = await readFile(path.join(out, slug, 'index.html'), 'utf8');
      expect(html, slug).not.toMatch(/cdn\.jsdelivr|unpkg\.com|cdnjs/);
    }
    // The page the \mathcal letters come from draws them as Unicode script letters, and numbers its equations.
    const superposition = pages.get('superposition')!;
    expect(superposition.querySelector('main')!.textContent).toContain('𝒩');
    expect([...superposition.querySelectorAll('.equation > .equation-number')].map((n) => n.textContent)[0]).toBe('(1)');
    const assets = await readdir(path.join(out, '_astro'));
    const cssText = (await Promise.all(assets.filter((f) => f.endsWith('.css')).map((f) => readFile(path.join(out, '_astro', f), 'utf8')))).join('');
    const font = /_astro\/(latinmodern-math\.[\w-]+\.woff2)/.exec(cssText);
    expect(cssText).toContain('Latin Modern Math');
    expect(font, 'the math font is served from _astro/').not.toBeNull();
    expect(assets).toContain(font![1]);
  });

  it('prints values read from the artifacts, and shows the quick-profile banner, on every page', async () => {
    for (const [slug, page] of pages) {
      for (const v of page.querySelectorAll('.value')) {
        const artifact = JSON.parse(await readFile(path.join(repoRoot, 'artifacts/quick', `${v.getAttribute('data-experiment')}.json`), 'utf8'));
        const dotted = v.getAttribute('data-path')!;
        const value = dotted.split('.').slice(dotted.startsWith('config.') ? 1 : 0).reduce((o: any, k) => o[k], dotted.startsWith('config.') ? artifact.config : artifact.results);
        // The title carries the printed number (after any `scale`, which here is ±1 at most).
        const shown = Number(/= (\S+) \(/.exec(v.getAttribute('title')!)?.[1]);
        expect(Math.abs(shown), `${slug}: ${dotted}`).toBe(Math.abs(value));
      }
      expect(page.querySelector('.profile-banner')!.textContent, slug).toMatch(/Quick profile/);
    }
    const sp = pages.get('superposition')!;
    const artifact = JSON.parse(await readFile(path.join(repoRoot, 'artifacts/quick/uand-frozen-layer.json'), 'utf8'));
    const v = [...sp.querySelectorAll('.value')].find((e) => e.getAttribute('data-path') === 'and.ones.fracBelow')!;
    expect(v.textContent).toBe(`${(artifact.results.and.ones.fracBelow * 100).toFixed(1)}%`);
    expect(sp.querySelectorAll('.claim').length).toBeGreaterThan(0);
  });
});
