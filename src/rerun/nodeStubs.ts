// Node built-ins in the browser re-run's worker bundle: those an experiment imports (the SOTU corpus of
// /sae-errors/ reads files with node:fs) become stubs whose functions throw a clear error, so the bundle builds and
// only running that experiment in a browser fails. Bare built-ins that a dependency requires only when it runs
// under Node (wabt's `require("fs")`) become empty modules. Used by the build's esbuild bundle
// (src/rerun/workerBundle.ts) and by `astro dev`'s Vite worker.

import type { Plugin } from 'vite';

/** The `node:` modules experiments import, and the names they use from each. */
export const NODE_STUBS: Record<string, string[]> = {
  'node:fs': ['readdirSync', 'readFileSync'],
  'node:module': ['createRequire'],
  'node:path': ['join', 'dirname'],
};

/** ES module source of the stub for one of NODE_STUBS's modules. */
export function stubSource(mod: string): string {
  const fail = `(name) => () => { throw new Error(name + ' is not available in the browser: this experiment reads files on the build machine'); }`;
  const names = NODE_STUBS[mod];
  return [`const fail = ${fail};`, ...names.map((n) => `export const ${n} = fail('${mod} ${n}');`), `export default { ${names.map((n) => `${n}: fail('${mod} ${n}')`).join(', ')} };`].join('\n');
}

/** For `astro dev`, whose Vite serves the worker from source (vite.worker.plugins in astro.config.mjs). */
export function nodeBuiltinStubs(): Plugin {
  return {
    name: 'readoff-node-builtin-stubs',
    enforce: 'pre',
    resolveId(id: string) {
      return id in NODE_STUBS ? `\0readoff-stub:${id}` : null;
    },
    load(id: string) {
      return id.startsWith('\0readoff-stub:') ? stubSource(id.slice('\0readoff-stub:'.length)) : null;
    },
  };
}
