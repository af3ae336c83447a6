/**
 * The browser re-run's worker in the built site: experiments/browserWorker.ts (TensorFlow.js, every experiment)
 * bundled by esbuild into the site's assets, and the Vite plugin that points the panel at it. Vite bundled this
 * worker before; measured on the quick site, that took about 7 of the build's 31 s and 9.5 CPU-s, and esbuild takes
 * under one. The output matches what Vite made: ES modules, minified, the experiments' and tfjs's shared code split
 * into chunks loaded on demand, tfjs's wasm binaries beside them, every file name content-hashed.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type { Plugin } from 'vite';
import { projectRoot } from '../lib/projectRoot';
import { replaceImport } from '../integration/replaceImport';

/**
 * Node built-ins in the bundle: those an experiment imports (the SOTU corpus of /sae-errors/ reads files with node:fs)
 * become stubs whose functions throw a clear error, so the bundle builds and only running that experiment in a
 * browser fails; bare built-ins that a dependency requires only when it runs under Node (wabt's `require("fs")`)
 * become empty modules. (Under `astro dev`, Vite's own browser-external modules do the same.)
 */
const NODE_STUBS: Record<string, string[]> = {
  'node:fs': ['readdirSync', 'readFileSync'],
  'node:module': ['createRequire'],
  'node:path': ['join', 'dirname'],
};

function stubSource(mod: string): string {
  const fail = `(name) => () => { throw new Error(name + ' is not available in the browser: this experiment reads files on the build machine'); }`;
  const names = NODE_STUBS[mod];
  return [`const fail = ${fail};`, ...names.map((n) => `export const ${n} = fail('${mod} ${n}');`), `export default { ${names.map((n) => `${n}: fail('${mod} ${n}')`).join(', ')} };`].join('\n');
}

const BARE_BUILTINS = new RegExp(`^(${builtinModules.filter((m) => !m.startsWith('_')).map((m) => m.replace(/[/]/g, '\\/')).join('|')})$`);

/** Resolves what Vite resolved for the worker: `?url` imports to files, Node built-ins to stubs. */
const viteCompatible: esbuild.Plugin = {
  name: 'readoff-worker-imports',
  setup(build) {
    build.onResolve({ filter: /\?url$/ }, async (a) => {
      const r = await build.resolve(a.path.slice(0, -'?url'.length), { resolveDir: a.resolveDir, kind: a.kind, importer: a.importer });
      return r.errors.length ? { errors: r.errors } : { path: r.path };
    });
    build.onResolve({ filter: /^node:/ }, (a) =>
      a.path in NODE_STUBS ? { path: a.path, namespace: 'readoff-stub' } : { errors: [{ text: `${a.path} is not stubbed for the browser: add it to NODE_STUBS in src/rerun/workerBundle.ts` }] },
    );
    build.onLoad({ filter: /.*/, namespace: 'readoff-stub' }, (a) => ({ contents: stubSource(a.path), loader: 'js' }));
    build.onResolve({ filter: BARE_BUILTINS }, (a) => ({ path: a.path, namespace: 'readoff-empty' }));
    build.onLoad({ filter: /.*/, namespace: 'readoff-empty' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

/** Bundles the worker into `outDir`; returns the entry's file name. */
export async function bundleRerunWorker(outDir: string): Promise<{ entry: string; files: number; bytes: number }> {
  const result = await esbuild.build({
    absWorkingDir: projectRoot(),
    entryPoints: { browserWorker: 'experiments/browserWorker.ts' },
    bundle: true,
    format: 'esm',
    splitting: true,
    platform: 'browser',
    target: 'es2022',
    minify: true,
    outdir: outDir,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    // tfjs's wasm binaries: their imports become URLs relative to the worker (all files share one folder).
    loader: { '.wasm': 'file' },
    metafile: true,
    logLevel: 'silent',
    plugins: [viteCompatible],
  });
  const outputs = Object.entries(result.metafile.outputs);
  const entry = outputs.find(([, o]) => o.entryPoint === 'experiments/browserWorker.ts');
  if (!entry) throw new Error('re-run worker bundle: esbuild wrote no entry for experiments/browserWorker.ts');
  return { entry: path.basename(entry[0]), files: outputs.length, bytes: outputs.reduce((s, [, o]) => s + o.bytes, 0) };
}

/** Vite plugin for `astro build`: the panel's `./worker` starts the bundled worker at the URL `url()` gives when the client is bundled. */
export function builtWorkerModule(url: () => string): Plugin {
  return replaceImport('readoff-built-rerun-worker', './worker', '/src/rerun/panel.ts', () =>
    `export function startWorker() { return new Worker(${JSON.stringify(url())}, { type: 'module', name: 'readoff-rerun' }); }\n`);
}
