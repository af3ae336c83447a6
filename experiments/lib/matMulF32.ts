import { assembleWat } from './wat';

/**
 * Float32 matrix products C = A·B in WebAssembly with SIMD, on a memory the caller owns (imported, so a kernel that
 * keeps its buffers there multiplies them in place: no copies into tfjs, no packing of B). Every entry is summed as
 * tfjs-wasm's `matMul` (XNNPACK's GEMM) sums it: from +0, one float32 product after another in order along the shared
 * dimension, each product rounded to float32 before the float32 add (wasm SIMD has no fused multiply-add). So the
 * result is bit-identical to tfjs's (tests/lib/matMulF32.test.ts checks it against tfjs on shapes off every tile size).
 *
 * Tiles of 2 rows × 16 columns (8 f32x4 accumulators; A's entries splatted, B's rows loaded: two splats per four
 * loads of B, which ran 10–25% faster here than 4 × 8 tiles with the same accumulators), with 4-wide and scalar
 * column tails and single-row tails. The tile shape changes no sum: each entry is still added up in order along the
 * shared dimension. That runs in blocks of KC; between blocks a tile's partial sums rest in C as float32, which
 * changes no rounding, while the block of B (KC rows) stays in cache across A's rows.
 */

const KC = 128;
/** Rows and columns of the main tile. */
const ROWS = 2;
const WIDTH = 16;

/** One tile function: `rows` rows × `width` columns (1 or a multiple of 4) of C += A·B over K entries of the shared dimension. */
function tile(rows: number, width: number): string {
  const vec = width !== 1;
  const parts = Array.from({ length: vec ? width / 4 : 1 }, (_, v) => v);
  const ty = vec ? 'v128' : 'f32';
  const acc = (r: number, v: number) => `$c${r}_${v}`;
  const rs = Array.from({ length: rows }, (_, r) => r);
  const aAt = (r: number) => (r === 0 ? '(local.get $pa)' : `(i32.add (local.get $pa) (local.get $lda${r}))`);
  const cAt = (r: number) => (r === 0 ? '(local.get $c)' : `(i32.add (local.get $c) (local.get $ldc${r}))`);
  const load = (at: string, v: number) => (vec ? `(v128.load offset=${16 * v} ${at})` : `(f32.load ${at})`);
  const store = (at: string, v: number, val: string) => (vec ? `(v128.store offset=${16 * v} ${at} ${val})` : `(f32.store ${at} ${val})`);
  const [add, mul] = vec ? ['f32x4.add', 'f32x4.mul'] : ['f32.add', 'f32.mul'];
  return `
  (func $tile${rows}x${width} (param $pa i32) (param $pb i32) (param $c i32) (param $K i32) (param $lda i32) (param $ldb i32) (param $ldc i32)
    (local $t i32) (local $av ${ty}) ${parts.map((v) => `(local $b${v} ${ty})`).join(' ')}
    ${rs.slice(1).map((r) => `(local $lda${r} i32) (local $ldc${r} i32)`).join(' ')}
    ${rs.flatMap((r) => parts.map((v) => `(local ${acc(r, v)} ${ty})`)).join(' ')}
    ${rs.slice(1).map((r) => `(local.set $lda${r} (i32.mul (local.get $lda) (i32.const ${r}))) (local.set $ldc${r} (i32.mul (local.get $ldc) (i32.const ${r})))`).join('\n    ')}
    ${rs.flatMap((r) => parts.map((v) => `(local.set ${acc(r, v)} ${load(cAt(r), v)})`)).join('\n    ')}
    (block $done (loop $ts
      (br_if $done (i32.ge_u (local.get $t) (local.get $K)))
      ${parts.map((v) => `(local.set $b${v} ${load('(local.get $pb)', v)})`).join(' ')}
      ${rs
        .map(
          (r) => `(local.set $av ${vec ? `(v128.load32_splat ${aAt(r)})` : `(f32.load ${aAt(r)})`})
      ${parts.map((v) => `(local.set ${acc(r, v)} (${add} (local.get ${acc(r, v)}) (${mul} (local.get $av) (local.get $b${v}))))`).join(' ')}`,
        )
        .join('\n      ')}
      (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
      (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $ts)))
    ${rs.flatMap((r) => parts.map((v) => store(cAt(r), v, `(local.get ${acc(r, v)})`))).join('\n    ')})`;
}

/** The columns of `rows` rows of C: WIDTH-wide tiles, then 4-wide ones, then single columns. */
function rowBlock(rows: number): string {
  const call = (w: number) =>
    `(call $tile${rows}x${w} (local.get $pa) (i32.add (local.get $pb) (i32.shl (local.get $j) (i32.const 2))) (i32.add (local.get $pc) (i32.shl (local.get $j) (i32.const 2))) (local.get $kn) (local.get $lda) (local.get $ldb) (local.get $ldc))`;
  return `
  (func $rows${rows} (param $pa i32) (param $pb i32) (param $pc i32) (param $N i32) (param $kn i32) (param $lda i32) (param $ldb i32) (param $ldc i32)
    (local $j i32)
    (block $bw (loop $lw
      (br_if $bw (i32.gt_u (i32.add (local.get $j) (i32.const ${WIDTH})) (local.get $N)))
      ${call(WIDTH)}
      (local.set $j (i32.add (local.get $j) (i32.const ${WIDTH})))
      (br $lw)))
    (block $b4x (loop $l4x
      (br_if $b4x (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $N)))
      ${call(4)}
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $l4x)))
    (block $b1 (loop $l1
      (br_if $b1 (i32.ge_u (local.get $j) (local.get $N)))
      ${call(1)}
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $l1))))`;
}

/** Rows of C from $i on, `rows` at a time while $i < bound, for the K block starting at $k0. */
const rowLoop = (rows: number, bound: string) => `(block $b${rows} (loop $l${rows}
        (br_if $b${rows} (i32.ge_u (local.get $i) (local.get ${bound})))
        (local.set $pa (i32.add (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $lda))) (i32.shl (local.get $k0) (i32.const 2))))
        (local.set $pc (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))))
        (call $rows${rows} (local.get $pa) (local.get $pb) (local.get $pc) (local.get $N) (local.get $kn) (local.get $lda) (local.get $ldb) (local.get $ldc))
        (local.set $i (i32.add (local.get $i) (i32.const ${rows})))
        (br $l${rows})))`;

const WAT = `(module
  (import "env" "memory" (memory 1))
  ${[ROWS, 1].flatMap((r) => [WIDTH, 4, 1].map((w) => tile(r, w))).join('\n')}
  ${rowBlock(ROWS)}
  ${rowBlock(1)}
  ;; C (M×N) = A (M×K) · B (K×N); pointers in bytes, row strides in floats.
  (func (export "matMul") (param $a i32) (param $b i32) (param $c i32) (param $M i32) (param $N i32) (param $K i32)
      (param $lda i32) (param $ldb i32) (param $ldc i32)
    (local $i i32) (local $k0 i32) (local $kn i32) (local $Mr i32) (local $pa i32) (local $pb i32) (local $pc i32)
    (local.set $lda (i32.shl (local.get $lda) (i32.const 2)))
    (local.set $ldb (i32.shl (local.get $ldb) (i32.const 2)))
    (local.set $ldc (i32.shl (local.get $ldc) (i32.const 2)))
    (local.set $Mr (i32.mul (i32.div_u (local.get $M) (i32.const ${ROWS})) (i32.const ${ROWS})))
    ;; C starts at +0, as XNNPACK's accumulators start from a zero bias.
    (block $z (loop $zs
      (br_if $z (i32.ge_u (local.get $i) (local.get $M)))
      (memory.fill (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))) (i32.const 0) (i32.shl (local.get $N) (i32.const 2)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $zs)))
    (block $kdone (loop $kblocks
      (br_if $kdone (i32.ge_u (local.get $k0) (local.get $K)))
      (local.set $kn (i32.sub (local.get $K) (local.get $k0)))
      (if (i32.gt_u (local.get $kn) (i32.const ${KC})) (then (local.set $kn (i32.const ${KC}))))
      (local.set $pb (i32.add (local.get $b) (i32.mul (local.get $k0) (local.get $ldb))))
      (local.set $i (i32.const 0))
      ${rowLoop(ROWS, '$Mr')}
      ${rowLoop(1, '$M')}
      (local.set $k0 (i32.add (local.get $k0) (local.get $kn)))
      (br $kblocks)))))`;

interface Exports {
  matMul(a: number, b: number, c: number, M: number, N: number, K: number, lda: number, ldb: number, ldc: number): void;
}

/** C = A·B on float32 arrays in one memory. */
export interface MatMulF32 {
  /**
   * C (M×N) = A (M×K) · B (K×N), row-major with row strides lda, ldb, ldc (floats; default: packed). Every array
   * must be a view of the memory given to `createMatMulF32`, and C must not overlap A or B.
   */
  (A: Float32Array, B: Float32Array, C: Float32Array, M: number, N: number, K: number, lda?: number, ldb?: number, ldc?: number): void;
}

/** The product kernel on `memory` (which the caller may grow; the kernel reads it through its own views). */
export async function createMatMulF32(memory: WebAssembly.Memory): Promise<MatMulF32> {
  const k = new WebAssembly.Instance(await assembleWat('matMulF32', WAT), { env: { memory } }).exports as unknown as Exports;
  return (A, B, C, M, N, K, lda = K, ldb = N, ldc = N) => {
    for (const [name, x, rows, cols, ld] of [['A', A, M, K, lda], ['B', B, K, N, ldb], ['C', C, M, N, ldc]] as const) {
      if (x.buffer !== memory.buffer) throw new Error(`matMulF32: ${name} is not a view of the kernel's memory`);
      if (rows > 0 && cols > 0 && (rows - 1) * ld + cols > x.length) throw new Error(`matMulF32: ${name} holds ${x.length} floats, fewer than ${rows}×${cols} at row stride ${ld}`);
    }
    if (M > 0 && N > 0) k.matMul(A.byteOffset, B.byteOffset, C.byteOffset, M, N, K, lda, ldb, ldc);
  };
}
