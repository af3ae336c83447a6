import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { sampleBernoulliLayer, sharedNeurons, superposedPairReadoff } from '../../experiments/superposition/bernoulliLayer';
import { modelErrors, modelQuantile } from '../../experiments/superposition/bernoulliSuperposedModel';
import { plainErrorQuantile } from '../../experiments/superposition/bernoulliTheory';
import { fitPowerLaw } from '../../experiments/lib/fits';
import { transpose } from '../../experiments/lib/linalg';
import { quantileSorted } from '../../experiments/lib/stats';
import { matMul } from '../../experiments/lib/tfjs';
import { signConstant } from '../../experiments/superposition/kaarelReadoff';
import { CASES, pairCaseActive } from '../../experiments/superposition/sparseInputs';
import { crossing, gaussianQuantilePrediction } from '../../experiments/superposition/superpositionInputs';
import { embedInputs, gaussianProjections } from '../../experiments/superposition/superpositionInputsEmbedding';
import { randomUnitVectors } from '../../experiments/lib/unitVectors';
import { createProducts } from '../../experiments/superposition/wasmProducts';

const dot = (A: Float32Array, d0: number, a: number, b: number) => {
  let s = 0;
  for (let c = 0; c < d0; c++) s += A[a * d0 + c] * A[b * d0 + c];
  return s;
};

describe('features in superposition', () => {
  it('draws unit vectors whose overlaps are about 1/√d0', () => {
    const m = 400;
    const d0 = 256;
    const Phi = randomUnitVectors(new Rng(1, 'phi'), m, d0);
    let sq = 0;
    let count = 0;
    let max = 0;
    for (let a = 0; a < m; a++) {
      expect(dot(Phi, d0, a, a)).toBeCloseTo(1, 5);
      for (let b = a + 1; b < m; b++) {
        const o = dot(Phi, d0, a, b);
        sq += o * o;
        count++;
        max = Math.max(max, Math.abs(o));
      }
    }
    expect(Math.sqrt(sq / count) * Math.sqrt(d0)).toBeGreaterThan(0.95);
    expect(Math.sqrt(sq / count) * Math.sqrt(d0)).toBeLessThan(1.05);
    expect(max).toBeLessThan(6 / Math.sqrt(d0));
  });

  it('embeds inputs as sums of feature vectors and multiplies like a hand-written loop', async () => {
    const { loadBackend } = await import('../../experiments/runtime/backend');
    const { tf } = await loadBackend('wasm');
    const m = 7;
    const d0 = 5;
    const Phi = randomUnitVectors(new Rng(2, 'phi'), m, d0);
    const inputs = [[0, 3], [6], [1, 2, 4]];
    const X = embedInputs(Phi, d0, inputs);
    expect(X[2 * d0 + 3]).toBeCloseTo(Phi[1 * d0 + 3] + Phi[2 * d0 + 3] + Phi[4 * d0 + 3], 6);
    const U = matMul(tf, X, inputs.length, d0, transpose(Phi, m, d0), m);
    inputs.forEach((active, t) => {
      for (let a = 0; a < m; a++) expect(U[t * m + a]).toBeCloseTo(active.reduce((s, b) => s + dot(Phi, d0, a, b), 0), 5);
    });
  });

  it('multiplies (products and symmetric Gram matrices) bit for bit as tfjs-wasm does, on shapes off every block size', async () => {
    const { loadBackend } = await import('../../experiments/runtime/backend');
    const { tf } = await loadBackend('wasm');
    const products = await createProducts();
    // Entries that differ (as Object.is sees them): a count, since toEqual on large arrays is slow.
    const differing = (a: Float32Array, b: Float32Array) => (a.length !== b.length ? -1 : a.reduce((n, v, t) => n + (Object.is(v, b[t]) ? 0 : 1), 0));
    for (const [m, d0] of [[7, 5], [37, 130], [300, 61], [521, 200]]) {
      const Phi = randomUnitVectors(new Rng(4, `prod/${m}`), m, d0);
      const PhiT = transpose(Phi, m, d0);
      const G = products.gram(Phi, PhiT, m, d0);
      expect(differing(G, matMul(tf, Phi, m, d0, PhiT, m))).toBe(0);
      const X = embedInputs(Phi, d0, [[0, 3], [1, 2, 4], [5], [6, 0]]);
      expect(differing(products.matMul(X, 4, d0, PhiT, m), matMul(tf, X, 4, d0, PhiT, m))).toBe(0);
      // A large product before a small one: views of the grown memory, no stale entries.
      expect(products.gram(Phi.subarray(0, 3 * d0), transpose(Phi.subarray(0, 3 * d0), 3, d0), 3, d0)).toEqual(G.filter((_, t) => t % m < 3 && t < 3 * m));
    }
  });

  it('draws Gaussian-layer projections g_k·φ_α with covariance ⟨φ_α, φ_β⟩ by either route', async () => {
    const products = await createProducts();
    const d = 20_000;
    for (const [m, d0] of [
      [4, 40],
      [12, 16],
    ]) {
      const Phi = randomUnitVectors(new Rng(3, `phi/${m}`), m, d0);
      const PhiT = transpose(Phi, m, d0);
      const PT = gaussianProjections(products, new Rng(3, `g/${m}`), PhiT, m, d0, d, () => products.gram(Phi, PhiT, m, d0));
      for (const [a, b] of [
        [0, 0],
        [0, 1],
        [1, 3],
      ]) {
        let cov = 0;
        for (let k = 0; k < d; k++) cov += PT[k * m + a] * PT[k * m + b];
        // Standard error of an empirical covariance of unit-variance normals: about √(2/d) ≈ 0.01.
        expect(Math.abs(cov / d - dot(Phi, d0, a, b))).toBeLessThan(0.04);
      }
    }
  });

  it('fits a known exponent', () => {
    const xs = [250, 500, 1000, 2000, 4000];
    const exact = fitPowerLaw(xs, xs.map((x) => 3 * x ** 0.6));
    expect(exact.exponent).toBeCloseTo(0.6, 12);
    expect(exact.prefactor).toBeCloseTo(3, 9);
    const rng = new Rng(4, 'noise');
    const many = Array.from({ length: 40 }, (_, i) => 100 * 1.2 ** i);
    const noisy = fitPowerLaw(many, many.map((x) => 2 * x ** (2 / 3) * Math.exp(0.05 * rng.normal())));
    expect(Math.abs(noisy.exponent - 2 / 3)).toBeLessThan(3 * noisy.exponentSe + 1e-9);
    expect(noisy.exponentSe).toBeLessThan(0.01);
  });

  it('interpolates the threshold crossing in log d', () => {
    expect(crossing([100, 200, 400], [0.9, 0.6, 0.3], 0.45)).toBeCloseTo(Math.sqrt(200 * 400), 9);
    expect(crossing([100, 200], [0.4, 0.3], 0.45)).toBe(100);
    expect(crossing([100, 200], [0.6, 0.5], 0.45)).toBeNull();
  });

  it('predicts the Gaussian layer’s 99th percentile without superposition (checked by simulation)', () => {
    const m = 60;
    const d = 400;
    const s = 3;
    const c = signConstant(s);
    const rng = new Rng(5, 'gauss');
    const errs: number[] = [];
    for (let layerRep = 0; layerRep < 4; layerRep++) {
      const W = rng.fillNormal(new Float32Array(m * d));
      for (let pair = 0; pair < 30; pair++) {
        const [i, j] = rng.sampleDistinct(m, 2);
        for (const [a, b] of CASES) {
          for (let t = 0; t < 20; t++) {
            const act = pairCaseActive(rng, m, s, i, j, a, b);
            let sum = 0;
            for (let k = 0; k < d; k++) {
              let pre = 0;
              for (const f of act) pre += W[f * d + k];
              if (pre > 0) sum += Math.sign(W[i * d + k] * W[j * d + k]) * pre;
            }
            errs.push(Math.abs(sum / (d * c) - (a & b)));
          }
        }
      }
    }
    const measured = quantileSorted(Float64Array.from(errs).sort(), 0.99);
    expect(measured / gaussianQuantilePrediction(s, d, 0.99)).toBeGreaterThan(0.9);
    expect(measured / gaussianQuantilePrediction(s, d, 0.99)).toBeLessThan(1.1);
  });
});

describe('the reduced model of the superposed 0/1 layer', () => {
  it('reduces to the exact discrete quantile when d0 is huge', () => {
    const d = 64;
    const p = 0.3;
    const q = modelQuantile(new Rng(6, 'model'), { m: 500, d, d0: 1e12, p, s: 3 }, 40_000, 0.99);
    expect(q).toBeCloseTo(plainErrorQuantile(3, d, p, 0.99), 3);
  });

  it('matches a full simulation with random unit vectors, case by case', () => {
    for (const [m, d, p] of [
      [600, 512, 0.15],
      [1200, 256, 0.2],
    ]) {
      const s = 3;
      const rng = new Rng(7, `full/${m}`);
      // Three independent (features, layer) draws: when m ≫ d0 one draw's common drive ‖Σ_α φ_α‖ alone varies by ~10%.
      const draws = [0, 1, 2].map((l) => {
        const Phi = randomUnitVectors(rng.child(`phi${l}`), m, d);
        const gram = new Float64Array(m * m);
        for (let a = 0; a < m; a++) for (let b = a; b < m; b++) gram[a * m + b] = gram[b * m + a] = dot(Phi, d, a, b);
        return { gram, layer: sampleBernoulliLayer(rng.child(`layer${l}`), m, d, p) };
      });
      const model = modelErrors(new Rng(8, `model/${m}`), { m, d, d0: d, p, s }, 20_000);
      CASES.forEach(([a, b], ci) => {
        const errs: number[] = [];
        const u = new Float64Array(m);
        for (let pair = 0; pair < 240; pair++) {
          const { layer, gram } = draws[pair % 3];
          const [i, j] = [2 * pair, 2 * pair + 1];
          const shared = sharedNeurons(layer, i, j);
          for (let t = 0; t < 6; t++) {
            const act = pairCaseActive(rng, m, s, i, j, a, b);
            u.fill(0);
            for (const f of act) for (let g = 0; g < m; g++) u[g] += gram[f * m + g];
            errs.push(superposedPairReadoff(layer, shared, u) - (a & b));
          }
        }
        const rms = Math.sqrt(errs.reduce((acc, e) => acc + e * e, 0) / errs.length);
        const slice = model.subarray(ci * 20_000, (ci + 1) * 20_000);
        const modelRms = Math.sqrt(slice.reduce((acc, e) => acc + e * e, 0) / slice.length);
        expect(rms / modelRms).toBeGreaterThan(0.9);
        expect(rms / modelRms).toBeLessThan(1.1);
      });
    }
  });
});

import { aggregateSuperpositionInputs, cellKey, CONSTRUCTIONS, type Cell } from '../../experiments/superposition/superpositionInputs';

describe('superposition-inputs aggregation across replicates', () => {
  // Two replicates, m ∈ {10, 40}, widths 8, 16, 32. Replicate r's quantile is q = A·m/d·(1 + r/10), so the width
  // where it crosses ε lies between grid points and is found by log-log interpolation.
  const cfg = { seed: 0, s: 3, ms: [10, 40], gaussianLargeMs: [], ds: [8, 16, 32], replicates: 2, epsilon: 0.5, quantile: 0.99 };
  const cells = new Map<string, Cell[]>();
  const qOf = (m: number, d: number, r: number) => (2 * m * (1 + r / 10)) / d / 10;
  for (const k of CONSTRUCTIONS) {
    for (const m of cfg.ms) {
      cfg.ds.forEach((d, di) => cells.set(cellKey(k, m, di), [0, 1].map((r) => ({ q: qOf(m, d, r), rms: qOf(m, d, r) / 3, bestP: k === 'gaussian' ? null : 0.1 * (r + 1) }))));
    }
  }
  const model = { rows: [{ m: 10, d: 5, p: 0.1 }, { m: 40, d: 20, p: 0.05 }], local: [{ mFrom: 10, mTo: 40, exponent: 1 }] };
  const out = aggregateSuperpositionInputs({ cfg, c: 0.2, cells, model, predicted: (_k, m, d) => (2 * m) / d / 10 });

  it('averages each cell over replicates and pairs it with its prediction', () => {
    const row = out.curves.find((x) => x.construction === 'gaussian' && x.m === 40 && x.d === 16)!;
    expect(row.q.mean).toBeCloseTo((qOf(40, 16, 0) + qOf(40, 16, 1)) / 2, 12);
    expect(row.q.sd).toBeCloseTo(Math.abs(qOf(40, 16, 0) - qOf(40, 16, 1)) / Math.SQRT2, 12);
    expect(row.qPredicted).toBeCloseTo(0.5, 12);
    expect(out.curves.find((x) => x.construction === 'bernoulli')!.bestP!.mean).toBeCloseTo(0.15, 12);
  });

  it('finds each replicate\'s crossing of ε, then mean ± sd, and the exponent of the required width in m', () => {
    // m = 40: q = 0.5, 0.25 at d = 16, 32 for r = 0 (first below ε at 32, interpolation weight 0: d = 16);
    // q = 0.55, 0.275 for r = 1: weight (0.55 − 0.5)/(0.55 − 0.275), linear in q and in log d.
    const req = out.required.find((x) => x.construction === 'gaussian' && x.m === 40)!;
    expect(req.d!.mean).toBeCloseTo((16 + 16 * 2 ** (0.05 / 0.275)) / 2, 9);
    // m = 10: q(8) = 0.25·(1 + r/10) is below ε already, so the required width is the first one.
    expect(out.required.find((x) => x.construction === 'gaussian' && x.m === 10)!.d!.mean).toBe(8);
    expect(out.required.find((x) => x.construction === 'bernoulli' && x.m === 40)!.dPredicted).toBe(20);
    expect(out.summary.mMin).toBe(10);
    expect(out.model.exponentSimulatedRange).toBeCloseTo(1, 12);
  });
});

describe('Gaussian layer far beyond d0: only the used features get vectors', () => {
  it('renumbers the features of a set of checks one-to-one, keeping every pair and input', async () => {
    const { compactTasks } = await import('../../experiments/superposition/superpositionInputs');
    const tasks = {
      pairs: [[70000, 12], [5, 70000]] as [number, number][],
      inputs: [[70000, 12, 99], [5, 70000, 3], [12]],
      pairOf: Int32Array.from([0, 1, 0]),
      target: Float64Array.from([1, 1, 0]),
    };
    const { tasks: t, used } = compactTasks(tasks);
    const original = [...new Set([...tasks.pairs.flat(), ...tasks.inputs.flat()])];
    expect(used).toBe(original.length);
    // The map from old to new indices is a bijection onto 0 … used−1.
    const map = new Map<number, number>();
    tasks.pairs.flat().forEach((a, i) => map.set(a, t.pairs.flat()[i]));
    tasks.inputs.flat().forEach((a, i) => {
      const b = t.inputs.flat()[i];
      if (map.has(a)) expect(map.get(a)).toBe(b);
      map.set(a, b);
    });
    expect(new Set(map.values()).size).toBe(used);
    expect(Math.max(...map.values())).toBe(used - 1);
    expect(t.pairOf).toBe(tasks.pairOf);
    expect(t.target).toBe(tasks.target);
  });
});
