import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { cleanLogProbs, klAndCe, logSoftmaxRow } from '../../experiments/sae-errors/categoricalKl';
import { initLm, LmRunner, lrAt, paramCount, trainLm, type LmShape } from '../../experiments/sae-errors/charLm';
import { decodeTokens, encodeText, loadSotu, ngramFloors, VOCAB } from '../../experiments/sae-errors/corpus';
import { principalDirections } from '../../experiments/sae-errors/pca';

const { loadBackend } = await import('../../experiments/runtime/backend');
const { tf } = await loadBackend('wasm');

describe('categorical KL and cross-entropy (float64)', () => {
  it('matches hand computations: p = (½, ½), q = (¾, ¼) gives ½ ln(4/3) + ½ ln 2; CE of class 1 is ln 4', () => {
    const clean = cleanLogProbs([0, 0], 1, 2);
    const q = [Math.log(3), 0]; // softmax → (3/4, 1/4)
    const { kl, ce } = klAndCe(clean, q, 1, 2, () => 0, [1]);
    expect(kl[0]).toBeCloseTo(0.5 * Math.log(2 / 3) + 0.5 * Math.log(2), 12);
    expect(ce[0]).toBeCloseTo(Math.log(4), 12);
  });

  it('is zero for identical logits, invariant to a shift of the logits, and stable for large logits', () => {
    const a = [1000, 998, 990];
    const clean = cleanLogProbs(a, 1, 3);
    expect(klAndCe(clean, a, 1, 3, () => 0).kl[0]).toBe(0);
    expect(klAndCe(clean, a.map((x) => x - 1000), 1, 3, () => 0).kl[0]).toBeLessThan(1e-12);
    const lp = logSoftmaxRow(a, 0, 3);
    expect(Math.exp(lp[0]) + Math.exp(lp[1]) + Math.exp(lp[2])).toBeCloseTo(1, 12); // logits near 1000 leave ~1e−13 of float64 precision
  });

  it('agrees with a direct float64 sum on random logits, row by row against the chosen clean row', () => {
    const rng = new Rng(4, 't');
    const V = 7;
    const L = rng.fillNormal(new Float32Array(3 * V), 0, 2);
    const Q = rng.fillNormal(new Float32Array(2 * V), 0, 2);
    const clean = cleanLogProbs(L, 3, V);
    const { kl } = klAndCe(clean, Q, 2, V, (r) => 2 - r);
    for (let r = 0; r < 2; r++) {
      const c = 2 - r;
      const zp = Array.from({ length: V }, (_, j) => Math.exp(L[c * V + j]));
      const zq = Array.from({ length: V }, (_, j) => Math.exp(Q[r * V + j]));
      const sp = zp.reduce((s, x) => s + x, 0);
      const sq = zq.reduce((s, x) => s + x, 0);
      let direct = 0;
      for (let j = 0; j < V; j++) direct += (zp[j] / sp) * Math.log(zp[j] / sp / (zq[j] / sq));
      expect(kl[r]).toBeCloseTo(direct, 10);
    }
  });
});

describe('corpus', () => {
  it('maps printable ASCII and newline to a fixed vocabulary, folds typographic quotes, drops the rest', () => {
    const t = encodeText('Hi\u2019 \u2014 é~\n');
    expect(decodeTokens(t)).toBe("Hi' - ~\n");
    expect(Math.max(...t)).toBeLessThan(VOCAB);
  });

  it('n-gram floors match a hand count on a tiny text', () => {
    // train "abab": unigram a 2, b 2; bigrams ab 2, ba 1. Held-out "ab": one prediction, b after a.
    const tr = encodeText('abab');
    const ho = encodeText('ab');
    const f = ngramFloors(tr, ho, 0.5);
    expect(f.unigram).toBeCloseTo(-Math.log((2 + 0.5) / (4 + 0.5 * VOCAB)), 12);
    expect(f.bigram).toBeCloseTo(-Math.log((2 + 0.5) / (2 + 0.5 * VOCAB)), 12);
  });

  it('holds out whole addresses, and the bigram floor is below the unigram floor', () => {
    const c = loadSotu(20);
    expect(c.heldOutAddresses).toBeGreaterThanOrEqual(10);
    expect(c.trainAddresses + c.heldOutAddresses).toBeGreaterThan(200);
    const f = ngramFloors(c.train.subarray(0, 200_000), c.heldOut.subarray(0, 50_000));
    expect(f.bigram).toBeLessThan(f.unigram);
    expect(() => loadSotu(1)).toThrow(/heldOutEvery/);
  });
});

describe('character transformer', () => {
  const s: LmShape = { vocab: VOCAB, ctx: 8, dModel: 16, heads: 2, dMlp: 32, layers: 2 };

  it('counts its parameters', () => {
    const d = 16;
    const perLayer = 2 * d + 3 * d * d + d * d + d + 2 * d + d * 32 + 32 + 32 * d + d;
    expect(paramCount(s)).toBe(VOCAB * d + 8 * d + 2 * perLayer + 2 * d + d * VOCAB + VOCAB);
  });

  it('is causal, and splitting at the hook reproduces the full forward pass', () => {
    const p = initLm(new Rng(1, 'lm'), s);
    for (const k of Object.keys(p)) if (k.endsWith('wo') || k.endsWith('w2')) p[k] = p[k].map((x) => x * 20);
    const full = new LmRunner(tf, s, p, 2);
    const mid = new LmRunner(tf, s, p, 1);
    const a = Int32Array.from([5, 6, 7, 8, 9, 10, 11, 12]);
    const b = Int32Array.from([5, 6, 7, 8, 9, 10, 11, 40]);
    const la = full.logitsFrom(full.residAt(a, 1), 1);
    const lb = full.logitsFrom(full.residAt(b, 1), 1);
    const lm = mid.logitsFrom(mid.residAt(a, 1), 1);
    for (let i = 0; i < 7 * VOCAB; i++) expect(lb[i]).toBeCloseTo(la[i], 5);
    let diff = 0;
    for (let i = 7 * VOCAB; i < 8 * VOCAB; i++) diff += Math.abs(lb[i] - la[i]);
    expect(diff).toBeGreaterThan(1e-4);
    for (let i = 0; i < la.length; i++) expect(lm[i]).toBeCloseTo(la[i], 4);
    const last = mid.logitsFrom(mid.residAt(a, 1), 1, true);
    for (let j = 0; j < VOCAB; j++) expect(last[j]).toBeCloseTo(la[7 * VOCAB + j], 4);
    full.dispose();
    mid.dispose();
  });

  it('overfits a tiny text: loss on a 20-character string falls below 0.3 nats/char', async () => {
    const text = encodeText('the cat sat on a mat.');
    const rng = new Rng(2, 'fit');
    const w = Int32Array.from({ length: 9 * 4 }, (_, i) => text[(Math.floor(i / 9) * 3 + (i % 9)) % text.length]);
    const r = await trainLm(tf, s, initLm(rng, s), {
      maxSteps: 150,
      batch: 4,
      lr: 1e-2,
      lrMin: 1e-3,
      warmup: 10,
      evalEvery: 50,
      patience: 10,
      relTol: 0,
      sample: (out) => out.set(w),
      heldOut: { tokens: w, windows: 4 },
    });
    expect(r.curve[0].heldOut).toBeGreaterThan(4);
    expect(r.curve[r.curve.length - 1].heldOut).toBeLessThan(0.3);
  }, 60_000);

  it('warms up linearly and decays by a cosine to lrMin', () => {
    const o = { lr: 1, lrMin: 0.1, warmup: 10, maxSteps: 110 };
    expect(lrAt(5, o)).toBeCloseTo(0.5, 12);
    expect(lrAt(60, o)).toBeCloseTo(0.55, 12);
    expect(lrAt(110, o)).toBeCloseTo(0.1, 12);
  });
});

describe('principal directions', () => {
  it('recovers the axes of a known anisotropic Gaussian in order', () => {
    const rng = new Rng(3, 'pca');
    const n = 5000;
    const x = new Float32Array(n * 3);
    for (let r = 0; r < n; r++) {
      x[r * 3] = rng.normal();
      x[r * 3 + 1] = 3 * rng.normal();
      x[r * 3 + 2] = 0.3 * rng.normal();
    }
    const [v1, v2] = principalDirections(x, n, 3, 2);
    expect(Math.abs(v1[1])).toBeGreaterThan(0.999);
    expect(Math.abs(v2[0])).toBeGreaterThan(0.999);
  });
});
