/**
 * Closed forms for the post's 0/1 construction (bernoulliLayer.ts): neuron k fires ReLU(Σ_α W_kα f_α − 1) with
 * W_kα ~ Bernoulli(p), and the pair (α, β) is read off as the mean output of the N neurons wired to both.
 * With s' other features on, a shared neuron sees a + b − 1 + K with K ~ Bin(s', p), independently across neurons,
 * so given N = n ≥ 1 the readoff is a mean of n iid copies of z = ReLU(a + b − 1 + K). N ~ Bin(d, p²).
 * A pair with no shared neuron reads 0 (the post's numerator; its ratio is 0/0).
 */

/**
 * Bin(n, q) probabilities for k = 0..kMax, computed in log space so that n = 4096 with large q does not underflow.
 */
export function binomialPmf(n: number, q: number, kMax = n): Float64Array {
  const out = new Float64Array(Math.min(n, kMax) + 1);
  if (q <= 0) {
    out[0] = 1;
    return out;
  }
  if (q >= 1) {
    if (kMax >= n) out[n] = 1;
    return out;
  }
  const logRatio = Math.log(q) - Math.log1p(-q);
  let lp = n * Math.log1p(-q);
  out[0] = Math.exp(lp);
  for (let k = 0; k < out.length - 1; k++) {
    lp += Math.log((n - k) / (k + 1)) + logRatio;
    out[k + 1] = Math.exp(lp);
  }
  return out;
}

export interface OutputMoments {
  target: number;
  /** E[z] and Var[z] for one shared neuron's output z = ReLU(a + b − 1 + K). */
  mean: number;
  variance: number;
}

/**
 * Exact moments of one shared neuron's output in case (a, b). For a + b ≥ 1 the ReLU never clips (z = a + b − 1 + K).
 * For (0, 0), z = ReLU(K − 1) = K − 1 + 1[K = 0], so E z = s'p − 1 + (1 − p)^s' and E z² = E(K − 1)² − P(K = 0).
 */
export function outputMoments(a: number, b: number, sPrime: number, p: number): OutputMoments {
  const target = a & b;
  const meanK = sPrime * p;
  const varK = sPrime * p * (1 - p);
  if (a + b >= 1) return { target, mean: a + b - 1 + meanK, variance: varK };
  const p0 = (1 - p) ** sPrime;
  const mean = meanK - 1 + p0;
  const second = varK + (meanK - 1) ** 2 - p0;
  return { target, mean, variance: second - mean * mean };
}

export interface SharedCount {
  /** P(N = 0) = (1 − p²)^d: the pair has no neuron to read from. */
  pNone: number;
  /** E[1/N | N ≥ 1], which exceeds 1/(dp²) by Jensen and is far above it when dp² is small. */
  invMeanGivenSome: number;
  /** E[N] = dp². */
  mean: number;
}

export function sharedCount(d: number, p: number): SharedCount {
  const q = p * p;
  // The tail beyond mean + 15 sd carries under 1e-40 of the mass: the sum stops there.
  const pmf = binomialPmf(d, q, Math.ceil(d * q + 15 * Math.sqrt(d * q) + 40));
  let inv = 0;
  for (let n = 1; n < pmf.length; n++) inv += pmf[n] / n;
  const pNone = pmf[0];
  return { pNone, invMeanGivenSome: pNone < 1 ? inv / (1 - pNone) : NaN, mean: d * q };
}

export interface CasePrediction {
  /** Exact E[readoff − target | N ≥ 1] (conditioning on N does not change it). */
  bias: number;
  /** Exact Var[readoff | N ≥ 1] = Var z · E[1/N | N ≥ 1]. */
  variance: number;
  /** Exact mean squared error including pairs with N = 0, which read 0. */
  mse: number;
  /** The source's approximations: s'p on (1,1) and (1,0), C(s',2)p² on (0,0). */
  biasApprox: number;
  /** s'(1 − p)/(dp) on (1,1) and (1,0) (Var K over dp² neurons); C(s',2)/d on (0,0), its leading order. */
  varianceApprox: number;
}

export function predictCase(a: number, b: number, sPrime: number, p: number, d: number, shared: SharedCount = sharedCount(d, p)): CasePrediction {
  const z = outputMoments(a, b, sPrime, p);
  const bias = z.mean - z.target;
  const variance = z.variance * shared.invMeanGivenSome;
  const mse = shared.pNone * z.target ** 2 + (1 - shared.pNone) * (bias * bias + variance);
  const pairs = (sPrime * (sPrime - 1)) / 2;
  const on = a + b >= 1;
  return {
    bias,
    variance,
    mse,
    biasApprox: on ? sPrime * p : pairs * p * p,
    varianceApprox: on ? (sPrime * (1 - p)) / (d * p) : pairs / d,
  };
}

/** The four cases (00, 10, 01, 11) weighted equally, as the sweep samples them. */
export function predictRms(sPrime: number, p: number, d: number): number {
  const shared = sharedCount(d, p);
  const cases = [
    [0, 0],
    [1, 0],
    [0, 1],
    [1, 1],
  ];
  return Math.sqrt(cases.reduce((acc, [a, b]) => acc + predictCase(a, b, sPrime, p, d, shared).mse, 0) / 4);
}

/**
 * The p minimising the exact RMS: a log-spaced scan, then golden-section search in log p around the best point.
 * The leading-order trade-off (s'p)² + s'/(dp) puts it near (2s'd)^(−1/3).
 */
export function optimalP(sPrime: number, d: number, lo = 1e-3, hi = 0.95): { p: number; rms: number } {
  const f = (logP: number) => predictRms(sPrime, Math.exp(logP), d);
  const steps = 60;
  const a0 = Math.log(lo);
  const h = (Math.log(hi) - a0) / steps;
  let best = 0;
  let bestVal = Infinity;
  for (let i = 0; i <= steps; i++) {
    const v = f(a0 + i * h);
    if (v < bestVal) [best, bestVal] = [i, v];
  }
  let a = a0 + Math.max(0, best - 1) * h;
  let b = a0 + Math.min(steps, best + 1) * h;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 40; it++) {
    const x1 = b - g * (b - a);
    const x2 = a + g * (b - a);
    if (f(x1) < f(x2)) b = x2;
    else a = x1;
  }
  const logP = (a + b) / 2;
  return { p: Math.exp(logP), rms: f(logP) };
}

/** The leading-order optimum of (s'p)² + s'/(dp). */
export function optimalPApprox(sPrime: number, d: number): number {
  return (2 * sPrime * d) ** (-1 / 3);
}

/** The post's choice p = log²(d0)/√d (natural log, as commenter X547 reads it: 2.12 at d0 = d = 100). */
export function postP(d0: number, d: number): number {
  return Math.log(d0) ** 2 / Math.sqrt(d);
}

/**
 * Exact q-quantile of |readoff − target| for inputs with exactly s features on, the four cases of the pair weighted
 * equally (s' = s − a − b others). Given N = n ≥ 1 shared neurons the readoff's sum is exact: on (1,1) and (1,0)
 * Σ_k K_k ~ Bin(n·s', p), so the error is Bin(n·s', p)/n; on (0,0) it is the n-fold convolution of ReLU(K − 1)
 * divided by n. N = 0 reads 0. Returns the smallest atom t with P(|error| > t) ≤ 1 − q.
 */
export function plainErrorQuantile(s: number, d: number, p: number, q = 0.99): number {
  const atoms = new Map<number, number>();
  const add = (v: number, w: number) => {
    if (w <= 0) return;
    const key = Math.round(Math.abs(v) * 1e12) / 1e12;
    atoms.set(key, (atoms.get(key) ?? 0) + w);
  };
  const nPmf = binomialPmf(d, p * p, Math.ceil(d * p * p + 15 * Math.sqrt(d * p * p) + 40));
  const cases = [
    [0, 0],
    [1, 0],
    [0, 1],
    [1, 1],
  ];
  const k = binomialPmf(s, p); // K for the (0,0) case, s' = s
  const zPmf = [k[0] + (s >= 1 ? k[1] : 0), ...Array.from(k).slice(2)]; // ReLU(K − 1) = 0, 1, …, s − 1
  let conv = Float64Array.of(1);
  for (let n = 0; n < nPmf.length; n++) {
    if (n > 0) {
      const next = new Float64Array(conv.length + zPmf.length - 1);
      for (let i = 0; i < conv.length; i++) if (conv[i] > 0) for (let j = 0; j < zPmf.length; j++) next[i + j] += conv[i] * zPmf[j];
      conv = next;
    }
    const wN = nPmf[n] / 4;
    if (wN < 1e-15) continue;
    for (const [a, b] of cases) {
      const target = a & b;
      if (n === 0) {
        add(target, wN);
        continue;
      }
      if (a + b === 0) conv.forEach((w, i) => add(i / n, wN * w));
      else binomialPmf(n * (s - a - b), p).forEach((w, i) => add(i / n, wN * w));
    }
  }
  const sorted = [...atoms.entries()].sort((x, y) => y[0] - x[0]);
  let tail = 0;
  for (const [v, w] of sorted) {
    if (tail + w > 1 - q) return v;
    tail += w;
  }
  return 0;
}
