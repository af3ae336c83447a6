import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { initHead, trainHead, type HeadTrainOptions } from '../../experiments/sae-errors/heads';
import { trainHeadFused } from '../../experiments/sae-errors/fusedHeads';
import { makeTask, sampleBatch } from '../../experiments/sae-errors/toyData';
import { heapMatMul } from '../../experiments/lib/heapMatMul';

const { loadBackend } = await import('../../experiments/runtime/backend');
const { tf } = await loadBackend('wasm');

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('fused head training', () => {
  it('heapMatMul matches a float64 triple loop, including odd shapes', () => {
    const rng = new Rng(3, 'mm');
    for (const [n, k, m] of [[1, 1, 1], [7, 5, 3], [33, 64, 17]] as const) {
      const a = rng.fillNormal(new Float32Array(n * k));
      const b = rng.fillNormal(new Float32Array(k * m));
      const out = heapMatMul(tf, a, n, k, b, m, new Float32Array(n * m));
      for (let i = 0; i < n; i++)
        for (let j = 0; j < m; j++) {
          let s = 0;
          for (let t = 0; t < k; t++) s += a[i * k + t] * b[t * m + j];
          expect(Math.abs(out[i * m + j] - s)).toBeLessThan(1e-4 * (1 + Math.abs(s)));
        }
    }
    expect(() => heapMatMul(tf, new Float32Array(3), 2, 2, new Float32Array(4), 2, new Float32Array(4))).toThrow(/2×2/);
  });

  // Same data, noise and initial weights through both loops: the hand-written gradients and Adam must track tfjs's
  // autodiff and tf.train.adam step for step (float32 rounding only), for both kinds of head, with input noise.
  for (const kind of ['mlp', 'linear'] as const)
    it(`tracks autodiff + tf.train.adam (${kind}, with input noise)`, () => {
      const rng = new Rng(5, kind);
      const d = 12;
      const task = makeTask(rng.child('task'), d, 24, 6, 2, 0.3);
      const held = sampleBatch(rng.child('held'), task, 300);
      const init = initHead(rng.child('init'), kind, d, 40, task.o, Math.log(2 / 24));
      const run = (train: typeof trainHead) => {
        const data = rng.child('data');
        const opt: HeadTrainOptions = {
          maxSteps: 40, batch: 64, lr: 3e-3, evalEvery: 10, patience: 100, relTol: 0, inputNoise: 0.05,
          sample: (x, y) => { const b = sampleBatch(data, task, 64); x.set(b.x); y.set(b.y); },
          heldOut: { x: held.x, y: held.y, n: held.n }, noiseRng: rng.child('noise'),
        };
        return train(tf, init, opt);
      };
      const ref = run(trainHead);
      const fused = run(trainHeadFused);
      expect(fused.steps).toBe(ref.steps);
      expect(fused.curve.map((c) => c.step)).toEqual(ref.curve.map((c) => c.step));
      for (let i = 0; i < ref.curve.length; i++) {
        expect(Math.abs(fused.curve[i].heldOut - ref.curve[i].heldOut)).toBeLessThan(1e-4 * ref.curve[i].heldOut);
        expect(Math.abs(fused.curve[i].train - ref.curve[i].train)).toBeLessThan(1e-4 * ref.curve[i].train);
      }
      // Training moved the weights by far more than the two loops differ.
      const moved = maxDiff(ref.head.W1, init.W1);
      expect(moved).toBeGreaterThan(0.05);
      expect(maxDiff(fused.head.W1, ref.head.W1)).toBeLessThan(1e-3 * moved);
      expect(maxDiff(fused.head.b1, ref.head.b1)).toBeLessThan(1e-3 * Math.max(maxDiff(ref.head.b1, init.b1), 1e-2));
      if (kind === 'mlp') {
        expect(maxDiff(fused.head.W2!, ref.head.W2!)).toBeLessThan(1e-3 * maxDiff(ref.head.W2!, init.W2!));
        expect(maxDiff(fused.head.b2!, ref.head.b2!)).toBeLessThan(1e-3 * maxDiff(ref.head.b2!, init.b2!));
      }
      expect(maxAbs(fused.head.W1)).toBeGreaterThan(0);
    });

  it('stops by the plateau rule at the same evaluation as the reference', () => {
    const rng = new Rng(9, 'stop');
    const task = makeTask(rng.child('task'), 8, 16, 4, 2, 0.3);
    const held = sampleBatch(rng.child('held'), task, 200);
    const init = initHead(rng.child('init'), 'mlp', 8, 16, task.o, Math.log(2 / 16));
    const run = (train: typeof trainHead) => {
      const data = rng.child('data');
      return train(tf, init, {
        maxSteps: 3000, batch: 64, lr: 1e-2, evalEvery: 50, patience: 2, relTol: 0.05, inputNoise: 0,
        sample: (x, y) => { const b = sampleBatch(data, task, 64); x.set(b.x); y.set(b.y); },
        heldOut: { x: held.x, y: held.y, n: held.n }, noiseRng: rng.child('noise'),
      });
    };
    const ref = run(trainHead);
    const fused = run(trainHeadFused);
    expect(ref.stoppedBy).toBe('plateau');
    expect(fused.stoppedBy).toBe('plateau');
    expect(fused.steps).toBe(ref.steps);
  });
});
