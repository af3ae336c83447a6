/**
 * Which `<Claim>`s of the pages hold against a folder of artifacts (for `--verify --seed-offset K`, which re-runs the
 * experiments under other seeds: a claim that fails there depended on one seed's luck, and the page should say so).
 *   npx tsx scripts/claimsAt.ts --artifacts DIR [--profile quick|full] [--json FILE]
 * Exits 0 whatever the verdicts: it reports.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { getPath } from '../src/lib/artifactStore';
import { evaluateClaim } from '../src/lib/claims';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ClaimVerdict {
  page: string;
  experiment: string;
  holds: string;
  verdict: 'holds' | 'fails' | 'not checked in this profile' | 'error';
  values: Record<string, number>;
  detail?: string;
}

/** Every `<Claim experiment="…" holds="…" [profiles={[…]}]>` of the MDX pages in `contentDir`. */
export function pageClaims(contentDir: string): { page: string; experiment: string; holds: string; profiles: string[] }[] {
  const out = [];
  for (const file of readdirSync(contentDir).filter((f) => f.endsWith('.mdx')).sort()) {
    const text = readFileSync(path.join(contentDir, file), 'utf8');
    for (const m of text.matchAll(/<Claim((?:\s+[\w-]+=(?:"[^"]*"|\{[^}]*\}))*)\s*>/g)) {
      const attr = (name: string) => new RegExp(`\\s${name}=(?:"([^"]*)"|\\{([^}]*)\\})`).exec(m[1]);
      const experiment = attr('experiment')?.[1];
      const holds = attr('holds')?.[1];
      if (!experiment || !holds) continue;
      const profiles = attr('profiles')?.[2]?.match(/'([^']+)'|"([^"]+)"/g)?.map((s) => s.slice(1, -1)) ?? ['quick', 'full'];
      out.push({ page: file.replace(/\.mdx$/, ''), experiment, holds, profiles });
    }
  }
  return out;
}

export function claimsAt(artifactsDir: string, profile: string, contentDir = path.join(root, 'content')): ClaimVerdict[] {
  const cache = new Map<string, any>();
  const load = (id: string) => {
    if (!cache.has(id)) cache.set(id, JSON.parse(readFileSync(path.join(artifactsDir, `${id}.json`), 'utf8')));
    return cache.get(id);
  };
  const present = new Set(readdirSync(artifactsDir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)));
  // Claims on experiments that were not re-run are left out.
  return pageClaims(contentDir).filter((c) => present.has(c.experiment)).map((c) => {
    const base = { page: c.page, experiment: c.experiment, holds: c.holds, values: {} };
    if (!c.profiles.includes(profile)) return { ...base, verdict: 'not checked in this profile' as const };
    try {
      const a = load(c.experiment);
      const outcome = evaluateClaim(c.holds, (p) => {
        const v = p.startsWith('config.') ? getPath(a.config, p.slice(7), 'config') : getPath(a.results, p);
        if (typeof v !== 'number') throw new Error(`${p} is ${JSON.stringify(v)}, not a number`);
        return v;
      });
      return { ...base, verdict: outcome.holds ? ('holds' as const) : ('fails' as const), values: outcome.values };
    } catch (err: any) {
      return { ...base, verdict: 'error' as const, detail: err?.message ?? String(err) };
    }
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { artifacts: { type: 'string' }, profile: { type: 'string', default: 'full' }, json: { type: 'string' }, label: { type: 'string', default: '' } } });
  if (!values.artifacts) throw new Error('--artifacts DIR is required');
  const verdicts = claimsAt(path.resolve(values.artifacts), values.profile!);
  const counts = (v: ClaimVerdict['verdict']) => verdicts.filter((x) => x.verdict === v).length;
  console.log(`\nclaims on the pages against ${values.label || values.artifacts} (${values.profile} profile): ${counts('holds')} hold, ${counts('fails')} fail, ${counts('error')} errors, ${counts('not checked in this profile')} not checked in this profile\n`);
  const shown = verdicts.filter((v) => v.verdict === 'fails' || v.verdict === 'error');
  if (shown.length) {
    console.log('| page | experiment | claim | verdict | values |\n|---|---|---|---|---|');
    for (const v of shown) console.log(`| ${v.page} | ${v.experiment} | \`${v.holds}\` | ${v.verdict} | ${v.detail ?? Object.entries(v.values).map(([k, x]) => `${k} = ${x.toPrecision(4)}`).join(', ')} |`);
  }
  if (values.json) writeFileSync(values.json, `${JSON.stringify(verdicts, null, 1)}\n`);
}
