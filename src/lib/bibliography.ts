/**
 * The site's bibliography: content/references.bib, parsed by citation-js and formatted by citeproc with the APA
 * style (author–year, with year suffixes "2024a" where one author has several works in a year). One engine for the
 * whole site, so a label reads the same on every page. A key that is not in the file fails the build.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Cite, plugins } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import '@citation-js/plugin-csl';
import { projectRoot } from './projectRoot';

export interface BibEntry {
  id: string;
  /** In-text label without parentheses, e.g. "Hänni et al., 2024a". */
  short: string;
  /** The formatted reference as HTML (escaped by citeproc), URLs linked. */
  html: string;
  /** The formatted reference as plain text, for previews. */
  text: string;
  url?: string;
  /** CSL-JSON fields used by title blocks: authors' names and the year. */
  authors: string;
  year?: number;
  title: string;
}

interface Loaded { mtimeMs: number; entries: Map<string, BibEntry> }
let loaded: Loaded | undefined;

export function bibFile(): string {
  return path.join(projectRoot(), 'content/references.bib');
}

function linkUrls(html: string): string {
  return html.replace(/(https?:\/\/[^\s<]+[^\s<.,;)])/g, (u) => `<a href="${u}">${u}</a>`);
}

/** Parse and format every entry of references.bib (re-read when the file changes, for `astro dev`). */
export function parseBibliography(source: string): Map<string, BibEntry> {
  const cite = new Cite(source);
  const data = cite.data as any[];
  const ids = data.map((d) => d.id as string);
  const csl = plugins.config.get('@csl');
  const make = (format: 'html' | 'text') => {
    const engine = csl.engine(data, 'apa', 'en-US', format);
    engine.updateItems(ids);
    return engine;
  };
  const html = make('html');
  const text = make('text');
  const [meta, bodies] = html.makeBibliography();
  const [, texts] = text.makeBibliography();
  const entries = new Map<string, BibEntry>();
  meta.entry_ids.forEach(([id]: string[], i: number) => {
    const d = data.find((x) => x.id === id)!;
    const short = (html.makeCitationCluster([{ id }]) as string).replace(/^\(|\)$/g, '').replace(/&#38;/g, '&');
    entries.set(id, {
      id,
      short,
      html: linkUrls(bodies[i].trim().replace(/^<div class="csl-entry">|<\/div>$/g, '')),
      text: texts[i].trim(),
      url: d.URL,
      authors: (d.author ?? []).map((a: any) => [a.given, a.family].filter(Boolean).join(' ') || a.literal).join(', '),
      year: d.issued?.['date-parts']?.[0]?.[0],
      title: d.title ?? id,
    });
  });
  return entries;
}

function load(): Map<string, BibEntry> {
  const file = bibFile();
  const mtimeMs = statSync(file).mtimeMs;
  if (loaded?.mtimeMs !== mtimeMs) loaded = { mtimeMs, entries: parseBibliography(readFileSync(file, 'utf8')) };
  return loaded.entries;
}

export function bibEntry(id: string): BibEntry {
  const entries = load();
  const e = entries.get(id);
  if (!e) throw new Error(`unknown citation key "${id}": add it to content/references.bib (known keys: ${[...entries.keys()].join(', ')})`);
  return e;
}

/** All entries in reference-list order (author, year). */
export function allBibEntries(): BibEntry[] {
  return [...load().values()];
}
