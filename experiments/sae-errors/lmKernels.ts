import { assembleWat } from '../lib/wat';

/**
 * The language model's slow tfjs-wasm kernels, redone in WebAssembly with SIMD, each bit-identical to the tfjs
 * kernel it stands for (tested against it).
 *
 * Batched float32 matrix products (the attention's scores, mixing and their gradients).
 *
 * tfjs-wasm 4.22 sends every batched product (batch > 1, or a transposed operand) to a scalar triple loop
 * (`slow_batch_matmul` in tfjs-backend-wasm/src/cc/batch_mat_mul_impl.cc) that reads one operand with a stride: at
 * the language model's shapes (128 products of 64×16 by 16×64 and back) it ran at about 1 GFLOP/s and took half of
 * a training step. This kernel does, for every output element, **the same float32 operations in the same order**:
 * the shared dimension is cut in blocks of 48; within a block `sum = 0; sum += a·b` in order of k; the output
 * starts at 0 and takes `(out + sum) + 0` after each block (the `+ 0` is tfjs's bias term). Wasm has no fused
 * multiply-add, so each product and sum is rounded as in the compiled C++, and the results are bit-identical
 * (tested against tf.matMul). Speed comes from doing four (sixteen) output columns at once, one f32x4 lane each,
 * with the right operand laid out row-major so a vector load reads four consecutive columns.
 *
 * Column sums of a row-major [rows, cols] array (the gradients of biases, layer-norm gains and positions). tfjs's
 * Sum over axis 0 transposes the array, then sums each row of the transpose from 0 in order (`sum` in
 * tfjs-backend-wasm/src/cc/kernels/Sum.cc); this sums each column from 0 in row order, four columns per f32x4,
 * without the transpose.
 *
 * A 2-D transpose (the weight gradients' transposed operands), a plain copy, for tfjs-wasm's Transpose ran at
 * about 10 ns per element on [2048, 256].
 */

/** The block length of tfjs-wasm's slow_batch_matmul over the shared dimension (its `kBlockSize`). */
export const TFJS_K_BLOCK = 48;

/** Inner loop over one block of k for `vectors` accumulators (4·vectors output columns starting at byte $pb). */
function columnsPass(vectors: number, label: string): string {
  const vs = Array.from({ length: vectors }, (_, v) => v);
  return `
          ${vs.map((v) => `(local.set $o${v} (v128.const i32x4 0 0 0 0))`).join(' ')}
          (local.set $k0 (i32.const 0))
          (loop $blocks_${label}
            (local.set $kEnd (select (i32.add (local.get $k0) (i32.const ${TFJS_K_BLOCK})) (local.get $K)
              (i32.lt_u (i32.add (local.get $k0) (i32.const ${TFJS_K_BLOCK})) (local.get $K))))
            ${vs.map((v) => `(local.set $s${v} (v128.const i32x4 0 0 0 0))`).join(' ')}
            (local.set $k (local.get $k0))
            (local.set $pa (i32.add (local.get $aRow) (i32.mul (local.get $k0) (local.get $aInnerB))))
            (local.set $pb (i32.add (local.get $bCol) (i32.mul (local.get $k0) (local.get $bRowB))))
            (loop $ks_${label}
              (local.set $av (f32x4.splat (f32.load (local.get $pa))))
              ${vs.map((v) => `(local.set $s${v} (f32x4.add (local.get $s${v}) (f32x4.mul (local.get $av) (v128.load offset=${16 * v} (local.get $pb)))))`).join('\n              ')}
              (local.set $pa (i32.add (local.get $pa) (local.get $aInnerB)))
              (local.set $pb (i32.add (local.get $pb) (local.get $bRowB)))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $ks_${label} (i32.lt_u (local.get $k) (local.get $kEnd))))
            ${vs.map((v) => `(local.set $o${v} (f32x4.add (f32x4.add (local.get $o${v}) (local.get $s${v})) (v128.const i32x4 0 0 0 0)))`).join('\n            ')}
            (local.set $k0 (local.get $kEnd))
            (br_if $blocks_${label} (i32.lt_u (local.get $k0) (local.get $K))))
          ${vs.map((v) => `(v128.store offset=${16 * v} (local.get $po) (local.get $o${v}))`).join(' ')}
          (local.set $po (i32.add (local.get $po) (i32.const ${16 * vectors})))
          (local.set $bCol (i32.add (local.get $bCol) (i32.const ${16 * vectors})))
          (local.set $j (i32.add (local.get $j) (i32.const ${4 * vectors})))`;
}

const kernelWat = `(module
  (memory (export "memory") 1)
  ;; out[b][i][j] (row stride n4) = Σ_k A[b·aBatch + i·aOuter + k·aInner] · B[b][k][j] (B row stride n4); n4 % 4 = 0.
  ;; Strides are in elements, pointers in bytes.
  (func (export "bmm") (param $batch i32) (param $M i32) (param $n4 i32) (param $K i32)
      (param $pA i32) (param $aBatch i32) (param $aOuter i32) (param $aInner i32) (param $pB i32) (param $pOut i32)
    (local $b i32) (local $i i32) (local $j i32) (local $k i32) (local $k0 i32) (local $kEnd i32)
    (local $aRow i32) (local $bCol i32) (local $bBase i32) (local $pa i32) (local $pb i32) (local $po i32)
    (local $aInnerB i32) (local $bRowB i32) (local $av v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $o0 v128) (local $o1 v128) (local $o2 v128) (local $o3 v128)
    (local.set $aInnerB (i32.shl (local.get $aInner) (i32.const 2)))
    (local.set $bRowB (i32.shl (local.get $n4) (i32.const 2)))
    (local.set $po (local.get $pOut))
    (local.set $b (i32.const 0))
    (loop $batches
      (local.set $bBase (i32.add (local.get $pB) (i32.mul (i32.mul (local.get $b) (local.get $K)) (local.get $bRowB))))
      (local.set $i (i32.const 0))
      (loop $rows
        (local.set $aRow (i32.add (local.get $pA) (i32.shl (i32.add (i32.mul (local.get $b) (local.get $aBatch)) (i32.mul (local.get $i) (local.get $aOuter))) (i32.const 2))))
        (local.set $bCol (local.get $bBase))
        (local.set $j (i32.const 0))
        (block $wideDone
          (loop $wide
            (br_if $wideDone (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $n4)))
            ${columnsPass(4, 'wide')}
            (br $wide)))
        (block $narrowDone
          (loop $narrow
            (br_if $narrowDone (i32.ge_u (local.get $j) (local.get $n4)))
            ${columnsPass(1, 'narrow')}
            (br $narrow)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $i) (local.get $M))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $batches (i32.lt_u (local.get $b) (local.get $batch)))))

  ;; out[j] = Σ_r x[r][j] in order of r from 0, for j < c4 (x's row stride c4, c4 % 16 = 0), sixteen columns a pass.
  (func (export "colsum") (param $rows i32) (param $c4 i32) (param $pX i32) (param $pOut i32)
    (local $j i32) (local $r i32) (local $p i32) (local $rowB i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $rowB (i32.shl (local.get $c4) (i32.const 2)))
    (local.set $j (i32.const 0))
    (loop $cols
      (local.set $s0 (v128.const i32x4 0 0 0 0)) (local.set $s1 (v128.const i32x4 0 0 0 0))
      (local.set $s2 (v128.const i32x4 0 0 0 0)) (local.set $s3 (v128.const i32x4 0 0 0 0))
      (local.set $p (i32.add (local.get $pX) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $r (i32.const 0))
      (loop $rows
        (local.set $s0 (f32x4.add (local.get $s0) (v128.load offset=0 (local.get $p))))
        (local.set $s1 (f32x4.add (local.get $s1) (v128.load offset=16 (local.get $p))))
        (local.set $s2 (f32x4.add (local.get $s2) (v128.load offset=32 (local.get $p))))
        (local.set $s3 (f32x4.add (local.get $s3) (v128.load offset=48 (local.get $p))))
        (local.set $p (i32.add (local.get $p) (local.get $rowB)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $r) (local.get $rows))))
      (local.set $p (i32.add (local.get $pOut) (i32.shl (local.get $j) (i32.const 2))))
      (v128.store offset=0 (local.get $p) (local.get $s0)) (v128.store offset=16 (local.get $p) (local.get $s1))
      (v128.store offset=32 (local.get $p) (local.get $s2)) (v128.store offset=48 (local.get $p) (local.get $s3))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br_if $cols (i32.lt_u (local.get $j) (local.get $c4)))))

  ;; out[c][r] = x[r][c] for x [rows][cols], eight rows at a time (eight contiguous stores per column).
  (func (export "transpose") (param $rows i32) (param $cols i32) (param $pX i32) (param $pOut i32)
    (local $r i32) (local $c i32) (local $r8 i32) (local $px i32) (local $po i32) (local $rowB i32) (local $colB i32)
    (local.set $rowB (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $colB (i32.shl (local.get $rows) (i32.const 2)))
    (local.set $r8 (i32.and (local.get $rows) (i32.const -8)))
    (local.set $r (i32.const 0))
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $r) (local.get $r8)))
        (local.set $c (i32.const 0))
        (local.set $px (i32.add (local.get $pX) (i32.mul (local.get $r) (local.get $rowB))))
        (local.set $po (i32.add (local.get $pOut) (i32.shl (local.get $r) (i32.const 2))))
        (loop $cs
          ${Array.from({ length: 8 }, (_, q) => `(f32.store offset=${4 * q} (local.get $po) (f32.load (i32.add (local.get $px) (i32.mul (local.get $rowB) (i32.const ${q})))))`).join('\n          ')}
          (local.set $px (i32.add (local.get $px) (i32.const 4)))
          (local.set $po (i32.add (local.get $po) (local.get $colB)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br_if $cs (i32.lt_u (local.get $c) (local.get $cols))))
        (local.set $r (i32.add (local.get $r) (i32.const 8)))
        (br $blocks)))
    (block $restDone
      (loop $rest
        (br_if $restDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (loop $cs1
          (f32.store (i32.add (local.get $pOut) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2)))
            (f32.load (i32.add (local.get $pX) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2)))))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br_if $cs1 (i32.lt_u (local.get $c) (local.get $cols))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rest)))))`;

interface KernelExports {
  memory: WebAssembly.Memory;
  bmm(batch: number, M: number, n4: number, K: number, pA: number, aBatch: number, aOuter: number, aInner: number, pB: number, pOut: number): void;
  colsum(rows: number, c16: number, pX: number, pOut: number): void;
  transpose(rows: number, cols: number, pX: number, pOut: number): void;
}

/** [batch, rows, cols] of a row-major operand as stored (before any transpose flag applies). */
export type Shape3 = readonly [number, number, number];

export interface LmKernels {
  /**
   * op(a)·op(b) per batch, where op transposes when the flag is set (tf.matMul's transposeA/transposeB), as a new
   * row-major [batch, rows of op(a), cols of op(b)] array, written into `out` when given (else a new array).
   * Batches must be equal (no broadcasting).
   */
  matMul(a: Float32Array, aShape: Shape3, transposeA: boolean, b: Float32Array, bShape: Shape3, transposeB: boolean, out?: Float32Array): Float32Array;
  /** The sums over rows of a row-major [rows, cols] array, as tf.sum(x, 0); written into `out` when given. */
  columnSums(x: Float32Array, rows: number, cols: number, out?: Float32Array): Float32Array;
  /** The transpose [cols, rows] of a row-major [rows, cols] array; written into `out` when given. */
  transpose(x: Float32Array, rows: number, cols: number, out?: Float32Array): Float32Array;
}

/** Instantiate the kernels (assembling their WAT once per process). */
export async function createLmKernels(): Promise<LmKernels> {
  const module = await assembleWat('lmKernels', kernelWat);
  const k = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
  const ensure = (bytes: number) => {
    const pages = Math.ceil(bytes / 65536) - k.memory.buffer.byteLength / 65536;
    if (pages > 0) k.memory.grow(pages);
  };
  return {
    matMul(a, aShape, ta, b, bShape, tb, out) {
      const [batch, ar, ac] = aShape;
      const [bb, br, bc] = bShape;
      if (bb !== batch) throw new Error(`batch matMul: batch sizes differ (${batch} and ${bb})`);
      if (a.length !== batch * ar * ac || b.length !== bb * br * bc) throw new Error('batch matMul: data length does not match its shape');
      const M = ta ? ac : ar;
      const K = ta ? ar : ac;
      const N = tb ? br : bc;
      if ((tb ? bc : br) !== K) throw new Error(`batch matMul: inner dimensions differ (${K} and ${tb ? bc : br})`);
      const n4 = (N + 3) & ~3;
      const aBytes = a.length * 4;
      const bBytes = batch * K * n4 * 4;
      const pA = 0;
      const pB = (aBytes + 15) & ~15;
      const pOut = pB + bBytes;
      ensure(pOut + batch * M * n4 * 4);
      const mem = k.memory.buffer;
      new Float32Array(mem, pA, a.length).set(a);
      // B as [batch][K][n4], row-major in its columns (padding columns are zero and dropped below).
      const bm = new Float32Array(mem, pB, batch * K * n4);
      if (!tb && n4 === N) bm.set(b);
      else {
        bm.fill(0);
        for (let t = 0; t < batch; t++)
          for (let kk = 0; kk < K; kk++)
            for (let j = 0; j < N; j++) bm[(t * K + kk) * n4 + j] = tb ? b[(t * N + j) * K + kk] : b[(t * K + kk) * N + j];
      }
      if (batch > 0 && M > 0 && K > 0) k.bmm(batch, M, n4, K, pA, ar * ac, ta ? 1 : ac, ta ? ac : 1, pB, pOut);
      else new Float32Array(mem, pOut, batch * M * n4).fill(0);
      const res = new Float32Array(mem, pOut, batch * M * n4);
      const r = out ?? new Float32Array(batch * M * N);
      if (r.length !== batch * M * N) throw new Error(`batch matMul: out has ${r.length} elements, not ${batch * M * N}`);
      if (n4 === N) r.set(res);
      else for (let row = 0; row < batch * M; row++) r.set(res.subarray(row * n4, row * n4 + N), row * N);
      return r;
    },
    columnSums(x, rows, cols, out) {
      if (x.length !== rows * cols) throw new Error(`column sums: ${x.length} elements is not ${rows} × ${cols}`);
      const r = out ?? new Float32Array(cols);
      if (r.length !== cols) throw new Error(`column sums: out has ${r.length} elements, not ${cols}`);
      const c16 = (cols + 15) & ~15;
      if (rows === 0 || cols === 0) return r.fill(0);
      const pOut = rows * c16 * 4;
      ensure(pOut + c16 * 4);
      const mem = k.memory.buffer;
      const xm = new Float32Array(mem, 0, rows * c16);
      if (c16 === cols) xm.set(x);
      else {
        // Padding columns are zero; their sums are dropped.
        for (let row = 0; row < rows; row++) {
          xm.set(x.subarray(row * cols, (row + 1) * cols), row * c16);
          xm.fill(0, row * c16 + cols, (row + 1) * c16);
        }
      }
      k.colsum(rows, c16, 0, pOut);
      r.set(new Float32Array(mem, pOut, cols));
      return r;
    },
    transpose(x, rows, cols, out) {
      if (x.length !== rows * cols) throw new Error(`transpose: ${x.length} elements is not ${rows} × ${cols}`);
      const r = out ?? new Float32Array(rows * cols);
      if (r.length !== rows * cols) throw new Error(`transpose: out has ${r.length} elements, not ${rows * cols}`);
      if (rows === 0 || cols === 0) return r;
      const pOut = (rows * cols * 4 + 15) & ~15;
      ensure(pOut + rows * cols * 4);
      const mem = k.memory.buffer;
      new Float32Array(mem, 0, rows * cols).set(x);
      k.transpose(rows, cols, 0, pOut);
      r.set(new Float32Array(mem, pOut, rows * cols));
      return r;
    },
  };
}
