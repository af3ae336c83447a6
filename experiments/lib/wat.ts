import wabtInit from 'wabt';

/**
 * WebAssembly from text, assembled at load: hand-written kernels keep their WAT source in a TypeScript module, so
 * the source is part of the experiment's module graph (and its cache key) and no binary is committed. `wabt`
 * (wat2wasm compiled to wasm) assembles it in Node and in the browser worker alike. SIMD (v128) and bulk memory
 * are enabled; both are in every engine this project runs on (Node 20, Chromium).
 */

type Wabt = Awaited<ReturnType<typeof wabtInit>>;

let wabt: Promise<Wabt> | null = null;
const modules = new Map<string, Promise<WebAssembly.Module>>();

/** The compiled module for `source` (cached per source text); `name` labels parse errors. */
export function assembleWat(name: string, source: string): Promise<WebAssembly.Module> {
  let m = modules.get(source);
  if (!m) {
    wabt ??= wabtInit();
    m = wabt.then((w) => {
      const parsed = w.parseWat(`${name}.wat`, source, { simd: true, bulk_memory: true });
      try {
        parsed.resolveNames();
        parsed.validate();
        return new WebAssembly.Module(new Uint8Array(parsed.toBinary({}).buffer));
      } finally {
        parsed.destroy();
      }
    });
    modules.set(source, m);
  }
  return m;
}
