import type { Rng } from '../runtime/rng';
import { quantileSorted } from '../lib/stats';

/**
 * A reduced model of the 0/1 construction with inputs in superposition (bernoulliLayer.superposedPairReadoff),
 * cheap enough to push m far beyond what the full simulation can reach. With x = Σ_{β∈A} φ_β and u_α = ⟨φ_α, x⟩,
 * a neuron k shared by the pair (i, j) has pre-activation
 *   u_i + u_j + Σ_{α∈A'} W_kα u_α + Σ_{α∈I} W_kα u_α − 1,
 * A' the s' other active features and I the |I| inactive features besides i, j. Over random unit φ in R^{d0},
 * u_α ≈ N(0, s/d0) on I and 1 + N(0, (s−1)/d0) on A, uncorrelated. Given u, the last sum is, over the layer,
 * approximately normal with mean p·C (C = Σ_I u_α ~ N(0, |I|s/d0), the same for every neuron: it never averages out)
 * and variance p(1−p)·|I|s/d0, independently across neurons. The model keeps these terms, the exact binomial wiring
 * of A' and N ~ Bin(d, p²) shared neurons, and the ReLU.
 */
export interface ModelSetting {
  m: number;
  d: number;
  d0: number;
  p: number;
  s: number;
}

/** Signed errors (readoff − target) of the model, `perCase` draws for each case (x_i, x_j) ∈ {00, 10, 01, 11}. */
export function modelErrors(rng: Rng, st: ModelSetting, perCase: number): Float64Array {
  const { m, d, d0, p, s } = st;
  const out = new Float64Array(4 * perCase);
  const logMiss = Math.log1p(-p * p);
  const sdActive = Math.sqrt((s - 1) / d0);
  const sdInactive = Math.sqrt(s / d0);
  let idx = 0;
  for (const [a, b] of [
    [0, 0],
    [1, 0],
    [0, 1],
    [1, 1],
  ]) {
    const target = a & b;
    const sPrime = s - a - b;
    const inactive = m - s - (2 - a - b);
    const sdCommon = p * Math.sqrt((inactive * s) / d0);
    const sdOwn = Math.sqrt((p * (1 - p) * inactive * s) / d0);
    const others = new Float64Array(sPrime);
    for (let r = 0; r < perCase; r++) {
      let n = 0;
      for (let pos = -1; ; n++) {
        let v = rng.uniform();
        while (v === 0) v = rng.uniform();
        pos += 1 + Math.floor(Math.log(v) / logMiss);
        if (pos >= d) break;
      }
      if (n === 0) {
        out[idx++] = -target;
        continue;
      }
      const ui = a ? 1 + sdActive * rng.normal() : sdInactive * rng.normal();
      const uj = b ? 1 + sdActive * rng.normal() : sdInactive * rng.normal();
      for (let o = 0; o < sPrime; o++) others[o] = 1 + sdActive * rng.normal();
      const base = ui + uj - 1 + sdCommon * rng.normal();
      let sum = 0;
      for (let k = 0; k < n; k++) {
        let pre = base + sdOwn * rng.normal();
        for (let o = 0; o < sPrime; o++) if (rng.uniform() < p) pre += others[o];
        if (pre > 0) sum += pre;
      }
      out[idx++] = sum / n - target;
    }
  }
  return out;
}

export function modelQuantile(rng: Rng, st: ModelSetting, perCase: number, quantile: number): number {
  const abs = Float64Array.from(modelErrors(rng, st, perCase), Math.abs).sort();
  return quantileSorted(abs, quantile);
}

export interface RequiredWidth {
  d: number;
  /** The connection probability that met the threshold there. */
  p: number;
}

/**
 * Smallest width d = d0 at which min_p quantile < epsilon, by bisection in log d on [lo, hi] (hi doubled until it
 * meets the threshold). p ranges over `pLadder` (ascending), searched locally from the previous best rung, so the
 * answer matches a grid minimum when the quantile is unimodal in p. `rngFor(label)` gives each evaluation its own
 * stream, so every call is reproducible.
 */
export function modelRequiredWidth(
  rngFor: (label: string) => Rng,
  base: Omit<ModelSetting, 'd' | 'd0' | 'p'>,
  opts: { epsilon: number; quantile: number; perCase: number; lo: number; hi: number; pLadder: readonly number[]; start: number; steps: number },
): RequiredWidth & { rung: number } {
  const ladder = opts.pLadder;
  let rung = Math.max(0, Math.min(ladder.length - 1, opts.start));
  const best = (dRaw: number): { q: number; rung: number } => {
    const d = Math.round(dRaw);
    const memo = new Map<number, number>();
    const q = (i: number) => {
      if (!memo.has(i)) memo.set(i, modelQuantile(rngFor(`${d}/${ladder[i]}`), { ...base, d, d0: d, p: ladder[i] }, opts.perCase, opts.quantile));
      return memo.get(i)!;
    };
    let i = rung;
    for (const step of [-1, 1]) while (i + step >= 0 && i + step < ladder.length && q(i + step) < q(i)) i += step;
    rung = i;
    return { q: q(i), rung: i };
  };
  let lo = opts.lo;
  let hi = opts.hi;
  let atHi = best(hi);
  for (let grow = 0; atHi.q >= opts.epsilon && grow < 12; grow++) {
    lo = hi;
    hi *= 2;
    atHi = best(hi);
  }
  let found = { d: hi, p: ladder[atHi.rung], rung: atHi.rung };
  for (let it = 0; it < opts.steps; it++) {
    const mid = Math.sqrt(lo * hi);
    const r = best(mid);
    if (r.q < opts.epsilon) {
      hi = mid;
      found = { d: mid, p: ladder[r.rung], rung: r.rung };
    } else lo = mid;
  }
  return found;
}
