/**
 * Eigenvalues and eigenvectors of a small symmetric matrix by the cyclic Jacobi method, the rotations multiplied into
 * an identity to give the eigenvectors. lib/symmetricEigen's `symmetricEigenvalues` calls it (its values were
 * bit-identical to the older values-only loop, tested).
 */

/** Eigenvalues (descending) and unit eigenvectors: vectors[i] belongs to values[i], its largest-magnitude entry positive. */
export function symmetricEigen(matrix: ArrayLike<number>, n: number, maxSweeps = 60): { values: Float64Array; vectors: Float64Array[] } {
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const diag = jacobi(matrix, n, maxSweeps, v, 'symmetricEigen');
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => diag[y] - diag[x]);
  const vectors = order.map((j) => {
    const col = Float64Array.from({ length: n }, (_, k) => v[k * n + j]);
    let big = 0;
    for (let k = 0; k < n; k++) if (Math.abs(col[k]) > Math.abs(col[big])) big = k;
    if (col[big] < 0) col.forEach((x, k) => (col[k] = -x));
    return col;
  });
  return { values: Float64Array.from(order, (j) => diag[j]), vectors };
}

/** Cyclic Jacobi on a copy of `matrix`; returns the diagonal (unsorted). With `v` (identity, n×n row-major), multiplies the rotations into it: its columns become the eigenvectors. */
function jacobi(matrix: ArrayLike<number>, n: number, maxSweeps: number, v: Float64Array | null, caller: string): Float64Array {
  if (matrix.length !== n * n) throw new Error(`${caller}: expected ${n}×${n} = ${n * n} entries, got ${matrix.length}`);
  const a = Float64Array.from(matrix);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const s = (a[i * n + j] + a[j * n + i]) / 2;
      a[i * n + j] = s;
      a[j * n + i] = s;
    }
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i] ** 2;
      for (let j = i + 1; j < n; j++) off += a[i * n + j] ** 2;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        if (v)
          for (let k = 0; k < n; k++) {
            const vkp = v[k * n + p];
            const vkq = v[k * n + q];
            v[k * n + p] = c * vkp - s * vkq;
            v[k * n + q] = s * vkp + c * vkq;
          }
      }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return values;
}
