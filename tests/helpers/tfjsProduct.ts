/** Test oracle for the float32 product kernels (lib/matMulF32.ts, lib/matMulSkipZerosF32.ts): tfjs-wasm's matMul. */
import { loadBackend } from '../../experiments/runtime/backend';

const { tf } = await loadBackend('wasm');

/** tfjs-wasm's A·B (M×K by K×N), summed over every entry: the products the training step ran before its kernels. */
export function tfjsProduct(A: Float32Array, B: Float32Array, M: number, N: number, K: number): Float32Array {
  const c = tf.tidy(() => tf.matMul(tf.tensor2d(A, [M, K]), tf.tensor2d(B, [K, N])));
  const v = c.dataSync() as Float32Array;
  c.dispose();
  return v;
}

/** How many entries differ in any bit (±0 and NaN payloads compared as Object.is does). */
export const differing = (a: Float32Array, b: Float32Array) => a.reduce((n, v, i) => n + (Object.is(v, b[i]) ? 0 : 1), 0);
