import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './projectRoot';
import { z } from 'zod';

const entrySchema = z.object({
  id: z.string(),
  authors: z.string(),
  /** Author–year label shown in the text, e.g. "Hänni et al. 2024". */
  short: z.string(),
  year: z.number().int(),
  title: z.string(),
  venue: z.string(),
  url: z.string().url(),
});
export type BibEntry = z.infer<typeof entrySchema>;

let entries: Map<string, BibEntry> | undefined;

export function bibEntry(id: string): BibEntry {
  entries ??= new Map(z.array(entrySchema).parse(JSON.parse(readFileSync(path.join(projectRoot(), 'content/bibliography.json'), 'utf8'))).map((e) => [e.id, e]));
  const e = entries.get(id);
  if (!e) throw new Error(`unknown citation "${id}"; known: ${[...entries.keys()].join(', ')}`);
  return e;
}
