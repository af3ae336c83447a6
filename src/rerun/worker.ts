/**
 * Starts the re-run worker (experiments/browserWorker.ts). This file serves `astro dev`, where Vite serves the worker
 * from source. `astro build` replaces it (src/rerun/workerBundle.ts: builtWorkerModule) with one that starts the
 * worker esbuild bundled, so Vite never bundles the worker itself.
 */
export function startWorker(): Worker {
  return new Worker(new URL('../../experiments/browserWorker.ts', import.meta.url), { type: 'module', name: 'readoff-rerun' });
}
