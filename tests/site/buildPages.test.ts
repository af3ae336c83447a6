/**
 * The reader's pages in the shared quick build, checked for every writeup that exists (never a list of names):
 * home cards, the claims ledger, the reproduce page, figure downloads, references and "cite this page".
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { siteBuild } from '../helpers/siteBuild';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from '../helpers/tempRoot';

const { out, build } = await siteBuild();
const built = build.status === 0;
/** Every page (each part of a writeup in several parts is a page of its own). */
const writeups = readdirSync(path.join(repoRoot, 'content')).filter((f) => f.endsWith('.mdx')).map((f) => f.replace(/\.mdx$/, ''));
type PartField = { of: string; number: number; label: string };
const partOf = (slug: string): PartField | undefined => {
  const text = readFileSync(path.join(repoRoot, 'content', `${slug}.mdx`), 'utf8');
  return parseYaml(text.split(/^---$/m)[1]).part;
};
/** Pages that open a writeup (a card each on the home page), and the later parts of writeups in several parts. */
const firstPages = writeups.filter((s) => (partOf(s)?.number ?? 1) === 1);
const laterParts = writeups.filter((s) => (partOf(s)?.number ?? 1) > 1);
const html = async (route: string) => parseHTML(await readFile(path.join(out, route, 'index.html'), 'utf8')).document as unknown as Document;

describe.skipIf(!built)('reader pages of the quick build', () => {
  it('the home page has one card per writeup (not per part), each with a checked verdict and a number read from an artifact', async () => {
    const home = await html('');
    const cards = [...home.querySelectorAll('.card')];
    expect(cards.length).toBe(firstPages.length);
    for (const slug of laterParts) expect(home.querySelector(`.card a[href="/${slug}/"]`), slug).toBeNull();
    for (const slug of firstPages) {
      const card = cards.find((c) => c.querySelector(`a[href="/${slug}/"]`));
      expect(card, slug).toBeDefined();
      expect(card!.querySelector('.headline .value')!.textContent!.trim()).not.toBe('');
      expect(card!.querySelector(`.verdict .claim#verdict-${slug}`)).not.toBeNull();
    }
  });

  it('the claims ledger lists every claim of every writeup and links to its sentence', async () => {
    const ledger = await html('claims');
    const links = [...ledger.querySelectorAll('.ledger tbody td a')].map((a) => a.getAttribute('href')!);
    for (const slug of writeups) {
      const page = await html(slug);
      const ids = [...page.querySelectorAll('.claim[id]')].map((c) => c.id);
      expect(ids.length, slug).toBe(page.querySelectorAll('.claim').length);
      expect(links.filter((l) => l.startsWith(`/${slug}/#`)).sort(), slug).toEqual(ids.map((id) => `/${slug}/#${id}`).sort());
    }
  });

  it('a writeup in parts lists its parts, links each part to the next, and continues its numbering', async () => {
    for (const slug of laterParts) {
      const part = partOf(slug)!;
      const siblings = writeups.filter((s) => partOf(s)?.of === part.of).sort((a, b) => partOf(a)!.number - partOf(b)!.number);
      const prevSlug = siblings[part.number - 2];
      const [page, prev] = [await html(slug), await html(prevSlug)];
      expect([...page.querySelectorAll('.title-block .parts li')].map((li) => li.textContent!.trim().replace(/\s+/g, ' '))).toEqual(
        siblings.map((s) => `Part ${partOf(s)!.number}: ${partOf(s)!.label}${s === slug ? ' (this page)' : ''}`),
      );
      expect(page.querySelector('.prev-next a[rel="prev"]')!.getAttribute('href')).toBe(`/${prevSlug}/`);
      expect(prev.querySelector('.prev-next a[rel="next"]')!.getAttribute('href')).toBe(`/${slug}/`);
      // Numbers continue: this part's first section and figure follow the previous part's last.
      const sections = (doc: Document) => [...doc.querySelectorAll('.article-body h2[data-number]')].map((h) => Number(h.getAttribute('data-number')));
      const figures = (doc: Document) => [...doc.querySelectorAll('figure.readoff-figure figcaption strong')].map((c) => Number(/^Figure (\d+)/.exec(c.textContent!)?.[1]));
      expect(sections(page)[0], slug).toBe(Math.max(0, ...sections(prev)) + 1);
      if (figures(page).length) expect(figures(page)[0], slug).toBe(Math.max(0, ...figures(prev)) + 1);
      expect(page.querySelector('.toc .num')!.textContent, slug).toBe(page.querySelector('.article-body h2[data-number]')!.getAttribute('data-number'));
    }
  });

  it('the reproduce page lists every experiment with an artifact', async () => {
    const page = await html('reproduce');
    const listed = [...page.querySelectorAll('tr[id^="exp-"]')].map((r) => r.id.slice(4)).sort();
    const profile = readdirSync(path.join(out, 'artifacts'))[0];
    const artifacts = readdirSync(path.join(out, 'artifacts', profile)).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
    expect(listed).toEqual(artifacts);
  });

  it('every figure has a provenance card with downloads that exist, and every writeup has references and BibTeX', async () => {
    for (const slug of writeups) {
      const page = await html(slug);
      for (const fig of page.querySelectorAll('figure.readoff-figure')) {
        const card = fig.querySelector('figcaption details.provenance-card');
        expect(card, `${slug} ${fig.id}`).not.toBeNull();
        const hrefs = [...card!.querySelectorAll('a[href^="/"]')].map((a) => a.getAttribute('href')!);
        expect(hrefs.filter((h) => /\.(csv|json|svg)$/.test(h)).length).toBeGreaterThanOrEqual(3);
        for (const h of hrefs) expect(existsSync(path.join(out, h)), h).toBe(true);
      }
      expect(page.querySelector('.end-matter pre')!.textContent).toMatch(new RegExp(`@\\w+\\{readoff_${slug.replace(/\W/g, '_')},`));
      for (const cite of page.querySelectorAll('a.cite')) expect(page.getElementById(cite.getAttribute('href')!.slice(1)), cite.textContent!).not.toBeNull();
    }
  });

  it('a figure download is usable data: CSV with a header and the SVG as a standalone document', async () => {
    const dir = path.join(out, 'figures', writeups[0]);
    const csv = readdirSync(dir).find((f) => f.endsWith('.csv'))!;
    const text = await readFile(path.join(dir, csv), 'utf8');
    expect(text.split('\n')[0]).toMatch(/^mark,/);
    expect(text.split('\n').length).toBeGreaterThan(2);
    const svg = await readFile(path.join(dir, csv.replace(/\.csv$/, '.svg')), 'utf8');
    expect(svg).toMatch(/^<\?xml[^>]*>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });
});
