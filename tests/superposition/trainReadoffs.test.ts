import { describe, expect, it } from 'vitest';
import { choleskySolve } from '../../experiments/lib/linalg';
import { Rng } from '../../experiments/runtime/rng';
import { classWeights, forward, trainNetwork, weightedLpLoss, type TrainOptions } from '../../experiments/superposition/trainReadoffs';
import { createWasmStep, type StepFactory, type StepOps } from '../../experiments/superposition/trainStepWasm';
import { referenceStep } from './trainStepReference';

const { loadBackend } = await import('../../experiments/runtime/backend');
const { tf } = await loadBackend('wasm');

// A 2×2 batch: column 0 has targets 1, 1; column 1 has targets 0, 0.
const pred = [0.5, 0.2, 1.1, -0.1];
const tgt = [1, 0, 1, 0];

describe('class-weighted L_p loss', () => {
  it('averages each class separately, then weights the ones (hand computation, p = 6)', async () => {
    const w = classWeights(tgt, 2);
    expect(Array.from(w)).toEqual([1, 0.5, 1, 0.5]); // ones: 2/2 each; zeros: 1/2 each
    // ones errors −0.5, 0.1; zeros errors 0.2, −0.1
    const ones = (0.015625 + 0.000001) / 2;
    const zeros = (0.000064 + 0.000001) / 2;
    const loss = weightedLpLoss(tf, tf.tensor2d(pred, [2, 2]), tf.tensor2d(tgt, [2, 2]), tf.tensor2d(w, [2, 2]), 6).dataSync()[0];
    expect(loss).toBeCloseTo(2 * ones + zeros, 7);
  });

  it('uses |e| for odd p (p = 3)', async () => {
    const w = classWeights(tgt, 1);
    const expected = (0.125 + 0.001) / 2 + (0.008 + 0.001) / 2;
    const loss = weightedLpLoss(tf, tf.tensor2d(pred, [2, 2]), tf.tensor2d(tgt, [2, 2]), tf.tensor2d(w, [2, 2]), 3).dataSync()[0];
    expect(loss).toBeCloseTo(expected, 6);
  });

  it('gives an absent class no weight', async () => {
    expect(Array.from(classWeights([0, 0, 0, 0], 5))).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(Array.from(classWeights([1, 1], 3))).toEqual([1.5, 1.5]);
  });
});

// All 8 inputs of 3 boolean features; the output is x0 ∧ x1.
const CORNERS = Array.from({ length: 8 }, (_, c) => [c & 1, (c >> 1) & 1, (c >> 2) & 1]);
const fillCorners = (x: Float32Array, y: Float32Array) => {
  CORNERS.forEach((v, r) => {
    x.set(v, r * 3);
    y[r] = v[0] & v[1];
  });
};

/** The same training by autodiff and tfjs's own Adam: the reference for the hand-written gradients and update. */
function tapeReference(o: TrainOptions) {
  const { m, d, k } = o.init;
  const W = tf.variable(tf.tensor2d(o.init.W, [m, d]), o.trainFirstLayer);
  const bias = tf.variable(tf.tensor1d(o.init.bias), o.trainFirstLayer);
  const R = tf.variable(tf.tensor2d(o.init.R, [d, k]));
  const adam = tf.train.adam(o.lr, 0.9, 0.999, o.epsilon);
  const x = new Float32Array(o.batch * m);
  const y = new Float32Array(o.batch * k);
  const losses: number[] = [];
  for (let step = 0; step < o.steps; step++) {
    o.sampleBatch(x, y);
    (adam as unknown as { learningRate: number }).learningRate = o.lr + ((o.lrFinal - o.lr) * step) / Math.max(1, o.steps - 1);
    const loss = adam.minimize(() => weightedLpLoss(tf, tf.matMul(tf.relu(tf.add(tf.matMul(tf.tensor2d(x, [o.batch, m]), W), bias)), R), tf.tensor2d(y, [o.batch, k]), tf.tensor2d(classWeights(y, o.onesWeight), [o.batch, k]), o.p), true, o.trainFirstLayer ? [W, bias, R] : [R])!;
    losses.push(loss.dataSync()[0]);
  }
  return { W: W.dataSync(), bias: bias.dataSync(), R: R.dataSync(), losses };
}

/**
 * trainNetwork against tapeReference from the same start and the same batches: a random 0/1 input stream and the
 * ANDs of features (o, o + gap).
 */
async function expectTapeSteps(o: { seed: number; trainFirstLayer: boolean; p: number; onesWeight: number; steps: number; lrFinal: number; q: number; gap: number; shape: [number, number, number, number] }) {
  const rng = new Rng(o.seed, 'reference');
  const [m, d, k, batch] = o.shape;
  const init = { m, d, k, W: rng.fillNormal(new Float32Array(m * d)), bias: rng.fillNormal(new Float32Array(d), 0, 0.1), R: rng.fillNormal(new Float32Array(d * k), 0, 0.3) };
  const sampler = () => {
    const r = new Rng(o.seed + 1, 'batches');
    return (x: Float32Array, y: Float32Array) => {
      for (let t = 0; t < x.length; t++) x[t] = r.uniform() < o.q ? 1 : 0;
      for (let b = 0; b < batch; b++) for (let c = 0; c < k; c++) y[b * k + c] = x[b * m + c] * x[b * m + c + o.gap];
    };
  };
  const base = { init, trainFirstLayer: o.trainFirstLayer, steps: o.steps, batch, lr: 1e-2, lrFinal: o.lrFinal, epsilon: 1e-8, p: o.p, onesWeight: o.onesWeight };
  const ref = tapeReference({ ...base, sampleBatch: sampler() });
  const run = await trainNetwork(tf, { ...base, sampleBatch: sampler() });
  expect(Math.abs(run.initialLoss - ref.losses[0]) / ref.losses[0]).toBeLessThan(1e-5);
  Array.from(run.net.R).forEach((v, i) => expect(v).toBeCloseTo(ref.R[i], 4));
  Array.from(run.net.W).forEach((v, i) => expect(v).toBeCloseTo(ref.W[i], 4));
  Array.from(run.net.bias).forEach((v, i) => expect(v).toBeCloseTo(ref.bias[i], 4));
  if (!o.trainFirstLayer) expect(Array.from(run.net.W)).toEqual(Array.from(init.W));
}

describe('trainNetwork', () => {
  it('takes the steps autodiff and tf.train.adam take (trained and frozen first layer, p = 6)', async () => {
    for (const trainFirstLayer of [true, false]) {
      await expectTapeSteps({ seed: 11, trainFirstLayer, p: 6, onesWeight: 2, steps: 20, lrFinal: 1e-3, q: 0.4, gap: 1, shape: [6, 5, 4, 16] });
    }
  });

  it('takes the steps autodiff takes for the other exponents of the loss sweep, and an odd one (p = 2, 3, 4)', async () => {
    for (const p of [2, 3, 4]) await expectTapeSteps({ seed: 13 + p, trainFirstLayer: true, p, onesWeight: 3, steps: 15, lrFinal: 1e-2, q: 0.5, gap: 2, shape: [5, 6, 3, 12] });
  });

  it('solves one AND of 3 features with a 4-neuron layer when the layer is trained', async () => {
    const rng = new Rng(7, 'tiny');
    const init = { m: 3, d: 4, k: 1, W: rng.fillNormal(new Float32Array(12)), bias: new Float32Array(4), R: new Float32Array(4) };
    const run = await trainNetwork(tf, { init, trainFirstLayer: true, steps: 3000, batch: 8, lr: 2e-2, lrFinal: 1e-3, epsilon: 1e-10, p: 2, onesWeight: 1, sampleBatch: fillCorners });
    const x = new Float32Array(24);
    const y = new Float32Array(8);
    fillCorners(x, y);
    const out = forward(tf, run.net, x, 8);
    const maxErr = Math.max(...Array.from(out, (v, r) => Math.abs(v - y[r])));
    expect(maxErr).toBeLessThan(0.05);
    expect(run.finalLoss).toBeLessThan(run.initialLoss / 100);
  });

  it('with a frozen layer reaches the weighted least-squares readoff (p = 2) and leaves W, bias untouched', async () => {
    const rng = new Rng(8, 'frozen');
    const W = rng.fillNormal(new Float32Array(12));
    const bias = Float32Array.from([0.1, -0.2, 0.3, 0]);
    const init = { m: 3, d: 4, k: 1, W, bias, R: new Float32Array(4) };
    const run = await trainNetwork(tf, { init, trainFirstLayer: false, steps: 4000, batch: 8, lr: 2e-2, lrFinal: 1e-4, epsilon: 1e-10, p: 2, onesWeight: 3, sampleBatch: fillCorners });
    expect(Array.from(run.net.W)).toEqual(Array.from(W));
    expect(Array.from(run.net.bias)).toEqual(Array.from(bias));
    // Normal equations Σ w h hᵀ r = Σ w h y in float64, with the class weights written out by hand: 2 ones, 6 zeros.
    const G = new Float64Array(16);
    const rhs = new Float64Array(4);
    CORNERS.forEach((v) => {
      const y = v[0] & v[1];
      const w = y ? 3 / 2 : 1 / 6;
      const h = [0, 1, 2, 3].map((k) => Math.max(0, bias[k] + v.reduce((s, xi, l) => s + xi * W[l * 4 + k], 0)));
      for (let a = 0; a < 4; a++) {
        rhs[a] += w * h[a] * y;
        for (let b = 0; b < 4; b++) G[a * 4 + b] += w * h[a] * h[b];
      }
    });
    const r = choleskySolve(G, 4, rhs, 1);
    r.forEach((v, k) => expect(run.net.R[k]).toBeCloseTo(v, 2));
  });

  it('stops by the plateau rule: each window short of the improvement halves the step size, the last halving stops', async () => {
    const rng = new Rng(9, 'plateau');
    const init = { m: 3, d: 4, k: 1, W: rng.fillNormal(new Float32Array(12)), bias: new Float32Array(4), R: new Float32Array(4) };
    const seen: number[] = [];
    let atStop: Float32Array | undefined;
    // A tiny step size barely moves the loss, so no window is 50% below the first: windows 2 and 3 both halve.
    const run = await trainNetwork(tf, {
      init, trainFirstLayer: true, steps: 1000, batch: 8, lr: 1e-6, lrFinal: 1e-6, epsilon: 1e-10, p: 2, onesWeight: 1, sampleBatch: fillCorners,
      stopping: { window: 5, minImprovement: 0.5, halvings: 2 },
      checkpoints: [5, 15, 500],
      onCheckpoint: (step, net) => {
        seen.push(step);
        if (step === 15) atStop = net.R;
      },
    });
    expect(run.stoppedBy).toBe('plateau');
    expect(run.stepsTaken).toBe(15);
    expect(run.windowLosses).toHaveLength(3);
    expect(seen).toEqual([5, 15]);
    expect(Array.from(atStop!)).toEqual(Array.from(run.net.R));
    // Without the rule the same call runs to its step count.
    const capped = await trainNetwork(tf, { init, trainFirstLayer: true, steps: 40, batch: 8, lr: 1e-6, lrFinal: 1e-6, epsilon: 1e-10, p: 2, onesWeight: 1, sampleBatch: fillCorners });
    expect([capped.stepsTaken, capped.stoppedBy]).toEqual([40, 'cap']);
  });
});

describe('the WebAssembly step', () => {
  const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

  /** The kernel with its products summed in float64 and rounded once: close to tfjs's, but not its bits. */
  const float64Products: StepFactory = async (lengths, shape) => {
    const step = await createWasmStep(lengths, shape);
    const matMul: StepOps['matMul'] = (A, B, C, M, N, K) => {
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let t = 0; t < K; t++) s += A[i * K + t] * B[t * N + j];
          C[i * N + j] = s;
        }
    };
    return { arrays: step.arrays, ops: { ...step.ops, matMul, matMulSkipZeros: matMul } };
  };

  /**
   * trainNetwork with the kernel (or `kernel`) against the same call with the reference step of
   * trainStepReference.ts (the JavaScript loop around tfjs's matMul that the kernel replaced): how many of the weights
   * at every checkpoint and at the end, and of the losses, differ in any bit. Odd widths, batches and output counts
   * reach the kernel's tails; `real` draws inputs and targets off {0, 1} (the float64 paths of the sums and of the
   * target count).
   */
  async function differingBits(o: { seed: number; trainFirstLayer: boolean; p: number; shape: [number, number, number, number]; real: boolean; steps: number; kernel?: StepFactory }) {
    const [m, d, k, batch] = o.shape;
    const rng = new Rng(o.seed, 'kernel');
    const init = { m, d, k, W: rng.fillNormal(new Float32Array(m * d)), bias: rng.fillNormal(new Float32Array(d), 0, 0.1), R: rng.fillNormal(new Float32Array(d * k), 0, 0.3) };
    const runWith = async (createStep: StepFactory) => {
      const r = new Rng(o.seed + 1, 'batches');
      const nets: Float32Array[] = [];
      const run = await trainNetwork(
        tf,
        {
          init, trainFirstLayer: o.trainFirstLayer, steps: o.steps, batch, lr: 1e-2, lrFinal: 1e-3, epsilon: 1e-8, p: o.p, onesWeight: 3,
          stopping: { window: 4, minImprovement: 0.5, halvings: 1000 },
          checkpoints: [1, 2, 3, 7, Math.floor(o.steps / 2)],
          onCheckpoint: (_, net) => nets.push(net.W, net.bias, net.R),
          sampleBatch: (x, y) => {
            for (let t = 0; t < x.length; t++) x[t] = r.uniform() < 0.3 ? (o.real ? 0.5 + r.uniform() : 1) : 0;
            for (let b = 0; b < batch; b++) for (let c = 0; c < k; c++) y[b * k + c] = o.real ? x[b * m + (c % m)] * 0.7 : x[b * m + (c % m)] * x[b * m + ((c + 1) % m)];
          },
        },
        createStep,
      );
      return { bits: [...nets, run.net.W, run.net.bias, run.net.R].map(bits).flat(), losses: [run.initialLoss, run.finalLoss, ...run.windowLosses], stepsTaken: run.stepsTaken };
    };
    const [ref, ours] = [await runWith(referenceStep(tf)), await runWith(o.kernel ?? createWasmStep)];
    expect(ours.stepsTaken).toBe(o.steps);
    expect(ours.losses.every(Number.isFinite)).toBe(true);
    expect(ours.losses).toHaveLength(ref.losses.length);
    const weights = ours.bits.reduce((n, b, i) => n + (b === ref.bits[i] ? 0 : 1), 0);
    const losses = ours.losses.reduce((n, v, i) => n + (Object.is(v, ref.losses[i]) ? 0 : 1), 0);
    return weights + losses;
  }

  it('takes bit-identical steps to the reference for p = 2, 4, 6 (and 3, by Math.pow), trained and frozen, on odd shapes and across the loss\'s blocks', async () => {
    for (const p of [2, 4, 6, 3]) {
      for (const trainFirstLayer of [true, false]) {
        expect(await differingBits({ seed: 20 + p, trainFirstLayer, p, shape: [7, 13, 5, 9], real: false, steps: 12 })).toBe(0);
        expect(await differingBits({ seed: 30 + p, trainFirstLayer, p, shape: [12, 16, 66, 20], real: false, steps: 8 })).toBe(0);
        // Two whole blocks of the loss's 64 outputs and a tail, with a ReLU layer wider than one band of the products.
        expect(await differingBits({ seed: 70 + p, trainFirstLayer, p, shape: [10, 37, 131, 17], real: false, steps: 6 })).toBe(0);
      }
    }
  });

  it('stays bit-identical over 300 steps at shapes off the product tiles, trained and frozen, p = 2, 4, 6', async () => {
    for (const p of [2, 4, 6]) {
      for (const trainFirstLayer of [true, false]) {
        expect(await differingBits({ seed: 50 + p, trainFirstLayer, p, shape: [21, 37, 45, 19], real: false, steps: 300 })).toBe(0);
      }
    }
  });

  it('stays bit-identical off 0/1 inputs and targets (float64 accumulation, targets summed in order)', async () => {
    for (const p of [2, 6]) for (const trainFirstLayer of [true, false]) expect(await differingBits({ seed: 40 + p, trainFirstLayer, p, shape: [9, 11, 7, 13], real: true, steps: 10 })).toBe(0);
  });

  it('the comparison can fail: products summed in float64 move the weights', async () => {
    for (const trainFirstLayer of [true, false]) {
      expect(await differingBits({ seed: 61, trainFirstLayer, p: 6, shape: [21, 37, 45, 19], real: false, steps: 20, kernel: float64Products })).toBeGreaterThan(100);
    }
  });
});
