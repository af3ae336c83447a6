import { describe, expect, it } from 'vitest';
import { CORNER_DESIGN, minimaxAffine, mseAffine } from '../../experiments/superposition/affineReadoff';
import { lpAffineFit } from '../../experiments/superposition/lpAffineFit';

const AND = [0, 0, 0, 1];
const XOR = [0, 1, 1, 0];

/** Brute force: the smallest worst-case error over a grid of affine readoffs a·x_i + b·x_j + c, in exact sixteenths. */
function bruteMinimax(y: number[]) {
  let best = { err: Infinity, a: 0, b: 0, c: 0 };
  for (let A = -32; A <= 32; A++) for (let B = -32; B <= 32; B++) for (let C = -32; C <= 32; C++) {
    const [a, b, c] = [A / 16, B / 16, C / 16];
    const err = Math.max(Math.abs(c - y[0]), Math.abs(a + c - y[1]), Math.abs(b + c - y[2]), Math.abs(a + b + c - y[3]));
    if (err < best.err) best = { err, a, b, c };
  }
  return best;
}

describe('affine baseline', () => {
  it('finds the exact minimax errors 1/4 (AND) and 1/2 (XOR), matching brute force', () => {
    const bAnd = bruteMinimax(AND);
    const bXor = bruteMinimax(XOR);
    expect(bAnd.err).toBe(0.25);
    expect(bXor.err).toBe(0.5);
    const and = minimaxAffine(CORNER_DESIGN, AND);
    const xor = minimaxAffine(CORNER_DESIGN, XOR);
    expect(and.maxAbsError).toBeCloseTo(bAnd.err, 12);
    expect(xor.maxAbsError).toBeCloseTo(bXor.err, 12);
    // The source's readoff (x_i + x_j)/2 − 1/4.
    expect(and.coef[0]).toBeCloseTo(0.5, 12);
    expect(and.coef[1]).toBeCloseTo(0.5, 12);
    expect(and.coef[2]).toBeCloseTo(-0.25, 12);
    // XOR's best affine readoff ignores the inputs.
    expect(Math.abs(xor.coef[0]) + Math.abs(xor.coef[1])).toBeLessThan(1e-12);
  });

  it('gives the closed-form MSE readoff q·x_i + q·x_j − q² under Bernoulli(q) inputs', () => {
    for (const q of [0.05, 0.3, 0.5]) {
      const fit = mseAffine(AND, q);
      expect(fit.coef[0]).toBeCloseTo(q, 10);
      expect(fit.coef[1]).toBeCloseTo(q, 10);
      expect(fit.coef[2]).toBeCloseTo(-q * q, 10);
      expect(fit.errors[3]).toBeCloseTo(-((1 - q) ** 2), 10);
    }
  });

  it('L_p fits: p = 2 matches least squares, and the worst error falls toward 1/4 as p grows', () => {
    const q = 0.1;
    const w = [(1 - q) ** 2, q * (1 - q), q * (1 - q), q * q];
    const l2 = lpAffineFit(CORNER_DESIGN, AND, w, 2);
    expect(l2[0]).toBeCloseTo(q, 6);
    expect(l2[2]).toBeCloseTo(-q * q, 6);
    const worst = (c: number[]) => Math.max(...CORNER_DESIGN.map((r, k) => Math.abs(r[0] * c[0] + r[1] * c[1] + c[2] - AND[k])));
    const errs = [2, 6, 16, 40].map((p) => worst(lpAffineFit(CORNER_DESIGN, AND, w, p)));
    for (let i = 1; i < errs.length; i++) expect(errs[i]).toBeLessThan(errs[i - 1]);
    expect(errs[3]).toBeGreaterThan(0.25);
    expect(errs[3]).toBeLessThan(0.3);
  });
});
