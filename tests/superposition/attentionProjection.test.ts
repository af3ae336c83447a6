import { describe, expect, it } from 'vitest';
import { Rng } from '../../experiments/runtime/rng';
import { firstFromWhichAlways, hardTemperature, projectedScores, scanContexts, scanTokens, tieVerdict } from '../../experiments/superposition/attentionProjection';
import { randomUnitVectors } from '../../experiments/lib/unitVectors';

const gaussianUnitRows = (rng: Rng, n: number, d: number) => {
  const t = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let c = 0; c < d; c++) sq += (t[i * d + c] = rng.normal()) ** 2;
    for (let c = 0; c < d; c++) t[i * d + c] /= Math.sqrt(sq);
  }
  return t;
};

describe('the projection construction for random tokens', () => {
  it('finds the same smallest d_head as a brute-force check of every k, with the errors read at that k', () => {
    const rng = new Rng(3, 'test');
    const [n, d] = [40, 24];
    const t = gaussianUnitRows(rng, n, d);
    // Brute force: scores from scratch at every k, in the plainest form.
    const ok: boolean[] = [false];
    for (let k = 1; k <= d; k++) {
      let good = true;
      for (let i = 0; i < n; i++) {
        let own = 0;
        for (let c = 0; c < k; c++) own += t[i * d + c] ** 2;
        for (let j = 0; j < n; j++) {
          if (j === i) continue;
          let v = 0;
          for (let c = 0; c < k; c++) v += t[i * d + c] * t[j * d + c];
          if (v >= own) good = false;
        }
      }
      ok.push(good);
    }
    expect(ok[d]).toBe(true); // at full rank, distinct unit vectors: ⟨t_i, t_j⟩ < 1
    let expected = d;
    while (expected > 1 && ok[expected - 1]) expected--;
    const scan = scanTokens(t, n, d, 0.25, 0.05);
    expect(scan.kArgmax).toBe(expected);
    const S = projectedScores(t, n, d, scan.kArgmax, d / scan.kArgmax);
    let maxOff = -Infinity;
    let sq = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      if (i !== j) maxOff = Math.max(maxOff, S[i * n + j]);
      sq += (S[i * n + j] - (i === j ? 1 : 0)) ** 2;
    }
    expect(scan.maxOffTarget).toBeCloseTo(maxOff, 10);
    expect(scan.rmsError).toBeCloseTo(Math.sqrt(sq / (n * n)), 10);
  });

  it('reads ε-accuracy as every score within ε of its 0/1 target: orthonormal tokens reach it only at full rank', () => {
    const d = 6;
    const t = new Float64Array(d * d).map((_, c) => (c % (d + 1) === 0 ? 1 : 0));
    const scan = scanTokens(t, d, d, 0.25, 0.05);
    // With k < d the scale d/k puts the first k tokens' own scores at d/k > 1.25 and the rest at 0.
    expect(scan.kEpsilon).toBe(d);
    expect(scan.maxOffTargetFull).toBe(0);
  });

  it('hard temperature: two tokens with overlap a need τ ≤ (1 − a)/ln((1 − m)/m)', () => {
    const a = 0.3;
    const m = 0.05;
    const tau = hardTemperature(Float64Array.from([1, a, a, 1]), 2, m);
    expect(tau).toBeCloseTo((1 - a) / Math.log((1 - m) / m), 6);
    expect(hardTemperature(Float64Array.from([1, 1, 1, 1]), 2, m)).toBe(0);
  });

  it('hard temperature: the same τ, bit for bit, as bisecting on the maximum over every query', () => {
    const reference = (S: Float64Array, n: number, mass: number) => {
      const worstOff = (tau: number) => {
        let worst = 0;
        for (let i = 0; i < n; i++) {
          let rest = 0;
          for (let j = 0; j < n; j++) if (j !== i) rest += Math.exp((S[i * n + j] - S[i * n + i]) / tau);
          worst = Math.max(worst, rest / (1 + rest));
        }
        return worst;
      };
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (j !== i && S[i * n + j] >= S[i * n + i]) return 0;
      let [lo, hi] = [1e-6, 1e3];
      if (worstOff(lo) > mass) return 0;
      for (let it = 0; it < 50; it++) {
        const mid = Math.sqrt(lo * hi);
        if (worstOff(mid) <= mass) lo = mid;
        else hi = mid;
      }
      return lo;
    };
    const rng = new Rng(21, 'hardTemperature');
    for (const [n, d] of [[6, 4], [24, 8], [40, 40], [64, 16]]) {
      const t = Float64Array.from(randomUnitVectors(rng, n, d));
      for (const k of [2, d]) {
        const S = projectedScores(t, n, d, k, d / k);
        for (const mass of [0.01, 0.05, 0.3]) expect(Object.is(hardTemperature(S, n, mass), reference(S, n, mass))).toBe(true);
      }
    }
    const withNaN = Float64Array.from([1, 0.2, NaN, 0.1, 1, 0.3, 0, 0.4, 1]);
    expect(Object.is(hardTemperature(withNaN, 3, 0.05), reference(withNaN, 3, 0.05))).toBe(true);
  });

  it('first k from which a condition always holds', () => {
    expect(firstFromWhichAlways([0, 0, 1, 0, 1, 1], 5)).toBe(4);
    expect(firstFromWhichAlways([0, 1, 1, 1], 3)).toBe(1);
    expect(firstFromWhichAlways([0, 1, 1, 0], 3)).toBeNull();
  });
});

describe('co-occurring features and ties', () => {
  it('orthonormal features: the target key always wins at full rank, and tied targets score exactly alike', () => {
    const d = 16;
    const f = new Float64Array(d * d).map((_, c) => (c % (d + 1) === 0 ? 1 : 0));
    const scan = scanContexts(new Rng(5, 'test'), f, d, d, 3, 4, 50, 0.05, 2);
    expect(scan.win[d]).toBe(1);
    expect(scan.tiesRanked).toBe(1);
    expect(scan.tiesSplit).toBe(1);
    expect(scanContexts(new Rng(5, 'test'), f, d, d, 1, 8, 50, 0.05, 2).tiesRanked).toBeNull();
  });

  it('tie verdicts: ranked needs both targets on top; split needs one temperature for both conditions', () => {
    // Targets 1 and 0.9 (Δ = 0.1), others at 0: τ = 0.1/ln 2, the others' mass is tiny.
    expect(tieVerdict(Float64Array.from([1, 0.9, 0, 0, 0]), 0.05, 2)).toEqual({ ranked: true, split: true });
    // Targets 1 and 0.5, another at 0.45: ranked, but τ = 0.5/ln 2 leaves the others a large mass.
    expect(tieVerdict(Float64Array.from([1, 0.5, 0.45, 0, 0]), 0.05, 2)).toEqual({ ranked: true, split: false });
    expect(tieVerdict(Float64Array.from([1, 0.5, 0.6]), 0.05, 2)).toEqual({ ranked: false, split: false });
  });
});
