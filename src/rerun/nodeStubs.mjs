// Vite plugin for the browser re-run's worker bundle: Node built-ins that an experiment imports (the SOTU corpus of
// /sae-errors/ reads files with node:fs) resolve to stubs whose functions throw a clear error, so the bundle builds
// and only running that experiment in a browser fails.
const STUBS = {
  'node:fs': ['readdirSync', 'readFileSync'],
  'node:module': ['createRequire'],
  'node:path': ['join', 'dirname'],
};

/** @returns {import('vite').Plugin} */
export function nodeBuiltinStubs() {
  return {
    name: 'readoff-node-builtin-stubs',
    enforce: 'pre',
    resolveId(id) {
      return id in STUBS ? `\0readoff-stub:${id}` : null;
    },
    load(id) {
      if (!id.startsWith('\0readoff-stub:')) return null;
      const mod = id.slice('\0readoff-stub:'.length);
      const fail = `(name) => () => { throw new Error(name + ' is not available in the browser: this experiment reads files on the build machine'); }`;
      const names = STUBS[mod];
      return [`const fail = ${fail};`, ...names.map((n) => `export const ${n} = fail('${mod} ${n}');`), `export default { ${names.map((n) => `${n}: fail('${mod} ${n}')`).join(', ')} };`].join('\n');
    },
  };
}
