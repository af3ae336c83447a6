import type { Plugin } from 'vite';

/**
 * Vite plugin: one module's import of `specifier` (the importer's path ends with `importerSuffix`) loads `source()`
 * instead. The light test build stubs the re-run panel with it, and `astro build` points the panel at the bundled
 * worker (src/rerun/workerBundle.ts).
 */
export function replaceImport(name: string, specifier: string, importerSuffix: string, source: () => string): Plugin {
  const id = `\0${name}`;
  return {
    name,
    enforce: 'pre',
    resolveId(requested: string, importer: string | undefined) {
      return requested === specifier && importer?.replace(/\\/g, '/').endsWith(importerSuffix) ? id : null;
    },
    load(loaded: string) {
      return loaded === id ? source() : null;
    },
  };
}
