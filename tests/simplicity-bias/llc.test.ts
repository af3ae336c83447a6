import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { NormalStream } from '../../experiments/lib/normalStream';
import { quadraticLlc, sgldChain, type LossModel } from '../../experiments/lib/sgld';
import { symmetricEigenvalues } from '../../experiments/lib/symmetricEigen';
import { determinant } from '../../experiments/lib/linalg';
import { BooleanNet, fitExactly, gram } from '../../experiments/simplicity-bias/booleanNet';
import { createMlpSampler } from '../../experiments/simplicity-bias/mlpSampler';
import { chooseTargets } from '../../experiments/simplicity-bias/llcPrior';

/** Mean λ̂ over chains from w* = 0 (loss 0 there). */
function sgldMean(model: LossModel, settings: Parameters<typeof sgldChain>[3], chains: number, seed: number): number {
  const normals = new NormalStream(new Rng(seed, 'sgld-test'));
  let s = 0;
  for (let c = 0; c < chains; c++) s += sgldChain(model, new Float64Array(model.dim), 0, settings, normals).lambdaHat;
  return s / chains;
}

/** E[nβ L] under p(w) ∝ exp(−nβ L(w) − γ|w|²/2) by the midpoint rule on a grid (1-D or 2-D). */
function quadratureLlc(L: (w: number[]) => number, dim: 1 | 2, nBeta: number, gamma: number, half: number, cells: number): number {
  const h = (2 * half) / cells;
  let z = 0;
  let m = 0;
  for (let i = 0; i < cells; i++)
    for (let j = 0; j < (dim === 2 ? cells : 1); j++) {
      const w = dim === 2 ? [-half + (i + 0.5) * h, -half + (j + 0.5) * h] : [-half + (i + 0.5) * h];
      const e = nBeta * L(w);
      const p = Math.exp(-e - (gamma / 2) * w.reduce((a, b) => a + b * b, 0));
      z += p;
      m += p * e;
    }
  return m / z;
}

describe('symmetric eigenvalues (Jacobi)', () => {
  it('match a hand-worked 2×2 and preserve trace, Frobenius norm and determinant', () => {
    expect(Array.from(symmetricEigenvalues([2, 1, 1, 2], 2))).toEqual([expect.closeTo(3, 12), expect.closeTo(1, 12)]);
    const g = new Rng(3, 'eig');
    const n = 6;
    const B = Array.from({ length: n * n }, () => g.normal());
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = B[i * n + j] + B[j * n + i];
    const ev = symmetricEigenvalues(A, n);
    let trace = 0;
    let frob = 0;
    for (let i = 0; i < n; i++) {
      trace += A[i * n + i];
      for (let j = 0; j < n; j++) frob += A[i * n + j] ** 2;
    }
    expect(ev.reduce((a, b) => a + b, 0)).toBeCloseTo(trace, 10);
    expect(ev.reduce((a, b) => a + b * b, 0)).toBeCloseTo(frob, 9);
    expect(ev.reduce((a, b) => a * b, 1) / determinant(A, n)).toBeCloseTo(1, 9);
  });
});

describe('BooleanNet', () => {
  it('backpropagation matches central differences of Σ g_i f(x_i) (ReLU and tanh, both encodings)', () => {
    for (const [activation, inputs] of [['tanh', 'bits'], ['tanh', 'signs'], ['relu', 'bits']] as const) {
      const net = new BooleanNet({ n: 3, hidden: [5, 4], activation, inputs });
      const g = new Rng(7, activation + inputs);
      const w = Float64Array.from({ length: net.dim }, () => g.normal());
      const coef = Float64Array.from({ length: 8 }, () => g.normal());
      const objective = (x: Float64Array) => net.forward(x).reduce((a, f, i) => a + coef[i] * f, 0);
      net.forward(w);
      const grad = net.backward(w, coef, new Float64Array(net.dim));
      for (let k = 0; k < net.dim; k++) {
        const up = Float64Array.from(w);
        const down = Float64Array.from(w);
        up[k] += 1e-6;
        down[k] -= 1e-6;
        expect(grad[k]).toBeCloseTo((objective(up) - objective(down)) / 2e-6, 5);
      }
    }
  });

  it('with prior-scaled normals it computes the same truth tables as the sampler that measured the prior', () => {
    const spec = { n: 5, hidden: [16, 16], activation: 'tanh' as const, sigmaW: 1, sigmaB: 1 };
    const sample = createMlpSampler(spec, new NormalStream(new Rng(2, 'same')));
    const replay = new NormalStream(new Rng(2, 'same'));
    const net = new BooleanNet({ n: 5, hidden: spec.hidden, activation: 'tanh', inputs: 'bits' });
    const std = net.priorStd(1, 1);
    for (let s = 0; s < 200; s++) {
      const z = replay.take(net.dim);
      const out = net.forward(Float64Array.from(z, (v, k) => v * std[k]));
      let t = 0;
      for (let i = 0; i < 32; i++) if (out[i] > 0) t |= 1 << i;
      expect(t >>> 0).toBe(sample());
    }
  });

  it('Levenberg–Marquardt fits a tanh network exactly, and the Gram matrix has the interpolation rank', () => {
    const net = new BooleanNet({ n: 3, hidden: [6], activation: 'tanh', inputs: 'bits' });
    const g = new Rng(5, 'fit');
    const target = Float64Array.from({ length: 8 }, (_, i) => ((i ^ (i >> 1) ^ (i >> 2)) & 1 ? 1 : -1) + 0.01 * g.normal());
    const std = net.priorStd(1, 1);
    const fit = fitExactly(net, Float64Array.from(std, (s) => s * g.normal()), target, 1e-10);
    expect(fit.converged).toBe(true);
    expect(fit.maxResidual).toBeLessThan(1e-10);
    const ev = symmetricEigenvalues(gram(net.jacobian(fit.w), 8, net.dim), 8);
    expect(ev[7]).toBeGreaterThan(1e-8 * ev[0]);
  });
});

describe('SGLD estimator of the local learning coefficient', () => {
  it('regular model: matches the closed form including the step-size bias, which tends to d/2', () => {
    // L = ½ Σ h_i w_i²: a regular model with d = 4 parameters, λ = d/2 = 2.
    const h = [10, 20, 40, 80];
    const model: LossModel = {
      dim: 4,
      lossGrad(w, grad) {
        let l = 0;
        for (let i = 0; i < 4; i++) {
          grad[i] = h[i] * w[i];
          l += 0.5 * h[i] * w[i] * w[i];
        }
        return l;
      },
    };
    const nBeta = 100;
    const gamma = 1;
    expect(quadraticLlc(h, nBeta, 1e-9)).toBeCloseTo(2, 6);
    // ε·a = 2 for the stiffest mode: its variance doubles, so the biased value is clearly apart from the unbiased one.
    const epsilon = 2 / (nBeta * 80 + gamma);
    const biased = quadraticLlc(h, nBeta, gamma, epsilon);
    const unbiased = quadraticLlc(h, nBeta, gamma);
    expect(biased - unbiased).toBeGreaterThan(0.4);
    const est = sgldMean(model, { nBeta, gamma, epsilon, burnIn: 200, draws: 20000 }, 4, 1);
    expect(Math.abs(est - biased)).toBeLessThan(0.05 * biased);
    // A small step recovers d/2 (within its own small bias).
    const small = sgldMean(model, { nBeta, gamma, epsilon: 0.05 / (nBeta * 80), burnIn: 2000, draws: 40000 }, 4, 2);
    expect(Math.abs(small - 2)).toBeLessThan(0.1);
  });

  it('singular model y = w²·x (K ∝ w⁴): λ = 1/4, and SGLD matches quadrature of the tempered posterior', () => {
    const s = 1;
    const model: LossModel = {
      dim: 1,
      lossGrad(w, grad) {
        grad[0] = 2 * s * w[0] ** 3;
        return 0.5 * s * w[0] ** 4;
      },
    };
    const nBeta = 1e4;
    const gamma = 1;
    const exact = quadratureLlc((w) => 0.5 * s * w[0] ** 4, 1, nBeta, gamma, 1, 20000);
    // With γ small against nβ the localised expectation is the learning coefficient itself: E[a w⁴] = 1/4 under exp(−a w⁴).
    expect(exact).toBeCloseTo(0.25, 2);
    const est = sgldMean(model, { nBeta, gamma, epsilon: 2e-4, burnIn: 5000, draws: 200000 }, 4, 3);
    expect(Math.abs(est - exact)).toBeLessThan(0.03);
    expect(est).toBeLessThan(0.5 * 0.6); // far from the regular value 1/2 for one parameter
  });

  it('singular model y = a·b·x (K ∝ a²b²): SGLD matches 2-D quadrature, which climbs towards λ = 1/2 (not d/2 = 1)', () => {
    const model: LossModel = {
      dim: 2,
      lossGrad(w, grad) {
        const [a, b] = w;
        grad[0] = a * b * b;
        grad[1] = a * a * b;
        return 0.5 * a * a * b * b;
      },
    };
    // The b-integral is Gaussian: p(a) ∝ exp(−γa²/2)/√τ with τ = nβa² + γ, and E[nβL | a] = nβa²/(2τ).
    const gamma = 1;
    const at = (nBeta: number) => {
      const half = 8;
      const cells = 400_000;
      const h = (2 * half) / cells;
      let z = 0;
      let m = 0;
      for (let i = 0; i < cells; i++) {
        const a = -half + (i + 0.5) * h;
        const tau = nBeta * a * a + gamma;
        const p = Math.exp((-gamma * a * a) / 2) / Math.sqrt(tau);
        z += p;
        m += (p * nBeta * a * a) / (2 * tau);
      }
      return m / z;
    };
    const [q3, q5, q9] = [at(1e3), at(1e5), at(1e9)];
    // λ = 1/2 with multiplicity 2: approached from below, slowly (a log correction), never the regular d/2 = 1.
    expect(q3).toBeLessThan(q5);
    expect(q5).toBeLessThan(q9);
    expect(q9).toBeLessThan(0.5);
    expect(q9).toBeGreaterThan(0.44);
    // A brute-force 2-D midpoint rule agrees where its grid resolves the posterior.
    expect(quadratureLlc((w) => 0.5 * w[0] ** 2 * w[1] ** 2, 2, 1e3, gamma, 6, 1200)).toBeCloseTo(q3, 2);
    const est = sgldMean(model, { nBeta: 1e3, gamma, epsilon: 2e-4, burnIn: 20000, draws: 400000 }, 4, 4);
    expect(Math.abs(est - q3)).toBeLessThan(0.04);
  });
});

describe('target choice', () => {
  it('takes both constants, then functions nearest to evenly spaced levels of log2 P among trusted ones, then named ones', () => {
    const N = 1 << 20;
    const counts = new Map<number, number>([
      [0, N / 4],
      [0xffffffff, N / 4],
      [1, 1024], // log2 P = −10
      [2, 1000],
      [3, 64], // −14
      [4, 16], // −16
      [5, 9], // untrusted
    ]);
    const t = chooseTargets(counts, N, 4, ['parity of 5']);
    expect(t.map((x) => x.table)).toEqual([0, 0xffffffff, 1, 4, 0x96696996]);
    expect(t[4].count).toBe(0);
    expect(t[4].log2P).toBeNull();
    expect(t[4].log2PRank).toBeCloseTo(Math.log2(3 / N), 12);
  });
});
