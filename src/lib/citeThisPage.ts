import { Cite } from '@citation-js/core';
import '@citation-js/plugin-bibtex';

export const pageBibKey = (slug: string) => `readoff_${slug.replace(/\W/g, '_')}`;

/** BibTeX for one writeup, written by citation-js from CSL-JSON. */
export function pageBibtex(opts: { slug: string; title: string; date?: string; commit?: string; url: string }): string {
  const [year, month] = (opts.date ?? new Date().toISOString().slice(0, 10)).split('-').map(Number);
  const cite = new Cite({
    // BibTeX keys may not contain '-': simplicity-bias → readoff_simplicity_bias.
    id: pageBibKey(opts.slug),
    'citation-key': pageBibKey(opts.slug),
    type: 'webpage',
    title: opts.title,
    author: [{ literal: 'Readoff contributors' }],
    'container-title': 'Readoff',
    issued: { 'date-parts': [[year, month]] },
    URL: opts.url,
    note: opts.commit ? `Built from commit ${opts.commit}` : undefined,
  });
  return (cite.format('bibtex') as string).trim();
}
