import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { version as esbuildVersion } from 'esbuild';
import { writeFileAtomic } from './atomicWrite';
import { sha256 } from './canonicalJson';
import { analyzeModuleGraphs, type ModuleGraph, type ModuleGraphAnalysis } from './sourceGraph';

/**
 * The module graphs of a plan, kept between processes. Making them costs esbuild a bundle and a transform per module
 * (measured: 0.9 CPU-s for the registry's 47 entries, on top of the planning process's own 2.5), and every build, CLI
 * start and test that plans pays it again for the same files. A stored graph is used only while everything it was
 * made from is unchanged, compared by content, not by time or place (so a copy of the project at another path finds
 * it too):
 * - every local file esbuild read (also those whose code no entry keeps: an edit can bring their code in);
 * - the names in each folder holding such a file, and, in each folder above, the names that could take over an
 *   import's resolution (`x.ts` beside a folder `x/` whose index.ts was imported);
 * - every package.json, tsconfig.json or jsconfig.json in those folders, and the tsconfig files they extend
 *   (resolution and type-only import removal read them);
 * - esbuild's version and this format.
 * The graphs themselves, and so the cache key, are exactly what a fresh analysis gives (tested).
 */

const FORMAT = 1;
/** Files written this close to the start of an analysis may have changed during it: such an analysis is not stored. */
const SETTLED_MS = 50;

interface Stored {
  format: number;
  read: string[];
  fingerprint: string;
  graphs: Record<string, ModuleGraph>;
}

export interface ModuleGraphCacheOptions {
  /** Where stored graphs live; without one, every call analyses afresh. */
  cacheDir?: string;
  /** For tests: the analysis (default: esbuild's, `analyzeModuleGraphs`). */
  analyze?: (entries: Record<string, string>, root: string) => Promise<ModuleGraphAnalysis>;
}

/**
 * The cache folder of a project: under the node_modules its packages resolve from (its own, or the nearest above it),
 * which is gitignored and shared by the test suite's project copies. Undefined when there is none.
 */
export function moduleGraphCacheDir(root: string): string | undefined {
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'node_modules'))) return path.join(dir, 'node_modules', '.cache', 'readoff', 'module-graphs');
    if (path.dirname(dir) === dir) return undefined;
  }
}

export async function cachedModuleGraphs(entries: Record<string, string>, root: string, opts: ModuleGraphCacheOptions = {}): Promise<Record<string, ModuleGraph>> {
  const analyze = opts.analyze ?? analyzeModuleGraphs;
  if (!opts.cacheDir) return (await analyze(entries, root)).graphs;
  const relative = Object.fromEntries(Object.entries(entries).map(([id, file]) => [id, toPosix(path.relative(root, path.resolve(root, file)))]));
  const file = path.join(opts.cacheDir, `${sha256(JSON.stringify({ FORMAT, esbuildVersion, relative }))}.json`);
  const stored = await readStored(file);
  if (stored && (await fingerprint(stored.read, root).catch(() => null)) === stored.fingerprint) return stored.graphs;
  const started = Date.now();
  const analysis = await analyze(entries, root);
  if (analysis.read.every((r) => !r.startsWith('../') && !path.isAbsolute(r))) {
    const print = await fingerprint(analysis.read, root, started - SETTLED_MS).catch(() => null);
    if (print) {
      const record: Stored = { format: FORMAT, read: analysis.read, fingerprint: print, graphs: analysis.graphs };
      await writeFileAtomic(file, JSON.stringify(record)).catch(() => {}); // a cache: failing to keep it is no error
    }
  }
  return analysis.graphs;
}

async function readStored(file: string): Promise<Stored | null> {
  try {
    const s = JSON.parse(await readFile(file, 'utf8')) as Stored;
    return s.format === FORMAT && Array.isArray(s.read) && typeof s.fingerprint === 'string' && s.graphs ? s : null;
  } catch {
    return null;
  }
}

/**
 * A hash of what the graphs of `read` depend on (see the module comment). With `settledBefore`, it is null when a file
 * or folder among them changed at or after that time (an analysis running then may have seen either version).
 */
async function fingerprint(read: string[], root: string, settledBefore?: number): Promise<string | null> {
  const h = createHash('sha256');
  const abs = (rel: string) => path.join(root, rel);
  const changedSince = async (rel: string) => settledBefore !== undefined && (await stat(abs(rel))).mtimeMs >= settledBefore;
  const listings = new Map<string, string[]>();
  const list = async (dir: string) => {
    let names = listings.get(dir);
    if (!names) {
      names = (await readdir(abs(dir), { withFileTypes: true })).map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort();
      listings.set(dir, names);
    }
    return names;
  };
  for (const rel of read) {
    if (await changedSince(rel)) return null;
    h.update(`file ${rel} ${sha256(await readFile(abs(rel)))}\n`);
  }
  const dirs = [...new Set(read.map((r) => path.posix.dirname(r)))].sort();
  const configDirs = new Set<string>();
  for (const dir of dirs) {
    if (await changedSince(dir)) return null;
    h.update(`folder ${dir} ${(await list(dir)).join('|')}\n`);
    configDirs.add(dir);
    for (let child = dir; child !== '.'; child = path.posix.dirname(child)) {
      const parent = path.posix.dirname(child);
      const name = path.posix.basename(child);
      h.update(`beside ${child} ${(await list(parent)).filter((n) => n.startsWith(`${name}.`)).join('|')}\n`);
      configDirs.add(parent);
    }
  }
  const configs = new Set<string>();
  for (const dir of configDirs) for (const n of await list(dir)) if (/^(package|tsconfig|jsconfig)\.json$/.test(n)) configs.add(path.join(root, dir, n));
  for (const f of configs) for (const cfg of await withExtends(f)) h.update(`config ${toPosix(path.relative(root, cfg))} ${sha256(await readFile(cfg))}\n`);
  return h.digest('hex');
}

/** A tsconfig file and those it extends (relative paths or packages), as far as they resolve. */
async function withExtends(file: string, depth = 0): Promise<string[]> {
  if (!/tsconfig|jsconfig/.test(path.basename(file)) || depth > 8) return [file];
  const text = await readFile(file, 'utf8');
  const specs = [...text.matchAll(/"extends"\s*:\s*(\[[^\]]*\]|"[^"]*")/g)].flatMap((m) => [...m[1].matchAll(/"([^"]+)"/g)].map((s) => s[1]));
  const out = [file];
  const req = createRequire(file);
  for (const spec of specs) {
    const candidates = spec.startsWith('.') ? [path.resolve(path.dirname(file), spec), path.resolve(path.dirname(file), `${spec}.json`)] : [spec, `${spec}.json`, `${spec}/tsconfig.json`];
    for (const c of candidates) {
      let resolved: string | undefined;
      try {
        resolved = req.resolve(c);
      } catch {
        continue;
      }
      out.push(...(await withExtends(resolved, depth + 1)));
      break;
    }
  }
  return out;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
