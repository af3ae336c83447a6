import type { Tf } from '../runtime/backend';

interface WasmInternals {
  wasm?: { HEAPF32?: Float32Array };
  dataIdMap?: { get(id: object): { memoryOffset?: number } | undefined };
}

/**
 * C = A·B (row-major, A is n×k, B is k×m) on the active tfjs backend, written into `out` (n×m). On wasm the product is
 * read straight from the module's heap: `dataSync()` would allocate a fresh array per call, which at the small
 * shapes of hand-written training loops costs more than the product. Other backends fall back to `dataSync()`.
 * Operands are never transposed here: a transposed matMul takes a much slower wasm path; transpose in the caller.
 */
export function heapMatMul(tf: Tf, a: Float32Array, n: number, k: number, b: Float32Array, m: number, out: Float32Array): Float32Array {
  if (a.length < n * k || b.length < k * m || out.length < n * m) throw new Error(`heapMatMul: shapes ${n}×${k} · ${k}×${m} do not fit arrays of ${a.length}, ${b.length} → ${out.length}`);
  const ta = tf.tensor2d(a.subarray(0, n * k), [n, k]);
  const tb = tf.tensor2d(b.subarray(0, k * m), [k, m]);
  const tc = tf.matMul(ta, tb);
  const be = tf.backend() as unknown as WasmInternals;
  const heap = be.wasm?.HEAPF32;
  const offset = heap ? be.dataIdMap?.get(tc.dataId)?.memoryOffset : undefined;
  if (heap && offset !== undefined) out.set(heap.subarray(offset >> 2, (offset >> 2) + n * m));
  else out.set(tc.dataSync());
  tf.dispose([ta, tb, tc]);
  return out;
}
