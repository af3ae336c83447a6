import { assembleWat } from './wat';

/**
 * Gram matrices HᵀH over subsets of the rows of a float32 matrix H, in WebAssembly with SIMD, computed exactly as
 * tfjs-wasm's `matMul(transpose(H_S), H_S)` computes them on the gathered rows H_S: each entry a float32 sum of
 * float32 products, accumulated in row order from zero (measured: tfjs's XNNPACK kernel sums in that order, so the
 * results are bit-identical to it; tests/lib/rowSubsetGram.test.ts checks it against tfjs). Faster than gathering
 * the rows and calling tfjs because no rows are copied or transposed, and only the upper triangle is computed (entry
 * (j, i) is entry (i, j): the same products in the same order).
 *
 * H lives in the kernel's memory with a row stride padded to a multiple of 8 floats (the padding is zero and never
 * read into a result). The kernel takes 4 × 8 output tiles, and for each tile runs over the listed rows in blocks of
 * 128 (a block's rows stay in cache across tiles), keeping the tile's partial sums in float32 between blocks, which
 * changes no rounding.
 */

const BLOCK = 128;

const tileRow = (r: number) => `
              (local.set $a (v128.load32_splat offset=${4 * r} (local.get $pa)))
              (local.set $c${2 * r} (f32x4.add (local.get $c${2 * r}) (f32x4.mul (local.get $a) (local.get $b0))))
              (local.set $c${2 * r + 1} (f32x4.add (local.get $c${2 * r + 1}) (f32x4.mul (local.get $a) (local.get $b1))))`;
const rows4 = [0, 1, 2, 3];

const gramWat = `(module
  (memory (export "memory") 1)
  ;; out (stride × stride float32, row-major) += the upper-triangle 4×8 tiles of Σ_t rowᵀ·row over the rows listed at
  ;; $rows[0 .. count) (row numbers, int32) of the float32 matrix at $h (row stride $stride floats, a multiple of 8);
  ;; and, when $withSums, the column sums at $sum as well, block by block while the block's rows are in cache.
  (func (export "gram") (param $h i32) (param $rows i32) (param $count i32) (param $stride i32) (param $out i32) (param $withSums i32) (param $sum i32)
    (local $rowBytes i32) (local $t0 i32) (local $t1 i32) (local $t i32) (local $i i32) (local $j i32)
    (local $o i32) (local $o1 i32) (local $o2 i32) (local $o3 i32) (local $row i32) (local $pa i32) (local $pb i32)
    (local $a v128) (local $b0 v128) (local $b1 v128)
    ${Array.from({ length: 8 }, (_, k) => `(local $c${k} v128)`).join(' ')}
    (if (i32.eqz (local.get $count)) (then (return)))
    (local.set $rowBytes (i32.shl (local.get $stride) (i32.const 2)))
    (loop $blocks
      (local.set $t1 (i32.add (local.get $t0) (i32.const ${BLOCK})))
      (if (i32.gt_u (local.get $t1) (local.get $count)) (then (local.set $t1 (local.get $count))))
      (if (local.get $withSums)
        (then (call $sums (local.get $h) (i32.add (local.get $rows) (i32.shl (local.get $t0) (i32.const 2))) (i32.sub (local.get $t1) (local.get $t0)) (local.get $stride) (local.get $sum))))
      (local.set $i (i32.const 0))
      (loop $is
        (local.set $j (i32.and (local.get $i) (i32.const -8)))
        (loop $js
          (local.set $o (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $stride)) (local.get $j)) (i32.const 2))))
          (local.set $o1 (i32.add (local.get $o) (local.get $rowBytes)))
          (local.set $o2 (i32.add (local.get $o1) (local.get $rowBytes)))
          (local.set $o3 (i32.add (local.get $o2) (local.get $rowBytes)))
          ${rows4.map((r) => `(local.set $c${2 * r} (v128.load (local.get $o${r || ''}))) (local.set $c${2 * r + 1} (v128.load offset=16 (local.get $o${r || ''})))`).join('\n          ')}
          (local.set $t (local.get $t0))
          (loop $ts
            (local.set $row (i32.add (local.get $h) (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $t) (i32.const 2)))) (local.get $rowBytes))))
            (local.set $pb (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $pa (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 2))))
            (local.set $b0 (v128.load (local.get $pb)))
            (local.set $b1 (v128.load offset=16 (local.get $pb)))
            ${rows4.map(tileRow).join('')}
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br_if $ts (i32.lt_u (local.get $t) (local.get $t1))))
          ${rows4.map((r) => `(v128.store (local.get $o${r || ''}) (local.get $c${2 * r})) (v128.store offset=16 (local.get $o${r || ''}) (local.get $c${2 * r + 1}))`).join('\n          ')}
          (local.set $j (i32.add (local.get $j) (i32.const 8)))
          (br_if $js (i32.lt_u (local.get $j) (local.get $stride))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br_if $is (i32.lt_u (local.get $i) (local.get $stride))))
      (local.set $t0 (local.get $t1))
      (br_if $blocks (i32.lt_u (local.get $t0) (local.get $count)))))
  ;; sum (stride float64) += each listed row, promoted to float64, in list order.
  (func $sums (param $h i32) (param $rows i32) (param $count i32) (param $stride i32) (param $sum i32)
    (local $rowBytes i32) (local $t i32) (local $row i32) (local $k i32) (local $ps i32)
    (if (i32.eqz (local.get $count)) (then (return)))
    (local.set $rowBytes (i32.shl (local.get $stride) (i32.const 2)))
    (loop $ts
      (local.set $row (i32.add (local.get $h) (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $t) (i32.const 2)))) (local.get $rowBytes))))
      (local.set $k (i32.const 0))
      (loop $ks
        (local.set $ps (i32.add (local.get $sum) (i32.shl (local.get $k) (i32.const 3))))
        (v128.store (local.get $ps) (f64x2.add (v128.load (local.get $ps)) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2)))))))
        (v128.store offset=16 (local.get $ps) (f64x2.add (v128.load offset=16 (local.get $ps)) (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br_if $ks (i32.lt_u (local.get $k) (local.get $stride))))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br_if $ts (i32.lt_u (local.get $t) (local.get $count))))))`;

interface GramExports {
  memory: WebAssembly.Memory;
  gram(h: number, rows: number, count: number, stride: number, out: number, withSums: number, sum: number): void;
}

/** Entries of a width × width symmetric matrix's upper triangle packed by rows. */
export const upperSize = (width: number) => (width * (width + 1)) / 2;
/** Where entry (i, j), i ≤ j, sits in the packed upper triangle. */
export const upperIndex = (width: number, i: number, j: number) => i * width - (i * (i - 1)) / 2 + j - i;

export interface RowSubsetGram {
  /** The matrix, rows × stride float32 (fill the first `width` columns of each row; the rest stays zero). */
  readonly H: Float32Array;
  readonly stride: number;
  /** Row numbers for `addGram`, in the order they are summed (capacity: rows). */
  readonly rows: Int32Array;
  /**
   * acc (float64, the upper triangle packed by rows: entry (i, j), i ≤ j, at `upperIndex(width, i, j)`) += the
   * float32 Gram matrix over the first `count` rows listed in `rows`, entry by entry; and, if given, sum (width,
   * float64) += each listed row in list order, as `sum[k] += H[row][k]`. Nothing is added when count is 0.
   */
  addGram(count: number, acc: Float64Array, sum?: Float64Array): void;
}

/** A kernel for matrices of up to `rows` rows of `width` columns. */
export async function createRowSubsetGram(rows: number, width: number): Promise<RowSubsetGram> {
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`rows must be a positive integer, got ${rows}`);
  if (!Number.isInteger(width) || width < 1) throw new Error(`width must be a positive integer, got ${width}`);
  const module = await assembleWat('rowSubsetGram', gramWat);
  const k = new WebAssembly.Instance(module, {}).exports as unknown as GramExports;
  const stride = Math.ceil(width / 8) * 8;
  // Layout (bytes; every region 16-byte aligned since stride is a multiple of 8): column sums, Gram tile output,
  // H, the row list.
  const sumAt = 0;
  const outAt = sumAt + 8 * stride;
  const hAt = outAt + 4 * stride * stride;
  const rowsAt = hAt + 4 * rows * stride;
  const bytes = rowsAt + 4 * rows;
  if (bytes > 2 ** 31) throw new Error(`rowSubsetGram: ${rows} rows × ${width} columns need ${bytes} bytes, more than 2 GiB`);
  const pages = Math.ceil(bytes / 65536) - k.memory.buffer.byteLength / 65536;
  if (pages > 0) k.memory.grow(pages);
  const H = new Float32Array(k.memory.buffer, hAt, rows * stride);
  const list = new Int32Array(k.memory.buffer, rowsAt, rows);
  const out = new Float32Array(k.memory.buffer, outAt, stride * stride);
  const scratch = new Float64Array(k.memory.buffer, sumAt, stride);

  return {
    H,
    stride,
    rows: list,
    addGram(count, acc, sum) {
      if (!(Number.isInteger(count) && count >= 0 && count <= rows)) throw new Error(`addGram: count ${count} outside 0..${rows}`);
      if (acc.length !== upperSize(width)) throw new Error(`addGram: acc has ${acc.length} entries, expected ${upperSize(width)} (the upper triangle of ${width}×${width})`);
      if (sum && sum.length !== width) throw new Error(`addGram: sum has ${sum.length} entries, expected ${width}`);
      if (count === 0) return;
      out.fill(0);
      if (sum) {
        scratch.fill(0);
        scratch.set(sum);
      }
      k.gram(hAt, rowsAt, count, stride, outAt, sum ? 1 : 0, sumAt);
      if (sum) sum.set(scratch.subarray(0, width));
      for (let i = 0, t = 0; i < width; i++) for (let j = i, at = i * stride + i; j < width; j++) acc[t++] += out[at++];
    },
  };
}
