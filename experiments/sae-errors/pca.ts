/** Principal directions of a sample of activations: top eigenvectors of the covariance by power iteration with deflation (float64). */
export function principalDirections(x: ArrayLike<number>, n: number, d: number, k: number, iterations = 300): Float64Array[] {
  const mu = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let c = 0; c < d; c++) mu[c] += x[r * d + c] / n;
  const S = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < d; c++) row[c] = x[r * d + c] - mu[c];
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) S[i * d + j] += (row[i] * row[j]) / n;
  }
  const out: Float64Array[] = [];
  for (let e = 0; e < Math.min(k, d); e++) {
    let v = Float64Array.from({ length: d }, (_, i) => 1 + ((i * 7 + e * 13) % 5));
    let lambda = 0;
    for (let it = 0; it < iterations; it++) {
      const w = new Float64Array(d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) w[i] += S[i * d + j] * v[j];
      const nrm = Math.hypot(...w);
      if (nrm === 0) break;
      lambda = nrm;
      v = w.map((t) => t / nrm);
    }
    out.push(v);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) S[i * d + j] -= lambda * v[i] * v[j];
  }
  return out;
}
