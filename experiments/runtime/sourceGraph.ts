import { build, transform, type Loader } from 'esbuild';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256 } from './canonicalJson';

/**
 * The local modules each entry imports, transitively, with a content hash for each.
 * esbuild resolves the graph (type-only imports are dropped, as they cannot change results);
 * packages stay external because their version is covered by the lockfile and the tfjs version.
 * Each module is hashed after esbuild strips its types, comments and whitespace, so editing a comment
 * or checking out with CRLF line endings does not re-run anything; changing code does.
 */
export async function localModuleGraphs(
  entries: Record<string, string>,
  root: string,
): Promise<Record<string, Record<string, string>>> {
  const ids = Object.keys(entries);
  if (ids.length === 0) return {};
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
  const hashes = new Map<string, string>();
  const hashOf = async (rel: string) => {
    let h = hashes.get(rel);
    if (!h) {
      h = sha256(await normalizedSource(path.join(root, rel)));
      hashes.set(rel, h);
    }
    return h;
  };
  const graphs: Record<string, Record<string, string>> = {};
  for (const [outFile, output] of Object.entries(result.metafile.outputs)) {
    const id = ids.find((i) => path.basename(outFile) === `${i}.js`);
    if (!id) continue;
    const files: Record<string, string> = {};
    for (const rel of Object.keys(output.inputs).sort()) files[toPosix(rel)] = await hashOf(rel);
    graphs[id] = files;
  }
  for (const id of ids) if (!graphs[id]) throw new Error(`module graph: esbuild produced no output for experiment "${id}"`);
  return graphs;
}

const LOADERS: Record<string, Loader> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'jsx', '.json': 'json' };

async function normalizedSource(file: string): Promise<string> {
  const text = (await readFile(file, 'utf8')).replace(/\r\n?/g, '\n');
  const loader = LOADERS[path.extname(file)];
  if (!loader) return text;
  return (await transform(text, { loader, minifyWhitespace: true, legalComments: 'none', format: 'esm' })).code;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
