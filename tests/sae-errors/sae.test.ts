import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { norm } from '../../experiments/sae-errors/perturbations';
import { encode, initSae, topkMask, trainSae } from '../../experiments/sae-errors/sae';
import { makeTask, sampleBatch } from '../../experiments/sae-errors/toyData';

const { loadBackend } = await import('../../experiments/runtime/backend');
const { tf } = await loadBackend('wasm');

describe('TopK', () => {
  it('keeps each row’s k largest pre-activations', () => {
    const pre = tf.tensor2d([
      [0.1, 3, -1, 2, 0.5],
      [5, 4, 3, 2, 1],
    ]);
    expect(Array.from(topkMask(tf, pre, 2).dataSync())).toEqual([0, 1, 0, 1, 0, 1, 1, 0, 0, 0]);
  });

  it('passes the gradient through the kept latents only (ReLU’d), none through the mask', () => {
    const pre = tf.tensor2d([[0.1, 3, -1, 2, 0.5]]);
    const mask = topkMask(tf, pre, 3);
    const w = tf.tensor2d([[1, 2, 3, 4, 5]]);
    const g = tf.grad((p: any) => tf.sum(tf.mul(tf.mul(tf.relu(p), mask), w)))(pre);
    // kept: 3, 2, 0.5 (indices 1, 3, 4), all positive
    expect(Array.from(g.dataSync())).toEqual([0, 2, 0, 4, 5]);
  });

  it('encode in JS agrees with the TopK mask and never keeps more than k latents', () => {
    const rng = new Rng(3, 't');
    const task = makeTask(rng.child('task'), 8, 24, 4, 3, 0.5);
    const b = sampleBatch(rng.child('x'), task, 50);
    const sae = initSae(rng.child('sae'), { kind: 'topk', n: 24, k: 3, l1: 0 }, 8, new Float32Array(8));
    const codes = encode(tf, sae, b.x, b.n);
    for (const idx of codes.idx) expect(idx.length).toBeLessThanOrEqual(3);
  });
});

describe('SAE training', () => {
  it('keeps decoder rows at unit norm and lowers the reconstruction error', () => {
    const rng = new Rng(5, 't');
    const task = makeTask(rng.child('task'), 12, 48, 6, 3, 0.5);
    const held = sampleBatch(rng.child('held'), task, 256);
    const mean = new Float32Array(12);
    let tv = 0;
    for (let r = 0; r < held.n; r++) for (let c = 0; c < 12; c++) mean[c] += held.x[r * 12 + c] / held.n;
    for (let r = 0; r < held.n; r++) for (let c = 0; c < 12; c++) tv += (held.x[r * 12 + c] - mean[c]) ** 2 / held.n;
    const data = rng.child('data');
    for (const spec of [{ kind: 'topk', n: 48, k: 3, l1: 0 }, { kind: 'l1', n: 48, k: 0, l1: 0.3 }] as const) {
      const { sae, curve } = trainSae(tf, initSae(rng.child(spec.kind), spec, 12, mean), { steps: 150, batch: 64, lr: 3e-3, curvePoints: 5, totalVariance: tv, sample: (x) => x.set(sampleBatch(data, task, 64).x) });
      for (let j = 0; j < sae.n; j++) expect(norm(sae.Wdec, j * 12, 12)).toBeCloseTo(1, 5);
      expect(curve[curve.length - 1].fvu).toBeLessThan(curve[0].fvu);
    }
  });

  it('AuxK revives dead latents: their encoder learns only with the auxiliary loss', () => {
    const rng = new Rng(6, 't');
    const task = makeTask(rng.child('task'), 12, 48, 6, 3, 0.5);
    const init = initSae(rng.child('sae'), { kind: 'topk', n: 48, k: 3, l1: 0 }, 12, new Float32Array(12));
    for (let j = 24; j < 48; j++) init.benc[j] = 10; // the first 24 never reach the top 3, though their pre-activations can be positive
    const run = (auxK?: { k: number; coef: number; deadAfter: number }) => {
      const data = new Rng(7, 'data');
      return trainSae(tf, { ...init, Wenc: init.Wenc.slice(), benc: init.benc.slice(), Wdec: init.Wdec.slice(), bdec: init.bdec.slice() }, { steps: 30, batch: 64, lr: 3e-3, curvePoints: 3, totalVariance: 1, sample: (x) => x.set(sampleBatch(data, task, 64).x), auxK }).sae;
    };
    const moved = (s: { benc: Float32Array }) => Math.max(...Array.from({ length: 24 }, (_, j) => Math.abs(s.benc[j])));
    expect(moved(run())).toBe(0);
    expect(moved(run({ k: 4, coef: 1 / 32, deadAfter: 64 }))).toBeGreaterThan(1e-3);
  });
});
