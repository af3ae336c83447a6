import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';

export const BACKENDS = ['auto', 'node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendRequest = (typeof BACKENDS)[number];
export type Tf = typeof TF;

export interface LoadedBackend {
  tf: Tf;
  /** The backend that actually runs: node-gpu, node, wasm or cpu. */
  name: Exclude<BackendRequest, 'auto'>;
  tfjsVersion: string;
  /** Why faster backends were skipped under `auto` (full messages: for `--explain` and errors). */
  skipped: string[];
  /** One line for the log: `wasm (no GPU backend installed)`, without paths that read like errors. */
  summary: string;
}

/** A load failure that only means "this optional package, or its native addon, is not installed". */
function notInstalled(message: string): boolean {
  return /Cannot find (package|module)|native addon module .* can not be found|ERR_MODULE_NOT_FOUND|MODULE_NOT_FOUND/i.test(message);
}

/** The backend line: the name, and in words why a faster one is not in use (details only when it failed). */
export function backendSummary(name: string, skipped: readonly string[]): string {
  if (skipped.length === 0) return name;
  const failed = skipped.filter((s) => !notInstalled(s));
  if (failed.length === 0) return `${name} (no GPU backend installed)`;
  return `${name} (${failed.map((s) => s.split(':')[0]).join(', ')} installed but failed to load: ${failed.map((s) => s.slice(s.indexOf(':') + 1).trim().slice(0, 120)).join('; ')})`;
}

const INSTALL_HELP: Record<string, string> = {
  'node-gpu':
    'install @tensorflow/tfjs-node-gpu on a Linux machine with CUDA and network access: set "@tensorflow/tfjs-node-gpu": true in package.json "allowScripts", then run `npm rebuild @tensorflow/tfjs-node-gpu` (its install script downloads libtensorflow)',
  node: 'run `npm install @tensorflow/tfjs-node` with its install script allowed in package.json "allowScripts" (it downloads libtensorflow at install time)',
  wasm: 'run `npm install` (it is a regular dependency: @tensorflow/tfjs-backend-wasm)',
  cpu: 'run `npm install` (@tensorflow/tfjs ships the cpu backend)',
};

export function parseBackendRequest(value: string | undefined): BackendRequest {
  const v = (value ?? 'auto').trim() || 'auto';
  if (!(BACKENDS as readonly string[]).includes(v)) {
    throw new Error(`READOFF_BACKEND: got "${v}"; allowed values: ${BACKENDS.join(', ')}`);
  }
  return v as BackendRequest;
}

// tfjs's packages are CommonJS in Node (their `main`; no `exports` map), so `import()` reaches the very same files.
// Required directly, they skip the ESM loader's per-file work under tsx: measured 0.84–1.03 CPU-s per process
// against 1.49–1.71 for `import()` (tfjs + the wasm backend, ready), paid by every worker and CLI start.
const requirePackage = createRequire(import.meta.url);

async function tryLoad(name: Exclude<BackendRequest, 'auto'>): Promise<Tf> {
  const tf = requirePackage('@tensorflow/tfjs') as typeof TF;
  if (name === 'node-gpu') {
    requirePackage('@tensorflow/tfjs-node-gpu');
    await setOrThrow(tf, 'tensorflow');
  } else if (name === 'node') {
    requirePackage('@tensorflow/tfjs-node');
    await setOrThrow(tf, 'tensorflow');
  } else if (name === 'wasm') {
    requirePackage('@tensorflow/tfjs-backend-wasm');
    await setOrThrow(tf, 'wasm');
  } else {
    await setOrThrow(tf, 'cpu');
  }
  return tf as unknown as Tf;
}

async function setOrThrow(tf: typeof TF, backend: string) {
  const ok = await tf.setBackend(backend);
  if (!ok) throw new Error(`tf.setBackend("${backend}") returned false`);
  await tf.ready();
}

/** Load the requested backend; `auto` tries node-gpu, node, then wasm. cpu runs only when named. */
export async function loadBackend(request: BackendRequest): Promise<LoadedBackend> {
  const order: Exclude<BackendRequest, 'auto'>[] = request === 'auto' ? ['node-gpu', 'node', 'wasm'] : [request];
  const skipped: string[] = [];
  for (const name of order) {
    try {
      const tf = await tryLoad(name);
      return { tf, name, tfjsVersion: tf.version.tfjs, skipped, summary: backendSummary(name, skipped) };
    } catch (err: any) {
      const why = firstLine(err?.message ?? String(err));
      if (request !== 'auto') {
        throw new Error(`READOFF_BACKEND=${name}: the backend could not load (${why}). To use it, ${INSTALL_HELP[name]}.`);
      }
      skipped.push(`${name}: ${why}`);
    }
  }
  throw new Error(`READOFF_BACKEND=auto: no backend could load:\n  ${skipped.join('\n  ')}\nTo fix, ${INSTALL_HELP.wasm}.`);
}

/**
 * The backend an experiment that never reads `ctx.tf` (`tensorflow: false`) records, without loading TensorFlow.js.
 * `auto` names wasm when no GPU package is installed, as `loadBackend` would; with one installed, whether it works
 * decides, so this loads it. Its `tf` throws, naming the experiment's declaration.
 */
export async function backendWithoutTensorflow(request: BackendRequest): Promise<LoadedBackend> {
  // A default install has @tensorflow/tfjs-node-gpu (an optional dependency) without its native addon, which its
  // blocked install script would have downloaded: the package counts as installed only with the addon.
  const installed = (pkg: string) => {
    try {
      const lib = path.join(path.dirname(requirePackage.resolve(`${pkg}/package.json`)), 'lib');
      return readdirSync(lib).some((d) => d.startsWith('napi-v') && existsSync(path.join(lib, d, 'tfjs_binding.node')));
    } catch {
      return false;
    }
  };
  const gpuPackages = [['node-gpu', '@tensorflow/tfjs-node-gpu'], ['node', '@tensorflow/tfjs-node']] as const;
  if (request === 'node-gpu' || request === 'node' || (request === 'auto' && gpuPackages.some(([, pkg]) => installed(pkg)))) return loadBackend(request);
  const name = request === 'cpu' ? 'cpu' : 'wasm';
  const skipped = request === 'auto' ? gpuPackages.map(([backend, pkg]) => `${backend}: Cannot find module '${pkg}' (or its native addon)`) : [];
  return {
    get tf(): Tf {
      throw new Error('ctx.tf: this experiment declares `tensorflow: false`, so TensorFlow.js was not loaded; remove that line to use it');
    },
    name, tfjsVersion: (requirePackage('@tensorflow/tfjs/package.json') as { version: string }).version, skipped, summary: backendSummary(name, skipped),
  };
}

const loaded = new Map<string, Promise<LoadedBackend>>();

/**
 * The backend for one of `def`'s units, loaded once per process and request: `loadBackend`, or
 * `backendWithoutTensorflow` for an experiment that declares it never reads `ctx.tf`.
 */
export function backendFor(def: { tensorflow?: false }, request: BackendRequest): Promise<LoadedBackend> {
  const which = `${request}${def.tensorflow === false ? ' without tfjs' : ''}`;
  if (!loaded.has(which)) loaded.set(which, def.tensorflow === false ? backendWithoutTensorflow(request) : loadBackend(request));
  return loaded.get(which)!;
}

function firstLine(s: string): string {
  return s.split('\n')[0].slice(0, 300);
}
