import { describe, expect, it } from 'vitest';
import { blindSpotFraction, fittedBound } from '../../experiments/simplicity-bias/blindSpots';

describe('blind spots', () => {
  // Four "functions" of sizes 1, 2, 3, 3; N = 2^20 draws.
  const size = Uint8Array.from([1, 2, 3, 3]);
  const N = 2 ** 20;

  it('fits the bound through per-size maxima of trusted functions only', () => {
    // log2 P = −2, −4, −6 at sizes 1, 2, 3 (the second size-3 function has 5 draws: untrusted, ignored).
    const counts = Uint32Array.from([N / 4, N / 16, N / 64, 5]);
    const b = fittedBound(size, counts, N, () => true)!;
    expect(b.slope).toBeCloseTo(-2, 12);
    expect(b.intercept).toBeCloseTo(0, 12);
  });

  it('certifies a gap only when the Poisson upper bound is that far below', () => {
    const bound = { slope: -2, intercept: 0 };
    // Size 3 lies at −6 on the bound. A zero count has upper bound 3.0/N: log2 = −18.4, a gap of 12.4 bits.
    const counts = Uint32Array.from([0, 0, 0, 0]);
    const st = blindSpotFraction([2, 3], size, counts, N, bound, [5, 10, 13]);
    expect(st.fractionCertified).toEqual([1, 1, 0]);
    expect(st.fractionUnseen).toBe(1);
    // 64 draws: P̂ = 2^−14 (8 bits below); the 95% upper bound (≈ 80.2 draws) is ≈ 7.7 bits below.
    const seen = Uint32Array.from([0, 0, 64, 64]);
    const st2 = blindSpotFraction([2, 3], size, seen, N, bound, [5, 7.9]);
    expect(st2.fractionCertified).toEqual([1, 0]);
    expect(st2.fractionPoint).toEqual([1, 1]);
    expect(st2.medianGap).toBeGreaterThan(7.5);
    expect(st2.medianGap).toBeLessThan(7.8);
  });
});
