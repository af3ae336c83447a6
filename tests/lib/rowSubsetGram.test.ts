import { describe, expect, it } from 'vitest';
import { createRowSubsetGram, upperIndex, upperSize } from '../../experiments/lib/rowSubsetGram';
import { loadBackend } from '../../experiments/runtime/backend';
import { Rng } from '../../experiments/runtime/rng';

const { tf } = await loadBackend('wasm');

/** acc += tfjs-wasm's matMul(transpose(H_S), H_S) on the gathered rows S: what the fit computed before this kernel. */
function tfjsGram(H: Float32Array, width: number, rows: number[], acc: Float64Array) {
  if (rows.length === 0) return;
  const gathered = new Float32Array(rows.length * width);
  rows.forEach((r, c) => gathered.set(H.subarray(r * width, (r + 1) * width), c * width));
  const g = tf.tidy(() => {
    const T = tf.tensor2d(gathered, [rows.length, width]);
    return tf.matMul(tf.transpose(T), T);
  });
  const v = g.dataSync();
  g.dispose();
  for (let t = 0; t < v.length; t++) acc[t] += v[t];
}

describe('Gram matrices and column sums of row subsets', () => {
  it('are bit-identical to tfjs-wasm on the gathered rows (sums: to a float64 loop), for widths off the tile size and subsets across blocks', async () => {
    const rng = new Rng(21, 'gram');
    for (const [n, width] of [[1, 1], [7, 3], [300, 13], [1000, 50], [2000, 200], [700, 201]]) {
      const kernel = await createRowSubsetGram(n, width);
      // ReLU-like entries (zeros among them) and a few large ones, so sums round in float32.
      const H = Float32Array.from({ length: n * width }, () => Math.max(0, rng.normal()) * (rng.uniform() < 0.01 ? 1e3 : 1));
      for (let r = 0; r < n; r++) kernel.H.set(H.subarray(r * width, (r + 1) * width), r * kernel.stride);
      for (const keep of [1, 0.3, 0.02]) {
        const rows = Array.from({ length: n }, (_, r) => r).filter(() => rng.uniform() < keep);
        kernel.rows.set(rows);
        // Accumulators that already hold something: ours packed (upper triangle by rows), theirs full.
        const theirs = Float64Array.from({ length: width * width }, () => rng.normal());
        for (let i = 0; i < width; i++) for (let j = 0; j < i; j++) theirs[i * width + j] = theirs[j * width + i];
        const packed = (full: Float64Array) => {
          const p = new Float64Array(upperSize(width));
          for (let i = 0; i < width; i++) for (let j = i; j < width; j++) p[upperIndex(width, i, j)] = full[i * width + j];
          return p;
        };
        const ours = packed(theirs);
        // Column sums: float64, row by row onto what the sum held.
        const sum = Float64Array.from({ length: width }, () => rng.normal());
        const expected = Float64Array.from(sum);
        for (const r of rows) for (let c = 0; c < width; c++) expected[c] += H[r * width + c];
        kernel.addGram(rows.length, ours, sum);
        tfjsGram(H, width, rows, theirs);
        // tfjs's Gram is symmetric bit for bit (entry (j, i) has the same products in the same order as (i, j)).
        for (let i = 0; i < width; i++) for (let j = 0; j < i; j++) expect(theirs[i * width + j]).toBe(theirs[j * width + i]);
        const expectedPacked = packed(theirs);
        const moved = ours.reduce((c, v, t) => c + (Object.is(v, expectedPacked[t]) ? 0 : 1), 0);
        expect(moved, `n = ${n}, width ${width}, ${rows.length} rows`).toBe(0);
        expect(Array.from(sum)).toEqual(Array.from(expected));
        // Without a sum, the same Gram.
        const again = packed(theirs);
        kernel.addGram(rows.length, again);
        tfjsGram(H, width, rows, theirs);
        expect(Array.from(again)).toEqual(Array.from(packed(theirs)));
      }
    }
  });

  it('rejects a count beyond its rows and an accumulator of the wrong size', async () => {
    const kernel = await createRowSubsetGram(4, 3);
    expect(() => kernel.addGram(5, new Float64Array(6))).toThrow(/count 5 outside 0..4/);
    expect(() => kernel.addGram(1, new Float64Array(9))).toThrow(/expected 6 \(the upper triangle of 3×3\)/);
    expect(() => kernel.addGram(1, new Float64Array(6), new Float64Array(4))).toThrow(/sum has 4 entries, expected 3/);
  });
});
