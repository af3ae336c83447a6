import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { initLm, trainLm, type LmShape } from '../../experiments/sae-errors/charLm';
import { VOCAB } from '../../experiments/sae-errors/corpus';
import { createLmKernels, type Shape3 } from '../../experiments/sae-errors/lmKernels';
import { createLmOps, tfLmOps } from '../../experiments/sae-errors/lmOps';

const { loadBackend } = await import('../../experiments/runtime/backend');
const { tf } = await loadBackend('wasm');
const k = await createLmKernels();

/** Indices where two arrays differ bit for bit (Object.is tells -0 from 0). */
function differing(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(b.length).toBe(a.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) n++;
  return n;
}

describe('the language model kernels are bit-identical to the tfjs-wasm kernels they replace', () => {
  const rng = new Rng(5, 'lm-kernels');

  it('batched products: every transpose flag, shared dimensions across the 48-long blocks, odd sizes', () => {
    for (const [batch, M, K, N] of [[3, 5, 7, 9], [8, 64, 16, 64], [8, 64, 64, 16], [2, 3, 49, 20], [1, 1, 1, 1], [4, 17, 97, 33], [2, 6, 0, 5]])
      for (const ta of [false, true])
        for (const tb of [false, true]) {
          const aS: Shape3 = ta ? [batch, K, M] : [batch, M, K];
          const bS: Shape3 = tb ? [batch, N, K] : [batch, K, N];
          const a = rng.fillNormal(new Float32Array(aS[0] * aS[1] * aS[2]), 0, 1);
          const b = rng.fillNormal(new Float32Array(bS[0] * bS[1] * bS[2]), 0, 1);
          const want = tf.tidy(() => tf.matMul(tf.tensor3d(a, aS as [number, number, number]), tf.tensor3d(b, bS as [number, number, number]), ta, tb).dataSync());
          expect(differing(want, k.matMul(a, aS, ta, b, bS, tb)), `${batch}×${M}×${K}×${N} ${ta} ${tb}`).toBe(0);
        }
    expect(() => k.matMul(new Float32Array(6), [1, 2, 3], false, new Float32Array(8), [1, 4, 2], false)).toThrow(/inner dimensions/);
  });

  it('column sums equal tf.sum over axis 0, and transposes equal tf.transpose', () => {
    for (const [rows, cols] of [[2048, 64], [33, 7], [5, 96], [1, 1], [9, 17]]) {
      const x = rng.fillNormal(new Float32Array(rows * cols), 0, 3);
      const t = tf.tensor2d(x, [rows, cols]);
      expect(differing(tf.sum(t, 0).dataSync(), k.columnSums(x, rows, cols)), `${rows}×${cols}`).toBe(0);
      expect(differing(tf.transpose(t).dataSync(), k.transpose(x, rows, cols))).toBe(0);
      t.dispose();
    }
  });

  it('the ops give the values and gradients of tfjs ops bit for bit', async () => {
    const ops = await createLmOps(tf);
    const ref = tfLmOps(tf);
    const x = tf.tensor2d(rng.fillNormal(new Float32Array(70 * 24), 0, 1), [70, 24]);
    const w = tf.tensor2d(rng.fillNormal(new Float32Array(24 * 12), 0, 1), [24, 12]);
    const g = tf.tensor1d(rng.fillNormal(new Float32Array(24), 1, 0.3));
    const b = tf.tensor1d(rng.fillNormal(new Float32Array(24), 0, 1));
    const q = tf.tensor3d(rng.fillNormal(new Float32Array(6 * 10 * 4), 0, 1), [6, 10, 4]);
    const kk = tf.tensor3d(rng.fillNormal(new Float32Array(6 * 10 * 4), 0, 1), [6, 10, 4]);
    const loss = (o: typeof ops) => (x: TF, w: TF, g: TF, b: TF, q: TF, kk: TF) => {
      const h = o.scaleShift(x as never, g, b);
      const y = o.addBias(o.matMul(tf.relu(h) as never, w as never), tf.sum(w, 0));
      const s = o.batchMatMul(o.batchMatMul(q as never, kk as never, false, true), kk as never);
      return tf.add(tf.sum(tf.square(y)), tf.sum(tf.sin(s)));
    };
    const want = tf.grads(loss(ref))([x, w, g, b, q, kk]);
    const got = tf.grads(loss(ops))([x, w, g, b, q, kk]);
    for (let i = 0; i < want.length; i++) expect(differing(want[i].dataSync(), got[i].dataSync()), `gradient ${i}`).toBe(0);
    expect(differing(loss(ref)(x, w, g, b, q, kk).dataSync(), loss(ops)(x, w, g, b, q, kk).dataSync())).toBe(0);
    tf.dispose([x, w, g, b, q, kk, ...want, ...got]);
  });

  it('training the language model with them gives the same weights, bit for bit', async () => {
    const s: LmShape = { vocab: VOCAB, ctx: 8, dModel: 16, heads: 2, dMlp: 32, layers: 2 };
    const train = async (ops: Awaited<ReturnType<typeof createLmOps>>) => {
      const data = new Rng(7, 'windows');
      const held = Int32Array.from({ length: 4 * 9 }, () => data.int(VOCAB));
      return trainLm(tf, s, initLm(new Rng(6, 'init'), s), {
        maxSteps: 12,
        batch: 4,
        lr: 1e-2,
        lrMin: 1e-3,
        warmup: 3,
        evalEvery: 4,
        patience: 10,
        relTol: 0,
        sample: (w) => w.forEach((_, i) => (w[i] = data.int(VOCAB))),
        heldOut: { tokens: held, windows: 4 },
        ops,
      });
    };
    const want = await train(tfLmOps(tf));
    const got = await train(await createLmOps(tf));
    expect(got.curve).toEqual(want.curve);
    for (const name of Object.keys(want.params)) expect(differing(want.params[name], got.params[name]), name).toBe(0);
  }, 60_000);
});

type TF = ReturnType<typeof tf.tensor>;
