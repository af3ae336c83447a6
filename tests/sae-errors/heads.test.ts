import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { cleanOutputs, klRows } from '../../experiments/sae-errors/bernoulliKl';
import { HeadRunner, initHead, quadraticKl, trainHead } from '../../experiments/sae-errors/heads';
import { createLmOps } from '../../experiments/sae-errors/lmOps';
import { differentiableMatMul } from '../../experiments/lib/differentiableMatMul';
import { makeTask, sampleBatch } from '../../experiments/sae-errors/toyData';
import { decodeWeights, encodeWeights } from '../../experiments/sae-errors/weightsFile';

const { loadBackend } = await import('../../experiments/runtime/backend');
const { tf } = await loadBackend('wasm');

describe('heads', () => {
  it('the quadratic KL term matches the finite-difference KL of a small step (MLP and linear)', () => {
    const rng = new Rng(7, 't');
    for (const kind of ['mlp', 'linear'] as const) {
      const head = initHead(rng.child(kind), kind, 6, 10, 5, -1);
      const x = rng.fillNormal(new Float32Array(6));
      const u = rng.fillNormal(new Float32Array(6));
      const n = Math.hypot(...u);
      for (let c = 0; c < 6; c++) u[c] /= n;
      const run = new HeadRunner(tf, head);
      const clean = cleanOutputs(run.logits(x, 1), 1, 5);
      const h = 1e-2;
      const xp = Float32Array.from(x, (v, c) => v + h * u[c]);
      const kl = klRows(clean, run.logits(xp, 1), 1, () => 0)[0];
      run.dispose();
      const q = quadraticKl(head, x, u, 1)[0] * h * h;
      expect(Math.abs(kl - q) / q).toBeLessThan(0.05);
    }
  });

  it('training with BCE learns the features of a small task', () => {
    const rng = new Rng(8, 't');
    const task = makeTask(rng.child('task'), 16, 32, 8, 2, 0.3);
    const held = sampleBatch(rng.child('held'), task, 256);
    const data = rng.child('data');
    const r = trainHead(tf, initHead(rng.child('init'), 'mlp', 16, 64, task.o, Math.log(2 / 32)), {
      maxSteps: 400, batch: 128, lr: 1e-2, evalEvery: 50, patience: 3, relTol: 0.01, inputNoise: 0,
      sample: (x, y) => { const b = sampleBatch(data, task, 128); x.set(b.x); y.set(b.y); },
      heldOut: { x: held.x, y: held.y, n: held.n }, noiseRng: rng.child('noise'),
    });
    expect(r.curve[r.curve.length - 1].heldOut).toBeLessThan(0.5 * r.curve[0].heldOut);
  });

  it('weights side files round-trip', () => {
    const a = { W: Float32Array.from([1, 2, 3]), b: Float32Array.from([-0.5]) };
    const back = decodeWeights(encodeWeights(a));
    expect(Array.from(back.W)).toEqual([1, 2, 3]);
    expect(Array.from(back.b)).toEqual([-0.5]);
  });
});

describe('head training on the fast wasm ops', () => {
  it("gives bit-identical weights and curves to the plain tfjs graph (MLP and linear head, with input noise)", async () => {
    const fast = await createLmOps(tf);
    const rng = new Rng(9, 't');
    const task = makeTask(rng.child('task'), 24, 96, 24, 3, 0.5);
    const held = sampleBatch(rng.child('held'), task, 128);
    for (const kind of ['mlp', 'linear'] as const) {
      const run = (ops?: Parameters<typeof trainHead>[3]) => {
        const data = rng.child(`data/${kind}`);
        const init = initHead(rng.child(`init/${kind}`), kind, 24, kind === 'mlp' ? 48 : task.o, task.o, Math.log(3 / 96));
        return trainHead(tf, init, {
          maxSteps: 30, batch: 64, lr: 3e-3, evalEvery: 10, patience: 5, relTol: 0.01, inputNoise: 0.05,
          sample: (x, y) => { const b = sampleBatch(data, task, 64); x.set(b.x); y.set(b.y); },
          heldOut: { x: held.x, y: held.y, n: held.n }, noiseRng: rng.child(`noise/${kind}`),
        }, ops);
      };
      // The graph as it was before lmOps: lib/differentiableMatMul for both layers and tf.add for the biases.
      const plain = differentiableMatMul(tf);
      const a = run({ matMul: plain, inputMatMul: plain, addBias: (x, b) => tf.add(x, b) });
      const b = run(fast);
      const c = run();
      for (const k of ['W1', 'b1', 'W2', 'b2'] as const) {
        const [wa, wb] = [a.head[k], b.head[k]];
        if (!wa) continue;
        expect(wb!.length).toBe(wa.length);
        expect(wa.every((v, i) => Object.is(v, wb![i])), `${kind} ${k}`).toBe(true);
        expect(wa.every((v, i) => Object.is(v, c.head[k]![i])), `${kind} ${k} (tfLmOps)`).toBe(true);
      }
      expect(b.curve).toEqual(a.curve);
      expect(c.curve).toEqual(a.curve);
    }
  });
});
