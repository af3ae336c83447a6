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

export function cleanOutputs(logits: ArrayLike<number>, n: number, o: number, invTemp = 1): CleanOutputs {
  const p = new Float64Array(n * o);
  const entropy = new Float64Array(n * o);
  for (let t = 0; t < n * o; t++) {
    const a = logits[t] * invTemp;
    p[t] = sigmoid(a);
    entropy[t] = p[t] * softplus(-a) + (1 - p[t]) * softplus(a);
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
  for (let t = 0; t < logits.length; t++) {
    const a = logits[t] * s;
    const p = sigmoid(a);
    h += p * softplus(-a) + (1 - p) * softplus(a);
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
