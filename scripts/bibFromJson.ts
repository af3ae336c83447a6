/**
 * Appends to content/references.bib every entry of content/bibliography.json (the old hand-written format) whose
 * key is not there yet, then deletes the JSON file. For merging branches that still add citations to the JSON file:
 * `npx tsx scripts/bibFromJson.ts`.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const jsonFile = path.join(root, 'content/bibliography.json');
const bibFile = path.join(root, 'content/references.bib');

interface OldEntry { id: string; authors: string; year: number; title: string; venue: string; url: string }

/** "Kaarel Hänni, Jake Mendel" → "Hänni, Kaarel and Mendel, Jake" (the last word is the family name). */
export function bibAuthors(authors: string): string {
  return authors.split(/,\s*|\s+and\s+/).filter(Boolean).map((name) => {
    const parts = name.trim().split(/\s+/);
    const family = parts.pop()!;
    return parts.length ? `${family}, ${parts.join(' ')}` : family;
  }).join(' and ');
}

export function toBibtex(e: OldEntry): string {
  const arxiv = /arXiv:(\d{4}\.\d{4,5})/.exec(e.venue);
  const fields: [string, string][] = [
    ['author', bibAuthors(e.authors)],
    ['title', `{${e.title}}`],
    ['year', String(e.year)],
    ...(arxiv ? [['eprint', arxiv[1]], ['archiveprefix', 'arXiv']] as [string, string][] : []),
    ['howpublished', e.venue],
    ['url', e.url],
  ];
  return `@misc{${e.id},\n${fields.map(([k, v]) => `  ${k} = {${v}},`).join('\n')}\n}\n`;
}

if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) {
  if (!existsSync(jsonFile)) {
    console.log('no content/bibliography.json: nothing to convert');
    process.exit(0);
  }
  const entries: OldEntry[] = JSON.parse(readFileSync(jsonFile, 'utf8'));
  const bib = existsSync(bibFile) ? readFileSync(bibFile, 'utf8') : '';
  const have = new Set([...bib.matchAll(/@\w+\s*\{\s*([^,\s]+)\s*,/g)].map((m) => m[1]));
  const added = entries.filter((e) => !have.has(e.id));
  writeFileSync(bibFile, `${bib}${bib && !bib.endsWith('\n\n') ? '\n' : ''}${added.map(toBibtex).join('\n')}`);
  rmSync(jsonFile);
  console.log(`added ${added.length} entries to content/references.bib (${entries.length - added.length} were there); removed content/bibliography.json`);
}
