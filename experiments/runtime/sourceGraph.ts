import { build, transform, type Loader } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { sha256 } from './canonicalJson';

/** One entry's local modules: repo-relative path → content hash, and each module's local imports (paths). */
export interface ModuleGraph {
  modules: Record<string, string>;
  imports: Record<string, string[]>;
  /** Module path → the npm packages it imports (names, not versions; builtins left out). */
  packages: Record<string, string[]>;
}

/** The graphs, and every local file esbuild read to make them (root-relative, as esbuild names them). */
export interface ModuleGraphAnalysis {
  graphs: Record<string, ModuleGraph>;
  /** Every local module reached, including those whose code no entry keeps (their edits can still change a graph). */
  read: string[];
}

/**
 * The local modules each entry imports, transitively, with a content hash for each.
 * esbuild resolves the graph (type-only imports are dropped, as they cannot change results);
 * packages stay external (their code is not hashed): each module's package names are listed instead, and the plan
 * keys the installed version of each (a `wabt` upgrade can change an assembled kernel as a tfjs upgrade can).
 * Each module is hashed after esbuild strips its types, comments and whitespace, so editing a comment
 * or checking out with CRLF line endings does not re-run anything; changing code does. The specifiers of
 * local imports are blanked before hashing (the graph's edges are kept apart, in `imports`), so a module's
 * hash does not depend on where it or the modules it imports live: moving files changes no hash.
 */
export async function analyzeModuleGraphs(entries: Record<string, string>, root: string): Promise<ModuleGraphAnalysis> {
  const ids = Object.keys(entries);
  if (ids.length === 0) return { graphs: {}, read: [] };
  const entryPoints = ids.map((id) => ({ in: entries[id], out: id }));
  const result = await build({
    entryPoints,
    absWorkingDir: root,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outdir: path.join(root, '.readoff-graph'),
    logLevel: 'silent',
  });
  const inputs = result.metafile.inputs;
  const localImports = (rel: string) => (inputs[rel]?.imports ?? []).filter((i) => !i.external && inputs[i.path]);
  const packageImports = (rel: string) =>
    [...new Set((inputs[rel]?.imports ?? []).filter((i) => i.external).map((i) => packageName(i.path)).filter((n): n is string => n !== null))].sort();
  const hashes = new Map<string, string>();
  const hashOf = async (rel: string) => {
    let h = hashes.get(rel);
    if (!h) {
      const specifiers = localImports(rel).map((i) => i.original).filter((s): s is string => Boolean(s));
      h = sha256(await normalizedSource(path.join(root, rel), specifiers));
      hashes.set(rel, h);
    }
    return h;
  };
  const graphs: Record<string, ModuleGraph> = {};
  for (const [outFile, output] of Object.entries(result.metafile.outputs)) {
    const id = ids.find((i) => path.basename(outFile) === `${i}.js`);
    if (!id) continue;
    const graph: ModuleGraph = { modules: {}, imports: {}, packages: {} };
    for (const rel of Object.keys(output.inputs).sort()) {
      graph.modules[toPosix(rel)] = await hashOf(rel);
      graph.imports[toPosix(rel)] = [...new Set(localImports(rel).map((i) => toPosix(i.path)))].sort();
      graph.packages[toPosix(rel)] = packageImports(rel);
    }
    graphs[id] = graph;
  }
  for (const id of ids) if (!graphs[id]) throw new Error(`module graph: esbuild produced no output for experiment "${id}"`);
  return { graphs, read: Object.keys(inputs).sort() };
}

const LOADERS: Record<string, Loader> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'jsx', '.json': 'json' };

async function normalizedSource(file: string, localSpecifiers: readonly string[]): Promise<string> {
  const text = (await readFile(file, 'utf8')).replace(/\r\n?/g, '\n');
  const loader = LOADERS[path.extname(file)];
  if (!loader) return text;
  let code = (await transform(text, { loader, minifyWhitespace: true, legalComments: 'none', format: 'esm' })).code;
  for (const s of localSpecifiers) code = code.split(JSON.stringify(s)).join('""').split(`'${s}'`).join('""');
  return code;
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`; null for Node builtins (`node:fs`, `fs`) and relative paths. */
export function packageName(specifier: string): string | null {
  if (specifier.startsWith('node:') || specifier.startsWith('.') || specifier.startsWith('/') || isBuiltin(specifier)) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
