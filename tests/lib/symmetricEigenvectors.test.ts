import { describe, expect, it } from 'vitest';
import { symmetricEigenvalues } from '../../experiments/lib/symmetricEigen';
import { symmetricEigen } from '../../experiments/lib/symmetricEigenvectors';
import { Rng } from '../../experiments/runtime/rng';

/** A random symmetric n×n matrix (entries N(0, 1), symmetrised). */
function randomSymmetric(rng: Rng, n: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const v = rng.normal();
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  return a;
}

describe('symmetricEigen (values and vectors)', () => {
  it('A v = λ v for every pair, the vectors orthonormal, signs fixed', () => {
    const n = 24;
    const a = randomSymmetric(new Rng(5, 'eig'), n);
    const { values, vectors } = symmetricEigen(a, n);
    for (let e = 0; e < n; e++) {
      const v = vectors[e];
      let big = 0;
      for (let k = 0; k < n; k++) if (Math.abs(v[k]) > Math.abs(v[big])) big = k;
      expect(v[big]).toBeGreaterThan(0);
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += a[i * n + j] * v[j];
        expect(Math.abs(av - values[e] * v[i])).toBeLessThan(1e-12);
      }
      for (let f = 0; f <= e; f++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += v[k] * vectors[f][k];
        expect(Math.abs(dot - (e === f ? 1 : 0))).toBeLessThan(1e-13);
      }
      if (e > 0) expect(values[e]).toBeLessThanOrEqual(values[e - 1]);
    }
  });

  it('a known case: diag(3, 1) rotated by 30° has eigenvalues 3 and 1 along the rotated axes', () => {
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    // R diag(3, 1) Rᵀ with R's columns (c, s) and (−s, c).
    const a = [3 * c * c + s * s, 2 * c * s, 2 * c * s, 3 * s * s + c * c];
    const { values, vectors } = symmetricEigen(a, 2);
    expect(values[0]).toBeCloseTo(3, 14);
    expect(values[1]).toBeCloseTo(1, 14);
    expect(vectors[0][0]).toBeCloseTo(c, 14);
    expect(vectors[0][1]).toBeCloseTo(s, 14);
    expect(vectors[1][0]).toBeCloseTo(-s, 14);
    expect(vectors[1][1]).toBeCloseTo(c, 14);
  });

  it('the same rotations as symmetricEigenvalues: identical values, bit for bit', () => {
    const rng = new Rng(6, 'eig');
    for (const n of [3, 8, 32]) {
      const a = randomSymmetric(rng, n);
      expect(Array.from(symmetricEigen(a, n).values)).toEqual(Array.from(symmetricEigenvalues(a, n)));
    }
  });
});
