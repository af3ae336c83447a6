/**
 * Next-character divergences in float64 from float32 logits: KL(P_clean ‖ P_patched) = Σ_v p_v (log p_v − log q_v)
 * (Gurnee's per-token statistic) and the cross-entropy −log q_target.
 */

/** log-softmax of `v` logits at `offset`, in float64. */
export function logSoftmaxRow(logits: ArrayLike<number>, offset: number, v: number, out: Float64Array = new Float64Array(v)): Float64Array {
  let max = -Infinity;
  for (let j = 0; j < v; j++) max = Math.max(max, logits[offset + j]);
  let s = 0;
  for (let j = 0; j < v; j++) s += Math.exp(logits[offset + j] - max);
  const lse = max + Math.log(s);
  for (let j = 0; j < v; j++) out[j] = logits[offset + j] - lse;
  return out;
}

/** Clean log-probabilities of n rows × v classes. */
export function cleanLogProbs(logits: ArrayLike<number>, n: number, v: number): Float64Array {
  const out = new Float64Array(n * v);
  for (let r = 0; r < n; r++) out.set(logSoftmaxRow(logits, r * v, v), r * v);
  return out;
}

/**
 * Per row r of patched logits: KL(clean row cleanOf(r) ‖ patched row r), clamped at 0, and, given targets, the
 * patched cross-entropy −log q[target].
 */
export function klAndCe(cleanLp: Float64Array, logits: ArrayLike<number>, rows: number, v: number, cleanOf: (r: number) => number, targets?: ArrayLike<number>): { kl: Float64Array; ce: Float64Array } {
  const kl = new Float64Array(rows);
  const ce = new Float64Array(rows);
  const lq = new Float64Array(v);
  for (let r = 0; r < rows; r++) {
    logSoftmaxRow(logits, r * v, v, lq);
    const base = cleanOf(r) * v;
    let s = 0;
    for (let j = 0; j < v; j++) {
      const lp = cleanLp[base + j];
      s += Math.exp(lp) * (lp - lq[j]);
    }
    kl[r] = s > 0 ? s : 0;
    if (targets) ce[r] = -lq[targets[cleanOf(r)]];
  }
  return { kl, ce };
}
