import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './projectRoot';
import { artifactEnvelopeSchema, firstNonFinite, verifyArtifact, type Artifact } from '../../experiments/runtime/artifacts';
import { currentProfile } from './profile';

// Keyed on the file's mtime too, so `astro dev` picks up an experiment that re-ran.
const cache = new Map<string, { mtimeMs: number; artifact: Artifact }>();

/**
 * The artifact of one experiment in the site's profile. The build has already run or validated every
 * experiment, so a missing file here means a page names an experiment that does not exist.
 */
export function loadArtifact(experiment: string): Artifact {
  const profile = currentProfile();
  const file = path.join(projectRoot(), 'artifacts', profile, `${experiment}.json`);
  let mtimeMs = -1;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    /* reported below */
  }
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.artifact;
  if (mtimeMs < 0) {
    // The build ran or checked every experiment first, so a missing artifact means an unknown id.
    const dir = path.dirname(file);
    const ids = (() => {
      try {
        return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
      } catch {
        return [];
      }
    })();
    throw new Error(`unknown experiment "${experiment}" (no artifact ${path.relative(projectRoot(), file)}); experiments: ${ids.join(', ') || 'none in this profile yet'}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err: any) {
    throw new Error(`no readable artifact for experiment "${experiment}" in the ${profile} profile (${file}): ${err.message}`);
  }
  const parsed = artifactEnvelopeSchema.safeParse(json);
  if (!parsed.success) throw new Error(`artifact ${file} is malformed: ${parsed.error.message}`);
  if (parsed.data.profile !== profile) throw new Error(`artifact ${file} says profile "${parsed.data.profile}", expected "${profile}"`);
  // The build re-ran anything untrustworthy before pages render; this catches an edit made since (astro dev).
  const problem = firstNonFinite(parsed.data.results, 'results') ?? verifyArtifact(json as Artifact)?.reason;
  if (problem) throw new Error(`artifact ${file} cannot be rendered: ${problem}. Re-run it: npm run experiments -- ${experiment} --profile ${profile}`);
  cache.set(file, { mtimeMs, artifact: parsed.data as Artifact });
  return parsed.data as Artifact;
}

/** Read `a.b.0.c` from an object; the error lists the keys that do exist at the failing step. */
export function getPath(value: unknown, dotted: string, what = 'results'): unknown {
  let cur: any = value;
  const parts = dotted.split('.').filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    if (cur === null || typeof cur !== 'object' || !(parts[i] in cur)) {
      const at = [what, ...parts.slice(0, i)].join('.');
      const keys = cur && typeof cur === 'object' ? Object.keys(cur).slice(0, 20).join(', ') : `(a ${typeof cur})`;
      throw new Error(`no "${parts[i]}" in ${at}; available: ${keys}`);
    }
    cur = cur[parts[i]];
  }
  return cur;
}

/** A number from the artifact's results, or from its config when the path starts with `config.`. */
export function getNumber(artifact: Artifact, dotted: string): number {
  const fromConfig = dotted.startsWith('config.');
  const v = fromConfig ? getPath(artifact.config, dotted.slice(7), 'config') : getPath(artifact.results, dotted);
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    // String(Infinity) is "Infinity"; JSON.stringify would say "null".
    throw new Error(`${artifact.experiment}: ${fromConfig ? '' : 'results.'}${dotted} is ${typeof v === 'number' ? String(v) : JSON.stringify(v)}, not a finite number`);
  }
  return v;
}
