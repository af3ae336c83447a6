/**
 * The one entry point through which a browser reaches the experiments: a Web Worker (bundled by esbuild when the
 * site builds, src/rerun/workerBundle.ts, and served by Vite under `astro dev`, from these same source files) that
 * describes an experiment's config for a form and runs it with the reader's config, on WebGPU where the browser and
 * the bundle have it, else on wasm. The browser counterpart of `worker.ts`.
 *
 * Messages in: `{ type: 'describe', req, id }`, `{ type: 'run', req, id, config }`.
 * Messages out, each with the request's `req`: `describe`, `progress`, `log`, `done`, `error` (see `WorkerReply`).
 */
import { registry } from './index';
import { describeConfig, type FormField } from './runtime/configForm';
import { runInBrowser, type BrowserProgress } from './runtime/browserRun';
import type { Tf } from './runtime/backend';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export type WorkerRequest = { req: number } & ({ type: 'describe'; id: string } | { type: 'run'; id: string; config: unknown });

export type WorkerReply = { req: number; id: string } & (
  | { type: 'describe'; title: string; fields: FormField[]; profile: 'quick'; timeLimitSeconds: number | null; offered: boolean; why?: string }
  | ({ type: 'progress' } & BrowserProgress)
  | { type: 'log'; line: string }
  | {
      type: 'done'; config: Record<string, unknown> & { seed: number }; results: unknown; wallSeconds: number;
      backend: string; backendDetail: string; tfjsVersion: string;
    }
  | { type: 'error'; message: string }
);

const post = (m: WorkerReply) => (self as unknown as { postMessage(m: unknown): void }).postMessage(m);

let loaded: Promise<{ tf: Tf; name: string; detail: string; tfjsVersion: string }> | undefined;

/**
 * wasm, as the build runs it: the same SIMD binary, single-threaded unless the page is cross-origin isolated.
 * (WebGPU would need @tensorflow/tfjs-backend-webgpu, which is not a dependency: where the browser has WebGPU the
 * detail says so, and the run stays on wasm, whose numbers equal the build's.)
 */
async function hasWebGpu(): Promise<boolean> {
  try {
    const gpu = (navigator as any).gpu;
    return Boolean(gpu && (await gpu.requestAdapter()));
  } catch {
    return false;
  }
}

/**
 * tfjs-core with what @tensorflow/tfjs adds to it that experiments use (gradients, for training; chained ops such as
 * `x.square()`), and the wasm backend. Nothing else of @tensorflow/tfjs: its layers, converter, data and WebGL and
 * cpu backends were most of the bundle a reader downloads, and most of the site build's time for this worker.
 */
async function loadBackend() {
  const core = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-core/dist/register_all_gradients');
  await import('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops');
  const tf = core as unknown as Tf;
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
  });
  if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
  await tf.ready();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  const gpu = (await hasWebGpu()) ? 'the browser has WebGPU, but this site bundles the wasm backend only' : 'no WebGPU adapter in this browser';
  const detail = `${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'multi-threaded (cross-origin isolated)' : 'single-threaded (the page is not cross-origin isolated)'}; ${gpu}`;
  return { tf, name: 'wasm', detail, tfjsVersion: core.version_core };
}

// Some experiments read the process's CPU time for a measured field (`process.cpuUsage`). A worker has no such
// clock; its thread is busy for the whole of a synchronous run, so its wall clock stands in (as user time).
const g = globalThis as any;
const cpuUsage = (prev?: { user: number; system: number }) => ({ user: Math.round(performance.now() * 1000) - (prev?.user ?? 0), system: 0 - (prev?.system ?? 0) });
g.process ??= { cpuUsage, env: {} };

self.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const req = e.data;
  const r = req.req;
  const def = registry.find((d) => d.id === req.id);
  if (!def) return post({ type: 'error', req: r, id: req.id, message: `no experiment "${req.id}"; known: ${registry.map((d) => d.id).join(', ')}` });
  if (req.type === 'describe') {
    const offered = !def.upstream?.length;
    return post({
      type: 'describe', req: r, id: def.id, title: def.title, fields: describeConfig(def.config, def.profiles.quick), profile: 'quick',
      timeLimitSeconds: def.timeLimitSeconds?.quick ?? null, offered, ...(offered ? {} : { why: `it reads upstream experiments (${def.upstream!.join(', ')})` }),
    });
  }
  try {
    loaded ??= loadBackend();
    const backend = await loaded;
    const out = await runInBrowser({
      def, config: req.config, profile: 'quick', tf: backend.tf, backend: backend.name,
      onProgress: (p) => post({ type: 'progress', req: r, id: def.id, ...p }),
      log: (line) => post({ type: 'log', req: r, id: def.id, line }),
    });
    post({ type: 'done', req: r, id: def.id, config: out.config, results: out.results, wallSeconds: out.wallSeconds, backend: backend.name, backendDetail: backend.detail, tfjsVersion: backend.tfjsVersion });
  } catch (err: any) {
    post({ type: 'error', req: r, id: def.id, message: err?.message ?? String(err) });
  }
};
