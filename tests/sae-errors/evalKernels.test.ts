/**
 * The evaluation's faster loops give the very same float64 values as the straightforward ones they replaced
 * (written out here as references): the entropy and sigmoid from one shared exp/log1p, KL and BCE in one pass,
 * and the quadratic KL with transposed weights. Compared with Object.is, so −0 against 0 or one ulp would fail.
 */
import { describe, expect, it } from 'vitest';
import { bceRows, cleanOutputs, klBceRows, klRows, meanEntropy, sigmoid, softplus } from '../../experiments/sae-errors/bernoulliKl';
import { quadraticKl, type Head } from '../../experiments/sae-errors/heads';
import { Rng } from '../../experiments/runtime/rng';

function refClean(logits: ArrayLike<number>, invTemp: number) {
  const p: number[] = [];
  const entropy: number[] = [];
  for (let t = 0; t < logits.length; t++) {
    const a = logits[t] * invTemp;
    p.push(sigmoid(a));
    entropy.push(p[t] * softplus(-a) + (1 - p[t]) * softplus(a));
  }
  return { p, entropy };
}

function refMeanEntropy(logits: ArrayLike<number>, s: number): number {
  let h = 0;
  for (let t = 0; t < logits.length; t++) {
    const a = logits[t] * s;
    const p = sigmoid(a);
    h += p * softplus(-a) + (1 - p) * softplus(a);
  }
  return h / logits.length;
}

function refQuadraticKl(head: Head, x: ArrayLike<number>, dirs: Float32Array, nDirs: number, invTemp: number): Float64Array {
  const { d, h, o, W1, b1 } = head;
  const pre = new Float64Array(h);
  for (let j = 0; j < h; j++) {
    let s = b1[j];
    for (let c = 0; c < d; c++) s += x[c] * W1[c * h + j];
    pre[j] = s;
  }
  const logits = new Float64Array(o);
  if (head.kind === 'mlp') {
    for (let k = 0; k < o; k++) logits[k] = head.b2![k];
    for (let j = 0; j < h; j++) if (pre[j] > 0) for (let k = 0; k < o; k++) logits[k] += pre[j] * head.W2![j * o + k];
  } else logits.set(pre);
  const fisher = new Float64Array(o);
  for (let k = 0; k < o; k++) {
    const p = sigmoid(logits[k] * invTemp);
    fisher[k] = p * (1 - p) * invTemp * invTemp;
  }
  const out = new Float64Array(nDirs);
  const a = new Float64Array(h);
  for (let r = 0; r < nDirs; r++) {
    for (let j = 0; j < h; j++) {
      let s = 0;
      if (head.kind === 'linear' || pre[j] > 0) for (let c = 0; c < d; c++) s += dirs[r * d + c] * W1[c * h + j];
      a[j] = s;
    }
    let q = 0;
    if (head.kind === 'linear') for (let k = 0; k < o; k++) q += fisher[k] * a[k] * a[k];
    else
      for (let k = 0; k < o; k++) {
        let s = 0;
        for (let j = 0; j < h; j++) if (a[j] !== 0) s += a[j] * head.W2![j * o + k];
        q += fisher[k] * s * s;
      }
    out[r] = q / 2;
  }
  return out;
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) diff++;
  expect(diff).toBe(0);
};

/** Logits over many scales, with the edge cases 0, −0, saturated and tiny values. */
function logitsFor(seed: number, n: number): Float32Array {
  const rng = new Rng(seed);
  const out = Float32Array.from({ length: n }, () => rng.normal() * 10 ** (2 * rng.uniform() - 1));
  out.set([0, -0, 40, -40, 800, -800, 1e-30, -1e-30], 0);
  return out;
}

describe('Setting A evaluation loops: same float64 values as the reference loops', () => {
  it('cleanOutputs and meanEntropy (one exp and log1p per output) at several inverse temperatures', () => {
    const logits = logitsFor(1, 4096);
    for (const s of [1, 0.37, 2.9, 1 / 64, 64]) {
      const c = cleanOutputs(logits, 64, 64, s);
      const ref = refClean(logits, s);
      same(c.p, ref.p);
      same(c.entropy, ref.entropy);
      expect(Object.is(meanEntropy(logits, s), refMeanEntropy(logits, s))).toBe(true);
    }
  });

  it('klBceRows equals klRows and bceRows computed apart', () => {
    const rng = new Rng(2);
    const n = 16;
    const o = 40;
    const rows = 48;
    const clean = cleanOutputs(logitsFor(3, n * o), n, o, 0.7);
    const labels = Float32Array.from({ length: n * o }, () => (rng.uniform() < 0.3 ? 1 : 0));
    const pert = logitsFor(4, rows * o);
    const of = (r: number) => (r * 7) % n;
    const kl = new Float64Array(rows);
    const bce = new Float64Array(rows);
    klBceRows(clean, labels, pert, rows, of, kl, bce);
    same(kl, klRows(clean, pert, rows, of));
    same(bce, bceRows(labels, o, pert, rows, of, 0.7));
  });

  it('quadraticKl with transposed weights, for an MLP with dead units and for a linear head', () => {
    const rng = new Rng(5);
    const d = 24;
    const h = 48;
    const o = 60;
    const fill = (k: number, sd: number) => Float32Array.from({ length: k }, () => rng.normal() * sd);
    const mlp: Head = { kind: 'mlp', d, h, o, W1: fill(d * h, 0.3), b1: fill(h, 0.5), W2: fill(h * o, 0.2), b2: fill(o, 1) };
    const linear: Head = { kind: 'linear', d, h: o, o, W1: fill(d * o, 0.3), b1: fill(o, 1) };
    const x = fill(d, 1);
    const dirs = fill(40 * d, 1);
    dirs.fill(0, 0, d); // a zero direction: every hidden product is 0
    for (const head of [mlp, linear])
      for (const s of [1, 0.45]) same(quadraticKl(head, x, dirs, 40, s), refQuadraticKl(head, x, dirs, 40, s));
  });
});
