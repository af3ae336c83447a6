// Measures the tfjs speed rules documented in experiments/lib/tfjs.ts (run: npx tsx scripts/measureTfjs.ts).
import { loadBackend } from '../experiments/runtime/backend';

const { tf, name } = await loadBackend('wasm');
const time = (label: string, f: () => void, reps = 5) => {
  f();
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) f();
  const ms = (performance.now() - t0) / reps;
  console.log(`${label.padEnd(58)} ${ms.toFixed(2)} ms`);
  return ms;
};
const n = 2048, d = 256;
const A = new Float32Array(n * d).map(() => Math.random());
console.log(`backend ${name}, tfjs ${tf.version.tfjs}`);
const inside = time('dataSync returned from inside tf.tidy (n×d Gram)', () => {
  tf.tidy(() => { const a = tf.tensor2d(A, [n, d]); return tf.matMul(tf.transpose(a), a).dataSync(); });
});
const outside = time('dataSync read outside, tensors disposed by hand', () => {
  const a = tf.tensor2d(A, [n, d]); const aT = tf.transpose(a); const g = tf.matMul(aT, a); g.dataSync(); tf.dispose([a, aT, g]);
});
const flag = time('matMul(a, a, transposeA=true), disposed by hand', () => {
  const a = tf.tensor2d(A, [n, d]); const g = tf.matMul(a, a, true, false); g.dataSync(); tf.dispose([a, g]);
});
const B = 16, m = 512, k = 64;
const H = new Float32Array(B * m * k).map(() => Math.random());
const batched = time(`batched 3-D matMul [${B},${k},${m}]x[${B},${m},${k}]`, () => {
  const h = tf.tensor3d(H, [B, m, k]); const hT = tf.transpose(h, [0, 2, 1]); const g = tf.matMul(hT, h); g.dataSync(); tf.dispose([h, hT, g]);
});
const perProblem = time(`${B} 2-D matMuls [${k},${m}]x[${m},${k}]`, () => {
  for (let b = 0; b < B; b++) {
    const h = tf.tensor2d(H.subarray(b * m * k, (b + 1) * m * k), [m, k]); const hT = tf.transpose(h); const g = tf.matMul(hT, h); g.dataSync(); tf.dispose([h, hT, g]);
  }
});
console.log(`ratios: tidy/outside ${(inside / outside).toFixed(1)}x, transpose flag/explicit ${(flag / outside).toFixed(1)}x, batched/per-problem ${(batched / perProblem).toFixed(1)}x`);
