/**
 * Output divergences of heads with independent sigmoid outputs, in float64 from float32 logits.
 * With p = σ(a) clean and q = σ(b) perturbed, Σ_o KL(Bern p ‖ Bern q) = Σ_o [softplus(b) − p·b − H(p)],
 * H(p) = p·softplus(−a) + (1 − p)·softplus(a): one softplus per output once the clean terms are cached.
 */

/** log(1 + e^z) without overflow. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Clean-side terms of n samples × o outputs: probabilities and per-output entropies (nats). */
export interface CleanOutputs {
  n: number;
  o: number;
  /** 1/T applied to every logit before the sigmoid (temperature control); 1 for the head as trained. */
  invTemp: number;
  p: Float64Array;
  entropy: Float64Array;
}

/**
 * σ(a) and the entropy p·softplus(−a) + (1 − p)·softplus(a) from one exp and one log1p: sigmoid and softplus
 * above both use e = exp(−|a|) and log1p(e), so these are the very same float64 values, at a third of the cost.
 */
function sigmoidEntropy(a: number, out: { p: number; h: number }): void {
  const e = Math.exp(-Math.abs(a));
  const l = Math.log1p(e);
  const p = a >= 0 ? 1 / (1 + e) : e / (1 + e);
  const spNeg = -a > 0 ? -a + l : l;
  const spPos = a > 0 ? a + l : l;
  out.p = p;
  out.h = p * spNeg + (1 - p) * spPos;
}

export function cleanOutputs(logits: ArrayLike<number>, n: number, o: number, invTemp = 1): CleanOutputs {
  const p = new Float64Array(n * o);
  const entropy = new Float64Array(n * o);
  const t2 = { p: 0, h: 0 };
  for (let t = 0; t < n * o; t++) {
    sigmoidEntropy(logits[t] * invTemp, t2);
    p[t] = t2.p;
    entropy[t] = t2.h;
  }
  return { n, o, invTemp, p, entropy };
}

/**
 * KL(clean ‖ perturbed) summed over outputs for perturbed rows; row r of `logits` is compared with clean sample
 * `sampleOf(r)`. Clamped at 0 (rounding can leave −1e−16).
 */
export function klRows(clean: CleanOutputs, logits: ArrayLike<number>, rows: number, sampleOf: (r: number) => number, out: Float64Array<ArrayBufferLike> = new Float64Array(rows)): Float64Array<ArrayBufferLike> {
  const { o, invTemp, p, entropy } = clean;
  for (let r = 0; r < rows; r++) {
    const base = sampleOf(r) * o;
    let kl = 0;
    for (let k = 0; k < o; k++) {
      const b = logits[r * o + k] * invTemp;
      kl += softplus(b) - p[base + k] * b - entropy[base + k];
    }
    out[r] = kl > 0 ? kl : 0;
  }
  return out;
}

/**
 * klRows and bceRows of the same logits in one pass: each output's softplus(b) is computed once and used by both
 * sums, which add the same terms in the same order as the two functions do apart (so the same float64 values).
 */
export function klBceRows(clean: CleanOutputs, labels: ArrayLike<number>, logits: ArrayLike<number>, rows: number, sampleOf: (r: number) => number, klOut: Float64Array<ArrayBufferLike>, bceOut: Float64Array<ArrayBufferLike>): void {
  const { o, invTemp, p, entropy } = clean;
  for (let r = 0; r < rows; r++) {
    const base = sampleOf(r) * o;
    let kl = 0;
    let bce = 0;
    for (let k = 0; k < o; k++) {
      const b = logits[r * o + k] * invTemp;
      const sp = softplus(b);
      kl += sp - p[base + k] * b - entropy[base + k];
      bce += sp - labels[base + k] * b;
    }
    klOut[r] = kl > 0 ? kl : 0;
    bceOut[r] = bce;
  }
}

/** Binary cross-entropy Σ_o [softplus(b) − y·b] of rows against 0/1 labels of sample sampleOf(r). */
export function bceRows(labels: ArrayLike<number>, o: number, logits: ArrayLike<number>, rows: number, sampleOf: (r: number) => number, invTemp = 1, out: Float64Array<ArrayBufferLike> = new Float64Array(rows)): Float64Array<ArrayBufferLike> {
  for (let r = 0; r < rows; r++) {
    const base = sampleOf(r) * o;
    let s = 0;
    for (let k = 0; k < o; k++) {
      const b = logits[r * o + k] * invTemp;
      s += softplus(b) - labels[base + k] * b;
    }
    out[r] = s;
  }
  return out;
}

/** Mean per-output entropy of clean outputs at inverse temperature s: the confidence the temperature control matches. */
export function meanEntropy(logits: ArrayLike<number>, s: number): number {
  let h = 0;
  const t2 = { p: 0, h: 0 };
  for (let t = 0; t < logits.length; t++) {
    sigmoidEntropy(logits[t] * s, t2);
    h += t2.h;
  }
  return h / logits.length;
}

/** Inverse temperature s with meanEntropy(logits, s) = target, by bisection on log s (entropy falls as s grows). */
export function matchEntropy(logits: ArrayLike<number>, target: number, lo = 1 / 64, hi = 64): number {
  let a = Math.log(lo);
  let b = Math.log(hi);
  for (let it = 0; it < 50; it++) {
    const mid = (a + b) / 2;
    if (meanEntropy(logits, Math.exp(mid)) > target) a = mid;
    else b = mid;
  }
  return Math.exp((a + b) / 2);
}
