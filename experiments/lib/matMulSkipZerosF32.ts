import { createMatMulF32 } from './matMulF32';
import { assembleWat } from './wat';

/**
 * C = A·B in float32 for an A with many zero entries (a ReLU layer's output): each row of C sums only over that row's
 * nonzero entries of A. The result is bit-identical to the dense product of lib/matMulF32.ts (and so to tfjs-wasm's
 * `matMul`): every entry is still summed from +0 along the shared dimension in order, one float32 product rounded
 * before each float32 add, and a skipped term is a product of ±0 with a finite number, ±0, whose addition leaves any
 * sum unchanged (a sum that starts at +0 never becomes −0 under round-to-nearest, and x + ±0 = x otherwise). B must
 * hold finite numbers (0·∞ is NaN, which a dense product would add).
 *
 * Two phases: the nonzero entries of every row of A are listed (value, and the byte offset of B's matching row), then
 * C is filled one band of 16 columns at a time, row after row, so the band of B (K rows × 64 bytes) stays in the
 * first-level cache while every row of A reads it. Bands of 4 and single columns finish the width. Where A is mostly
 * nonzero (a trained layer whose biases switched most units on), the dense kernel computes the product instead: the
 * same bits, faster there.
 */

const WIDTH = 16;

/** One band: `width` columns (1 or a multiple of 4) of every row of C. */
function band(width: number): string {
  const vec = width !== 1;
  const parts = Array.from({ length: vec ? width / 4 : 1 }, (_, v) => v);
  const ty = vec ? 'v128' : 'f32';
  const [add, mul] = vec ? ['f32x4.add', 'f32x4.mul'] : ['f32.add', 'f32.mul'];
  const load = (at: string, v: number) => (vec ? `(v128.load offset=${16 * v} ${at})` : `(f32.load ${at})`);
  const store = (at: string, v: number, val: string) => (vec ? `(v128.store offset=${16 * v} ${at} ${val})` : `(f32.store ${at} ${val})`);
  const zero = vec ? '(v128.const i32x4 0 0 0 0)' : '(f32.const 0)';
  return `
  ;; Columns [$j, $j + ${width}) of rows 0 … M−1: C[i, j…] = Σ over row i's list of value · B[t, j…].
  (func $band${width} (param $pb i32) (param $c i32) (param $M i32) (param $ldc i32) (param $lists i32) (param $counts i32) (param $K8 i32)
    (local $i i32) (local $e i32) (local $end i32) (local $av ${ty}) (local $row i32)
    ${parts.map((v) => `(local $acc${v} ${ty})`).join(' ')}
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $M)))
      ${parts.map((v) => `(local.set $acc${v} ${zero})`).join(' ')}
      (local.set $e (i32.add (local.get $lists) (i32.mul (local.get $i) (local.get $K8))))
      (local.set $end (i32.add (local.get $e) (i32.shl (i32.load (i32.add (local.get $counts) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 3))))
      (block $sumDone (loop $sum
        (br_if $sumDone (i32.ge_u (local.get $e) (local.get $end)))
        (local.set $av ${vec ? '(v128.load32_splat (local.get $e))' : '(f32.load (local.get $e))'})
        (local.set $row (i32.add (local.get $pb) (i32.load offset=4 (local.get $e))))
        ${parts.map((v) => `(local.set $acc${v} (${add} (local.get $acc${v}) (${mul} (local.get $av) ${load('(local.get $row)', v)})))`).join('\n        ')}
        (local.set $e (i32.add (local.get $e) (i32.const 8)))
        (br $sum)))
      ${parts.map((v) => store('(i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc)))', v, `(local.get $acc${v})`)).join('\n      ')}
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows))))`;
}

const bandLoop = (width: number, test: string) => `(block $b${width} (loop $l${width}
      (br_if $b${width} ${test})
      (call $band${width} (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2)))
        (local.get $M) (local.get $ldc) (local.get $lists) (local.get $counts) (local.get $K8))
      (local.set $j (i32.add (local.get $j) (i32.const ${width})))
      (br $l${width})))`;

/** Where a scratch area's row counts and lists start. */
const scratchLayout = `(local.set $K8 (i32.shl (local.get $K) (i32.const 3)))
    (local.set $counts (local.get $scratch))
    (local.set $lists (i32.add (local.get $scratch) (i32.and (i32.add (i32.shl (local.get $M) (i32.const 2)) (i32.const 15)) (i32.const -16))))`;

const WAT = `(module
  (import "env" "memory" (memory 1))
  ${[WIDTH, 4, 1].map(band).join('\n')}
  ;; Lists each row's nonzero entries of A (M×K, row stride in floats), in order along the shared dimension, into
  ;; $scratch: M counts, then M·K (value, byte offset of B's row) pairs. Returns how many entries are nonzero.
  (func (export "list") (param $a i32) (param $M i32) (param $K i32) (param $lda i32) (param $ldb i32) (param $scratch i32) (result i32)
    (local $i i32) (local $t i32) (local $n i32) (local $total i32) (local $arow i32) (local $e i32) (local $v f32)
    (local $lists i32) (local $counts i32) (local $K8 i32)
    (local.set $lda (i32.shl (local.get $lda) (i32.const 2)))
    (local.set $ldb (i32.shl (local.get $ldb) (i32.const 2)))
    ${scratchLayout}
    (block $listed (loop $list
      (br_if $listed (i32.ge_u (local.get $i) (local.get $M)))
      (local.set $arow (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $lda))))
      (local.set $e (i32.add (local.get $lists) (i32.mul (local.get $i) (local.get $K8))))
      (local.set $n (i32.const 0))
      (local.set $t (i32.const 0))
      (block $scanned (loop $scan
        (br_if $scanned (i32.ge_u (local.get $t) (local.get $K)))
        (local.set $v (f32.load (i32.add (local.get $arow) (i32.shl (local.get $t) (i32.const 2)))))
        (if (f32.ne (local.get $v) (f32.const 0))
          (then
            (f32.store (local.get $e) (local.get $v))
            (i32.store offset=4 (local.get $e) (i32.mul (local.get $t) (local.get $ldb)))
            (local.set $e (i32.add (local.get $e) (i32.const 8)))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $scan)))
      (i32.store (i32.add (local.get $counts) (i32.shl (local.get $i) (i32.const 2))) (local.get $n))
      (local.set $total (i32.add (local.get $total) (local.get $n)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $list)))
    (local.get $total))
  ;; C (M×N) = A·B from the lists "list" left in $scratch; pointers in bytes, row stride in floats.
  (func (export "product") (param $b i32) (param $c i32) (param $M i32) (param $N i32) (param $K i32) (param $ldc i32) (param $scratch i32)
    (local $j i32) (local $lists i32) (local $counts i32) (local $K8 i32)
    (local.set $ldc (i32.shl (local.get $ldc) (i32.const 2)))
    ${scratchLayout}
    ${bandLoop(WIDTH, `(i32.gt_u (i32.add (local.get $j) (i32.const ${WIDTH})) (local.get $N))`)}
    ${bandLoop(4, '(i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $N))')}
    ${bandLoop(1, '(i32.ge_u (local.get $j) (local.get $N))')}))`;

interface Exports {
  list(a: number, M: number, K: number, lda: number, ldb: number, scratch: number): number;
  product(b: number, c: number, M: number, N: number, K: number, ldc: number, scratch: number): void;
}

/**
 * Above this share of nonzero entries in A the dense kernel is faster (it shares each load of B between two rows of
 * A): measured at the training step's shapes, the zero-skipping product took about 1.2× the dense one's time per
 * nonzero share (0.35 against 0.49 ms at half zeros, 0.58–0.73 against 0.52–0.61 ms at 2% zeros).
 */
const DENSE_ABOVE = 0.75;
/**
 * The dense kernel reads all of B for every pair of A's rows; above this size of B it runs on bands of DENSE_BAND
 * columns (each entry's sum unchanged). Measured on 100×K·K×N products: 4.45 → 3.63 ms at K = 100, N = 4,950 (B 2 MB),
 * 2.09 → 1.88 ms at K = 200, N = 1,225 (1 MB), no gain at K = 50, N = 1,225 (245 kB).
 */
const BAND_ABOVE_BYTES = 512 * 1024;
const DENSE_BAND = 128;

/** C = A·B on float32 arrays in one memory, summing over A's nonzero entries only. */
export interface MatMulSkipZerosF32 {
  /**
   * C (M×N) = A (M×K) · B (K×N), row-major with row strides lda, ldb, ldc (floats; default: packed). A, B and C must
   * be views of the memory given to `createMatMulSkipZerosF32`, C must not overlap A or B, and B's entries must be finite.
   */
  (A: Float32Array, B: Float32Array, C: Float32Array, M: number, N: number, K: number, lda?: number, ldb?: number, ldc?: number): void;
}

/** Bytes of scratch the product needs for A of M×K. */
export const skipZerosScratchBytes = (M: number, K: number) => Math.ceil((4 * M) / 16) * 16 + 8 * M * K;

/**
 * The product kernel on `memory`, with `scratchBytes` bytes at byte offset `scratch` of that memory for its lists
 * (at least skipZerosScratchBytes(M, K) of every product it computes; 16-byte aligned).
 */
export async function createMatMulSkipZerosF32(memory: WebAssembly.Memory, scratch: number, scratchBytes: number): Promise<MatMulSkipZerosF32> {
  const k = new WebAssembly.Instance(await assembleWat('matMulSkipZerosF32', WAT), { env: { memory } }).exports as unknown as Exports;
  const dense = await createMatMulF32(memory);
  return (A, B, C, M, N, K, lda = K, ldb = N, ldc = N) => {
    for (const [name, x, rows, cols, ld] of [['A', A, M, K, lda], ['B', B, K, N, ldb], ['C', C, M, N, ldc]] as const) {
      if (x.buffer !== memory.buffer) throw new Error(`matMulSkipZerosF32: ${name} is not a view of the kernel's memory`);
      if (rows > 0 && cols > 0 && (rows - 1) * ld + cols > x.length) throw new Error(`matMulSkipZerosF32: ${name} holds ${x.length} floats, fewer than ${rows}×${cols} at row stride ${ld}`);
    }
    if (skipZerosScratchBytes(M, K) > scratchBytes) throw new Error(`matMulSkipZerosF32: ${M}×${K} needs ${skipZerosScratchBytes(M, K)} bytes of scratch, more than the ${scratchBytes} given`);
    if (M === 0 || N === 0) return;
    const nonzero = k.list(A.byteOffset, M, K, lda, ldb, scratch);
    if (nonzero > DENSE_ABOVE * M * K) {
      // A B larger than the second-level cache goes in bands of columns, each read by every pair of A's rows from cache.
      const band = 4 * K * N > BAND_ABOVE_BYTES ? DENSE_BAND : N;
      for (let j = 0; j < N; j += band) dense(A, B.subarray(j), C.subarray(j), M, Math.min(band, N - j), K, lda, ldb, ldc);
    }
    else k.product(B.byteOffset, C.byteOffset, M, N, K, ldc, scratch);
  };
}
