import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { NormalStream } from '../../experiments/lib/normalStream';
import { sgldChain, type LossModel } from '../../experiments/lib/sgld';

/**
 * The SGLD estimator of the learning coefficient on deep linear networks, whose λ is known in closed form:
 * Aoyagi (2024), "Consideration on the learning efficiency of multiple-layered neural networks with linear units",
 * Neural Networks (2024), Theorem 1 (preprint: https://doi.org/10.2139/ssrn.4404877). Widths H_1 (input), …, H_{L+1} (output), true product of rank r,
 * Δ_s = H_s − r. Take the index set Σ (|Σ| = ℓ + 1 ≥ 2) with max_Σ Δ < min_{∉Σ} Δ, Σ_Σ Δ ≥ ℓ·max_Σ Δ and
 * Σ_Σ Δ < ℓ·min_{∉Σ} Δ; with M = ⌈Σ_Σ Δ / ℓ⌉ and a = Σ_Σ Δ − (M − 1)ℓ,
 *   λ = (−r² + r(H_1 + H_{L+1}))/2 + a(ℓ − a)/(4ℓ) − (ℓ(ℓ − 1)/4)(Σ_Σ Δ/ℓ)² + ½ Σ_{i<j∈Σ} Δ_iΔ_j,
 * and the order (multiplicity) of the pole is a(ℓ − a) + 1.
 */
function aoyagi(widths: number[], r: number): { lambda: number; order: number } {
  const delta = widths.map((h) => h - r);
  const idx = delta.map((_, i) => i);
  let found: number[] | null = null;
  for (let mask = 1; mask < 1 << delta.length; mask++) {
    const sigma = idx.filter((i) => (mask >> i) & 1);
    if (sigma.length < 2) continue;
    const rest = idx.filter((i) => !((mask >> i) & 1));
    const ell = sigma.length - 1;
    const sum = sigma.reduce((s, i) => s + delta[i], 0);
    const maxIn = Math.max(...sigma.map((i) => delta[i]));
    const minOut = rest.length ? Math.min(...rest.map((i) => delta[i])) : Infinity;
    if (maxIn < minOut && sum >= ell * maxIn && sum < ell * minOut) {
      if (found) throw new Error(`two index sets satisfy the conditions for ${widths}, r = ${r}`);
      found = sigma;
    }
  }
  if (!found) throw new Error(`no index set for ${widths}, r = ${r}`);
  const ell = found.length - 1;
  const sum = found.reduce((s, i) => s + delta[i], 0);
  const M = Math.ceil(sum / ell);
  const a = sum - (M - 1) * ell;
  let pairs = 0;
  for (let x = 0; x < found.length; x++) for (let y = x + 1; y < found.length; y++) pairs += delta[found[x]] * delta[found[y]];
  const H1 = widths[0];
  const Hout = widths[widths.length - 1];
  const lambda = (-r * r + r * (H1 + Hout)) / 2 + (a * (ell - a)) / (4 * ell) - ((ell * (ell - 1)) / 4) * (sum / ell) ** 2 + pairs / 2;
  return { lambda, order: a * (ell - a) + 1 };
}

/**
 * Reduced-rank regression (one hidden layer: M inputs, H hidden, N outputs, true rank r), Aoyagi & Watanabe (2005),
 * an independent closed form for the three-width case.
 */
function reducedRank(M: number, H: number, N: number, r: number): number {
  if (N + r <= M + H && M + r <= N + H && H + r <= M + N) {
    const s = M + H + N + r;
    const base = 2 * (H + r) * (M + N) - (M - N) ** 2 - (H + r) ** 2;
    return s % 2 === 0 ? base / 8 : (base + 1) / 8;
  }
  if (M + H < N + r) return (H * M - H * r + N * r) / 2;
  if (N + H < M + r) return (H * N - H * r + M * r) / 2;
  return (M * N) / 2; // M + N < H + r
}

/** A deep linear network x ↦ W_L ⋯ W_1 x with the population square loss for x ~ N(0, I): L(w) = ½‖W_L⋯W_1 − T‖²_F. */
function deepLinear(widths: number[], target: Float64Array): LossModel {
  const layers = widths.length - 1;
  const offsets: number[] = [0];
  for (let l = 0; l < layers; l++) offsets.push(offsets[l] + widths[l] * widths[l + 1]);
  const dim = offsets[layers];
  const din = widths[0];
  // Row-major matrices: W_l is widths[l+1] × widths[l]. Prefix products P_l = W_l ⋯ W_1 and suffixes S_l = W_L ⋯ W_{l+1}.
  const matmul = (A: Float64Array, B: Float64Array, n: number, k: number, m: number) => {
    const C = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let t = 0; t < k; t++) for (let j = 0; j < m; j++) C[i * m + j] += A[i * k + t] * B[t * m + j];
    return C;
  };
  const identity = (n: number) => {
    const I = new Float64Array(n * n);
    for (let i = 0; i < n; i++) I[i * n + i] = 1;
    return I;
  };
  return {
    dim,
    lossGrad(w, grad) {
      const W = Array.from({ length: layers }, (_, l) => w.subarray(offsets[l], offsets[l + 1]));
      const prefix: Float64Array[] = [identity(din)];
      for (let l = 0; l < layers; l++) prefix.push(matmul(W[l], prefix[l], widths[l + 1], widths[l], din));
      const dout = widths[layers];
      const E = prefix[layers].map((v, i) => v - target[i]);
      let loss = 0;
      for (const e of E) loss += 0.5 * e * e;
      // ∂L/∂W_l = S_lᵀ E P_{l−1}ᵀ, with S_l the product of the layers above l.
      let suffix = identity(dout);
      for (let l = layers - 1; l >= 0; l--) {
        const rows = widths[l + 1];
        const cols = widths[l];
        // G = suffixᵀ (rows × dout) · E (dout × din) · prefix[l]ᵀ (din × cols)
        const StE = new Float64Array(rows * din);
        for (let i = 0; i < rows; i++) for (let o = 0; o < dout; o++) for (let j = 0; j < din; j++) StE[i * din + j] += suffix[o * rows + i] * E[o * din + j];
        const g = grad.subarray(offsets[l], offsets[l + 1]);
        g.fill(0);
        for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) for (let t = 0; t < din; t++) g[i * cols + j] += StE[i * din + t] * prefix[l][j * din + t];
        suffix = matmul(suffix, W[l], dout, rows, cols);
      }
      return loss;
    },
  };
}

describe('deep linear networks: the learning coefficient of Aoyagi (2024)', () => {
  it('the population loss has the gradient of its central differences', () => {
    const model = deepLinear([2, 3, 2, 2], Float64Array.from([1, 2, 3, 4]));
    const g = new Rng(1, 'fd');
    const w = Float64Array.from({ length: model.dim }, () => g.normal());
    const grad = new Float64Array(model.dim);
    const scratch = new Float64Array(model.dim);
    model.lossGrad(w, grad);
    for (let k = 0; k < model.dim; k++) {
      const up = Float64Array.from(w);
      const down = Float64Array.from(w);
      up[k] += 1e-6;
      down[k] -= 1e-6;
      expect(grad[k]).toBeCloseTo((model.lossGrad(up, scratch) - model.lossGrad(down, scratch)) / 2e-6, 5);
    }
  });

  it('the formula agrees with reduced-rank regression (Aoyagi & Watanabe 2005) and with hand-worked cases', () => {
    for (const [M, H, N] of [
      [2, 2, 2],
      [3, 1, 3],
      [4, 3, 8],
      [8, 3, 4],
      [3, 8, 4],
      [5, 4, 5],
      [5, 3, 5],
    ]) {
      for (let r = 0; r <= Math.min(M, H, N); r++) expect(aoyagi([M, H, N], r).lambda).toBeCloseTo(reducedRank(M, H, N, r), 10);
    }
    // Full rank everywhere: the zero set is the gauge orbit, λ = (d − dim orbit)/2 = r(H_1 + H_out − r)/2.
    expect(aoyagi([2, 2, 2, 2], 2)).toEqual({ lambda: 2, order: 1 });
    // y = a·b·c·x with truth 0: K ∝ a²b²c², λ = 1/2 (order 3: three variables tie).
    expect(aoyagi([1, 1, 1, 1], 0)).toEqual({ lambda: 0.5, order: 3 });
    // y = (a·b)x with a, b ∈ R²: K ∝ (a·b)², a nondegenerate quadratic form in 4 variables squared, λ = 1/2.
    expect(aoyagi([1, 2, 1], 0)).toEqual({ lambda: 0.5, order: 1 });
  });

  it('SGLD recovers λ = 3/2 of the 2-2-2 network at W* = 0 (d/2 = 4) and λ = 2 of 2-2-2-2 at a full-rank truth (d/2 = 6), within 10%', () => {
    const cases = [
      { widths: [2, 2, 2], target: new Float64Array(4), expected: 1.5 },
      { widths: [2, 2, 2, 2], target: Float64Array.from([1.2, 0.3, -0.4, 0.9]), expected: 2 },
    ];
    for (const [k, c] of cases.entries()) {
      const known = aoyagi(c.widths, c.target.some((v) => v !== 0) ? 2 : 0);
      expect(known.lambda).toBe(c.expected);
      expect(known.order).toBe(1); // no log corrections: λ̂ approaches λ as a power of nβ
      const model = deepLinear(c.widths, c.target);
      // w*: a point of the zero set (0 for W* = 0; for the full-rank truth, W_1 = T and the other layers I).
      const wStar = new Float64Array(model.dim);
      if (c.target.some((v) => v !== 0)) {
        wStar.set(c.target, 0);
        for (let l = 1; l < c.widths.length - 1; l++) wStar.set([1, 0, 0, 1], 4 * l);
      }
      // nβ = 10⁵, γ = 10. At W* = 0 the estimate approaches 3/2 from below as nβ grows (about 1.32 at nβ = 10⁴, 1.42
      // here): the 10% tolerance covers that finite-nβ bias. The full-rank case is Morse–Bott and converges fast, so a
      // smaller step (ε·nβ·h ≈ 0.06 on its stiffest mode) and a shorter chain suffice.
      const normals = new NormalStream(new Rng(k, 'dln-sgld'));
      const settings = k === 0 ? { nBeta: 1e5, gamma: 10, epsilon: 2e-6, burnIn: 20000, draws: 100000 } : { nBeta: 1e5, gamma: 10, epsilon: 2e-7, burnIn: 5000, draws: 30000 };
      const chains = Array.from({ length: 4 }, () => sgldChain(model, wStar, 0, settings, normals));
      const est = chains.reduce((s, ch) => s + ch.lambdaHat, 0) / chains.length;
      expect(chains.every((ch) => !ch.diverged)).toBe(true);
      expect(Math.abs(est - c.expected)).toBeLessThan(0.1 * c.expected);
      // Far from the regular value d/2.
      expect(est).toBeLessThan(0.6 * (model.dim / 2));
    }
  });
});
