/**
 * Verdicts of the page claims under other seeds, for the claims ledger: every `.readoff/claims-at/<label>.json`
 * (an array as `scripts/claimsAt.ts --json` writes it after `npm run experiments -- --verify --seed-offset K`).
 * None is an empty list: the ledger then shows no seed columns.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from './projectRoot';

const verdictSchema = z.object({
  page: z.string(),
  experiment: z.string(),
  holds: z.string(),
  verdict: z.string(),
  values: z.record(z.number()).optional(),
});
export type SeedVerdict = z.infer<typeof verdictSchema>;

export function seedVerdicts(): { label: string; verdicts: SeedVerdict[] }[] {
  const dir = path.join(projectRoot(), '.readoff', 'claims-at');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return files.map((f) => {
    const parsed = z.array(verdictSchema).safeParse(JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
    if (!parsed.success) throw new Error(`${path.join(dir, f)} is not a list of claim verdicts: ${parsed.error.message}`);
    return { label: f.replace(/\.json$/, ''), verdicts: parsed.data };
  });
}
