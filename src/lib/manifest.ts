import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildManifestSchema, type BuildManifest, type ManifestEntry } from '../../experiments/runtime/manifestSchema';
import { currentProfile } from './profile';
import { projectRoot } from './projectRoot';

/**
 * The build manifest (written by the experiments CLI that the integration runs before pages render): what
 * pages read to list experiments or check paths, so the site never imports experiment code.
 */
let cached: { file: string; mtimeMs: number; manifest: BuildManifest } | undefined;

export function readManifest(profile = currentProfile()): BuildManifest {
  const file = path.join(projectRoot(), '.readoff', `manifest.${profile}.json`);
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    throw new Error(`no build manifest at ${file}: pages are built by \`npm run build\` (or \`astro dev\`), which runs the experiments first`);
  }
  if (cached && cached.file === file && cached.mtimeMs === mtimeMs) return cached.manifest;
  const parsed = buildManifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`build manifest ${file} is malformed: ${parsed.error.message}`);
  cached = { file, mtimeMs, manifest: parsed.data };
  return parsed.data;
}

/** The experiments a page's index lists. */
export function experimentsOfPage(slug: string, manifest = readManifest()): ManifestEntry[] {
  return manifest.experiments.filter((e) => e.page === slug);
}

function matches(pattern: string, dotted: string): boolean {
  const p = pattern.split('.');
  const d = dotted.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '**') return true;
    if (i >= d.length) return false;
    if (p[i] === '#' ? !/^\d+$/.test(d[i]) : p[i] !== '*' && p[i] !== d[i]) return false;
  }
  return p.length === d.length;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** The valid paths closest to `dotted` (by edit distance), at most `n`. */
export function nearestPaths(dotted: string, valid: readonly string[], n = 3): string[] {
  return [...valid].sort((a, b) => editDistance(dotted, a) - editDistance(dotted, b) || a.localeCompare(b)).slice(0, n);
}

/**
 * Throws unless `dotted` is a numeric path of the experiment's result schema (or, as `config.…`, of its config
 * schema); the error names the page, the component, the path and the nearest valid paths.
 */
export function checkNumericPath(page: string, component: string, experiment: string, dotted: string, manifest = readManifest()): void {
  const entry = manifest.experiments.find((e) => e.id === experiment);
  if (!entry) {
    throw new Error(`${component} on ${page}: unknown experiment "${experiment}"; nearest: ${nearestPaths(experiment, manifest.experiments.map((e) => e.id)).join(', ')}`);
  }
  const valid = dotted.startsWith('config.') ? entry.configPaths : entry.resultPaths;
  if (valid.some((p) => matches(p, dotted))) return;
  throw new Error(
    `${component} on ${page}: "${dotted}" is not a numeric path of experiment "${experiment}"'s ${dotted.startsWith('config.') ? 'config' : 'result'} schema; nearest valid paths: ${nearestPaths(dotted, valid).join(', ')} (# is an array index)`,
  );
}
