import { createMatMulF32 } from '../lib/matMulF32';
import { createMatMulSkipZerosF32, skipZerosScratchBytes } from '../lib/matMulSkipZerosF32';
import { assembleWat } from '../lib/wat';

/** An Adam moment pair. */
export interface AdamState {
  m1: Float32Array;
  m2: Float32Array;
}

/** The operations of a training step of `trainNetwork` (trainReadoffs.ts), on float32 arrays (row-major). */
export interface StepOps {
  /** h = ReLU(x W + b), batch×d, and its transpose hT (d×batch); W's rows are summed over x's nonzero entries only. */
  hidden(x: Float32Array, W: Float32Array, bias: Float32Array, batch: number, m: number, d: number, h: Float32Array, hT: Float32Array): void;
  /** C (M×N) = A (M×K) · B (K×N), each entry summed as tfjs-wasm's matMul sums it. */
  matMul(A: Float32Array, B: Float32Array, C: Float32Array, M: number, N: number, K: number): void;
  /** The same product, bit for bit, for an A with many zeros (a ReLU output): it may skip A's zero entries. */
  matMulSkipZeros(A: Float32Array, B: Float32Array, C: Float32Array, M: number, N: number, K: number): void;
  /**
   * The class-weighted L_p loss of pred (batch×k) against y (batch×k), summed output by output, each over the batch
   * in row order; its gradient into g (batch×k) and, when given, gT (k×batch).
   */
  lossAndGradient(pred: Float32Array, y: Float32Array, onesWeight: number, p: number, k: number, batch: number, g: Float32Array, gT: Float32Array | null): number;
  /** From (dLoss/dh)ᵀ (d×batch): dh (batch×d) ← dLoss/dh masked by the ReLU (h > 0), dLoss/dW (m×d) and dLoss/db (d). */
  firstLayerGradient(h: Float32Array, dhT: Float32Array, x: Float32Array, batch: number, m: number, d: number, dh: Float32Array, gW: Float32Array, gB: Float32Array): void;
  /** One Adam update in place, as tfjs's AdamOptimizer computes it: θ −= lr·(m₁/c₁)/(√(m₂/c₂) + ε). */
  adam(theta: Float32Array, grad: Float32Array, s: AdamState, b1: number, b2: number, c1: number, c2: number, lr: number, eps: number): void;
}

/** Float32 buffers of the given lengths (zeroed) and the step's operations on them (which may accept only those buffers). */
export interface Step {
  arrays: Float32Array[];
  ops: StepOps;
}

/** The network's shape: m inputs, d hidden units, k outputs, batches of `batch` rows. */
export interface StepShape {
  m: number;
  d: number;
  k: number;
  batch: number;
}

/** Makes a Step for float32 arrays of the given lengths, for a network of the given shape. */
export type StepFactory = (lengths: readonly number[], shape: StepShape) => Promise<Step>;

/**
 * A training step in WebAssembly with SIMD, on buffers that live in the kernel's memory for the whole run. The three
 * products run on that memory, summed as tfjs-wasm's matMul sums them: the two whose left factor is the ReLU layer
 * (pred = h·R and dLoss/dR = hᵀ·g) in lib/matMulSkipZerosF32.ts's kernel, which skips the layer's zeros (about half of
 * its entries) without changing a bit, and (dLoss/dh)ᵀ = R·gᵀ in lib/matMulF32.ts's; the elementwise work (hidden
 * layer, loss and gradient, first-layer gradient, Adam) runs here. Every value is the one the reference computes
 * (tests/superposition/trainStepReference.ts: the JavaScript loop and tfjs's matMul that this kernel replaced), bit
 * for bit (tests/superposition/trainReadoffs.test.ts): the same float64 operations in the same order, two lanes per
 * f64x2 instruction (wasm has no fused multiply-add; division and square root are correctly rounded), stored as
 * float32 with round-to-nearest like a Float32Array store. Two shortcuts are exact:
 * - where an input entry is 1, "float32 += 1·w" is a float32 addition (f32x4, four lanes): the float64 sum of two
 *   float32 numbers rounded to float32 is the correctly rounded float32 sum, since 53 ≥ 2·24 + 2 (Figueroa 1995);
 *   other entries take the float64 path;
 * - the count of ones in the targets, when every target is 0 or 1, is the float64 sum the reference accumulates
 *   (integers below 2^53 add exactly in any order); other targets are summed in order.
 * The loss itself is summed in the reference's order (one scalar chain), since a float64 sum depends on its order:
 * its terms are computed a block of outputs at a time, row by row over contiguous memory, and then added up.
 */
/**
 * Float32 pairs in and out of f64x2 lanes: PAIR moves two neighbours, ONE the last of an odd count (lane 1 then holds
 * zero or a copy, computed and never stored, so a tail runs the very expressions of the pairs).
 */
interface Lanes {
  load: string;
  store: string;
  /** How many lanes hold values. */
  lanes: 1 | 2;
}
const PAIR: Lanes = { load: 'v128.load64_zero', store: 'v128.store64_lane 0', lanes: 2 };
const ONE: Lanes = { load: 'v128.load32_zero', store: 'v128.store32_lane 0', lanes: 1 };
const promoted = (l: Lanes, addr: string) => `(f64x2.promote_low_f32x4 (${l.load} ${addr}))`;

/** dst = f32(dst + x·src) in float64, $x2 holding x. */
const accumulateF64 = (l: Lanes) => `(${l.store} (local.get $dst)
            (f32x4.demote_f64x2_zero (f64x2.add ${promoted(l, '(local.get $dst)')}
              (f64x2.mul (local.get $x2) ${promoted(l, '(local.get $src)')}))))`;

/** |e|^(p−2) = (e²)^half from $e2: products for p = 2, 4, 6, Math.pow (lane by lane) otherwise. */
type Exponent = 'p2' | 'p4' | 'p6' | 'pow';
const EXPONENTS: readonly Exponent[] = ['p2', 'p4', 'p6', 'pow'];
const absPowerOfE2: Record<Exponent, string> = {
  p2: '(v128.const f64x2 1 1)',
  p4: '(local.get $e2)',
  p6: '(f64x2.mul (local.get $e2) (local.get $e2))',
  pow: `(f64x2.replace_lane 1 (f64x2.splat (call $pow (f64x2.extract_lane 0 (local.get $e2)) (local.get $half)))
          (call $pow (f64x2.extract_lane 1 (local.get $e2)) (local.get $half)))`,
};

/**
 * The loss terms and gradients of the lanes at byte offset $at of pred, y and g (one row, outputs c and c + 1 of the
 * block): w·e²·|e|^(p−2) into the block's term buffer at $tb (output-major: the next output is $batch8 bytes on),
 * p·w·|e|^(p−2)·e into g and, if $hasGT, into gᵀ at $gb (the next output $batch4 bytes on).
 */
const lossLanes = (l: Lanes, x: Exponent) => `(local.set $t ${promoted(l, '(i32.add (local.get $pY) (local.get $at))')})
        (local.set $e (f64x2.sub ${promoted(l, '(i32.add (local.get $pPred) (local.get $at))')} (local.get $t)))
        (local.set $e2 (f64x2.mul (local.get $e) (local.get $e)))
        (local.set $eb ${absPowerOfE2[x]})
        (local.set $w (v128.bitselect (local.get $wOne2) (local.get $wZero2) (f64x2.eq (local.get $t) (v128.const f64x2 1 1))))
        (local.set $term (f64x2.mul (f64x2.mul (local.get $w) (local.get $e2)) (local.get $eb)))
        (local.set $grad (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.mul (f64x2.mul (local.get $p2) (local.get $w)) (local.get $eb)) (local.get $e))))
        (${l.store} (i32.add (local.get $pG) (local.get $at)) (local.get $grad))
        (f64.store (local.get $tb) (f64x2.extract_lane 0 (local.get $term)))
        ${l.lanes === 2 ? '(f64.store (i32.add (local.get $tb) (local.get $batch8)) (f64x2.extract_lane 1 (local.get $term)))' : ''}
        (if (local.get $hasGT) (then
          (f32.store (local.get $gb) (f32x4.extract_lane 0 (local.get $grad)))
          ${l.lanes === 2 ? '(f32.store (i32.add (local.get $gb) (local.get $batch4)) (f32x4.extract_lane 1 (local.get $grad)))' : ''}))`;

/** Outputs per block of the loss: each row's stretch of pred, y and g is whole cache lines (64 outputs: 256 bytes), and a block's terms (BLOCK × batch float64, 51 kB at batch 100) stay in the second-level cache until summed. */
const BLOCK = 64;

/** Adds the next `n` terms of the previous block (at $q) to the loss, in order. */
const addPrevious = (n: number) =>
  Array.from({ length: n }, (_, i) => `(local.set $loss (f64.add (local.get $loss) (f64.load offset=${8 * i} (local.get $q))))`).join('\n          ') +
  `\n          (local.set $q (i32.add (local.get $q) (i32.const ${8 * n})))`;

/**
 * The loss and gradient for one exponent: blocks of BLOCK outputs (then single outputs), each swept row by row over
 * contiguous pred, y and g. The loss adds the terms output by output, each over the batch in row order: the
 * reference's order (one scalar chain), which a float64 sum depends on. That chain runs one block behind, interleaved
 * with the next block's rows (the previous block's `width` terms per row: all of them over the batch), so the
 * processor overlaps the adds' latency with the arithmetic; two term buffers alternate.
 */
const lossFunction = (x: Exponent) => `
  (func (export "lossGradient_${x}") (param $pPred i32) (param $pY i32) (param $k i32) (param $batch i32) (param $pG i32)
      (param $pGT i32) (param $hasGT i32) (param $onesWeight f64) (param $pw f64) (param $half f64) (param $pTerm i32) (result f64)
    (local $n i32) (local $ones f64) (local $wOne f64) (local $wZero f64) (local $loss f64) (local $o0 i32) (local $width i32)
    (local $r i32) (local $c i32) (local $at i32) (local $tb i32) (local $gb i32) (local $q i32) (local $end i32)
    (local $batch4 i32) (local $batch8 i32) (local $cur i32) (local $prev i32) (local $prevWidth i32) (local $swap i32)
    (local $t v128) (local $e v128) (local $e2 v128) (local $eb v128) (local $w v128) (local $term v128) (local $grad v128)
    (local $wOne2 v128) (local $wZero2 v128) (local $p2 v128)
    (local.set $n (i32.mul (local.get $k) (local.get $batch)))
    (local.set $ones (call $targetSum (local.get $pY) (local.get $n)))
    (local.set $wOne (select (f64.div (local.get $onesWeight) (local.get $ones)) (f64.const 0) (f64.gt (local.get $ones) (f64.const 0))))
    (local.set $wZero (select
      (f64.div (f64.const 1) (f64.sub (f64.convert_i32_u (local.get $n)) (local.get $ones))) (f64.const 0)
      (f64.gt (f64.sub (f64.convert_i32_u (local.get $n)) (local.get $ones)) (f64.const 0))))
    (local.set $wOne2 (f64x2.splat (local.get $wOne)))
    (local.set $wZero2 (f64x2.splat (local.get $wZero)))
    (local.set $p2 (f64x2.splat (local.get $pw)))
    (local.set $batch4 (i32.shl (local.get $batch) (i32.const 2)))
    (local.set $batch8 (i32.shl (local.get $batch) (i32.const 3)))
    (local.set $cur (local.get $pTerm))
    (local.set $prev (i32.add (local.get $pTerm) (i32.mul (local.get $batch8) (i32.const ${BLOCK}))))
    (block $done (loop $blocks
      (br_if $done (i32.ge_u (local.get $o0) (local.get $k)))
      (local.set $width (select (i32.const ${BLOCK}) (i32.const 1) (i32.le_u (i32.add (local.get $o0) (i32.const ${BLOCK})) (local.get $k))))
      (local.set $q (local.get $prev))
      (local.set $r (i32.const 0))
      (block $rowsDone (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $batch)))
        (local.set $at (i32.shl (i32.add (i32.mul (local.get $r) (local.get $k)) (local.get $o0)) (i32.const 2)))
        (local.set $tb (i32.add (local.get $cur) (i32.shl (local.get $r) (i32.const 3))))
        (local.set $gb (i32.add (local.get $pGT) (i32.shl (i32.add (i32.mul (local.get $o0) (local.get $batch)) (local.get $r)) (i32.const 2))))
        (if (i32.eq (local.get $width) (i32.const 1))
          (then ${lossLanes(ONE, x)})
          (else
            (local.set $c (i32.const 0))
            (block $groupsDone (loop $groups
              (br_if $groupsDone (i32.ge_u (local.get $c) (i32.const ${BLOCK})))
              ${Array.from({ length: 4 }, () => `${lossLanes(PAIR, x)}
              (local.set $at (i32.add (local.get $at) (i32.const 8)))
              (local.set $tb (i32.add (local.get $tb) (i32.shl (local.get $batch8) (i32.const 1))))
              (local.set $gb (i32.add (local.get $gb) (i32.shl (local.get $batch4) (i32.const 1))))`).join('\n              ')}
              (local.set $c (i32.add (local.get $c) (i32.const 8)))
              (br $groups)))))
        ;; The previous block's next terms: $prevWidth of them per row (none before the first block).
        (if (i32.eq (local.get $prevWidth) (i32.const 1))
          (then
          ${addPrevious(1)})
          (else
            (local.set $c (i32.const 0))
            (block $addsDone (loop $adds
              (br_if $addsDone (i32.ge_u (local.get $c) (local.get $prevWidth)))
              ${addPrevious(8)}
              (local.set $c (i32.add (local.get $c) (i32.const 8)))
              (br $adds)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows)))
      (local.set $swap (local.get $prev))
      (local.set $prev (local.get $cur))
      (local.set $cur (local.get $swap))
      (local.set $prevWidth (local.get $width))
      (local.set $o0 (i32.add (local.get $o0) (local.get $width)))
      (br $blocks)))
    ;; The last block's terms.
    (local.set $q (local.get $prev))
    (local.set $end (i32.add (local.get $prev) (i32.mul (local.get $prevWidth) (local.get $batch8))))
    (block $summed (loop $sum
      (br_if $summed (i32.ge_u (local.get $q) (local.get $end)))
      (local.set $loss (f64.add (local.get $loss) (f64.load (local.get $q))))
      (local.set $q (i32.add (local.get $q) (i32.const 8)))
      (br $sum)))
    (local.get $loss))`;

/** Adam on the parameters at byte offset $off: m₁, m₂ and θ as the reference updates them. */
const adamUpdate = (l: Lanes) => {
  const at = (base: string) => `(i32.add (local.get ${base}) (local.get $off))`;
  return `(local.set $g ${promoted(l, at('$pG'))})
      (local.set $a (f64x2.add (f64x2.mul (local.get $B1) ${promoted(l, at('$pM1'))}) (f64x2.mul (local.get $O1) (local.get $g))))
      (local.set $v (f64x2.add (f64x2.mul (local.get $B2) ${promoted(l, at('$pM2'))}) (f64x2.mul (f64x2.mul (local.get $O2) (local.get $g)) (local.get $g))))
      (${l.store} ${at('$pM1')} (f32x4.demote_f64x2_zero (local.get $a)))
      (${l.store} ${at('$pM2')} (f32x4.demote_f64x2_zero (local.get $v)))
      (${l.store} ${at('$pT')} (f32x4.demote_f64x2_zero (f64x2.sub ${promoted(l, at('$pT'))}
        (f64x2.div (f64x2.mul (local.get $S) (local.get $a)) (f64x2.add (f64x2.sqrt (f64x2.mul (local.get $v) (local.get $I2))) (local.get $E))))))`;
};

const WAT = `(module
  ;; Math.pow, for exponents other than p = 2, 4, 6: the very function the reference calls.
  (import "js" "pow" (func $pow (param f64 f64) (result f64)))
  (memory (export "memory") 1)

  ;; dst[a] = f32(dst[a] + xv·src[a]) for a < n.
  (func $accumulate (param $dst i32) (param $src i32) (param $xv f32) (param $n i32)
    (local $end i32) (local $end4 i32) (local $x2 v128)
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
    (if (f32.eq (local.get $xv) (f32.const 1))
      (then
        (local.set $end4 (i32.add (local.get $dst) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
        (block $b4 (loop $l4
          (br_if $b4 (i32.ge_u (local.get $dst) (local.get $end4)))
          (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
          (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
          (local.set $src (i32.add (local.get $src) (i32.const 16)))
          (br $l4)))
        (block $b1 (loop $l1
          (br_if $b1 (i32.ge_u (local.get $dst) (local.get $end)))
          (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
          (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
          (local.set $src (i32.add (local.get $src) (i32.const 4)))
          (br $l1))))
      (else
        (local.set $x2 (f64x2.splat (f64.promote_f32 (local.get $xv))))
        (local.set $end4 (i32.add (local.get $dst) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 2))))
        (block $b2 (loop $l2
          (br_if $b2 (i32.ge_u (local.get $dst) (local.get $end4)))
          ${accumulateF64(PAIR)}
          (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
          (local.set $src (i32.add (local.get $src) (i32.const 8)))
          (br $l2)))
        (if (i32.lt_u (local.get $dst) (local.get $end)) (then ${accumulateF64(ONE)})))))

  ;; h = ReLU(x W + b) row by row, summing W's rows over x's nonzero entries (indices gathered at $pAct); hT its transpose.
  (func (export "hidden") (param $px i32) (param $pW i32) (param $pb i32) (param $batch i32) (param $m i32) (param $d i32)
      (param $ph i32) (param $phT i32) (param $pAct i32)
    (local $r i32) (local $l i32) (local $n i32) (local $i i32) (local $xrow i32) (local $out i32) (local $dBytes i32)
    (local $p i32) (local $end i32) (local $end4 i32) (local $t i32) (local $tStride i32) (local $v v128) (local $s f32)
    (local.set $dBytes (i32.shl (local.get $d) (i32.const 2)))
    (local.set $tStride (i32.shl (local.get $batch) (i32.const 2)))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $r) (local.get $batch)))
      (local.set $xrow (i32.add (local.get $px) (i32.shl (i32.mul (local.get $r) (local.get $m)) (i32.const 2))))
      (local.set $n (i32.const 0))
      (local.set $l (i32.const 0))
      (block $scanned (loop $scan
        (br_if $scanned (i32.ge_u (local.get $l) (local.get $m)))
        (if (f32.ne (f32.load (i32.add (local.get $xrow) (i32.shl (local.get $l) (i32.const 2)))) (f32.const 0))
          (then
            (i32.store (i32.add (local.get $pAct) (i32.shl (local.get $n) (i32.const 2))) (local.get $l))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))))
        (local.set $l (i32.add (local.get $l) (i32.const 1)))
        (br $scan)))
      (local.set $out (i32.add (local.get $ph) (i32.mul (local.get $r) (local.get $dBytes))))
      (memory.copy (local.get $out) (local.get $pb) (local.get $dBytes))
      (local.set $i (i32.const 0))
      (block $summed (loop $sum
        (br_if $summed (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $l (i32.load (i32.add (local.get $pAct) (i32.shl (local.get $i) (i32.const 2)))))
        (call $accumulate (local.get $out) (i32.add (local.get $pW) (i32.mul (local.get $l) (local.get $dBytes)))
          (f32.load (i32.add (local.get $xrow) (i32.shl (local.get $l) (i32.const 2)))) (local.get $d))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $sum)))
      ;; ReLU (v > 0 ? v : +0) in place, and the transposed copy.
      (local.set $p (local.get $out))
      (local.set $end (i32.add (local.get $out) (local.get $dBytes)))
      (local.set $end4 (i32.add (local.get $out) (i32.shl (i32.and (local.get $d) (i32.const -4)) (i32.const 2))))
      (local.set $t (i32.add (local.get $phT) (i32.shl (local.get $r) (i32.const 2))))
      (block $b4 (loop $l4
        (br_if $b4 (i32.ge_u (local.get $p) (local.get $end4)))
        (local.set $v (v128.load (local.get $p)))
        (local.set $v (v128.and (local.get $v) (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0))))
        (v128.store (local.get $p) (local.get $v))
        (f32.store (local.get $t) (f32x4.extract_lane 0 (local.get $v)))
        (local.set $t (i32.add (local.get $t) (local.get $tStride)))
        (f32.store (local.get $t) (f32x4.extract_lane 1 (local.get $v)))
        (local.set $t (i32.add (local.get $t) (local.get $tStride)))
        (f32.store (local.get $t) (f32x4.extract_lane 2 (local.get $v)))
        (local.set $t (i32.add (local.get $t) (local.get $tStride)))
        (f32.store (local.get $t) (f32x4.extract_lane 3 (local.get $v)))
        (local.set $t (i32.add (local.get $t) (local.get $tStride)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $l4)))
      (block $b1 (loop $l1
        (br_if $b1 (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $s (f32.load (local.get $p)))
        (local.set $s (select (local.get $s) (f32.const 0) (f32.gt (local.get $s) (f32.const 0))))
        (f32.store (local.get $p) (local.get $s))
        (f32.store (local.get $t) (local.get $s))
        (local.set $t (i32.add (local.get $t) (local.get $tStride)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $l1)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows))))

  ;; Σ of the n float32 targets at $py, as the reference sums them.
  (func $targetSum (param $py i32) (param $n i32) (result f64)
    (local $p i32) (local $end i32) (local $end4 i32) (local $v v128) (local $ok v128) (local $count v128) (local $s f64) (local $y f32) (local $tailOk i32) (local $tailCount i32)
    (local.set $end (i32.add (local.get $py) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $py) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $ok (v128.const i32x4 -1 -1 -1 -1))
    (local.set $p (local.get $py))
    (block $b4 (loop $l4
      (br_if $b4 (i32.ge_u (local.get $p) (local.get $end4)))
      (local.set $v (v128.load (local.get $p)))
      (local.set $ok (v128.and (local.get $ok) (v128.or (f32x4.eq (local.get $v) (v128.const f32x4 0 0 0 0)) (f32x4.eq (local.get $v) (v128.const f32x4 1 1 1 1)))))
      (local.set $count (i32x4.sub (local.get $count) (f32x4.eq (local.get $v) (v128.const f32x4 1 1 1 1))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $l4)))
    (local.set $tailOk (i32.const 1))
    (block $b1 (loop $l1
      (br_if $b1 (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $y (f32.load (local.get $p)))
      (local.set $tailOk (i32.and (local.get $tailOk) (i32.or (f32.eq (local.get $y) (f32.const 0)) (f32.eq (local.get $y) (f32.const 1)))))
      (local.set $tailCount (i32.add (local.get $tailCount) (f32.eq (local.get $y) (f32.const 1))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $l1)))
    (if (i32.and (local.get $tailOk) (i32x4.all_true (local.get $ok)))
      (then (return (f64.convert_i32_u (i32.add (local.get $tailCount)
        (i32.add (i32.add (i32x4.extract_lane 0 (local.get $count)) (i32x4.extract_lane 1 (local.get $count)))
          (i32.add (i32x4.extract_lane 2 (local.get $count)) (i32x4.extract_lane 3 (local.get $count)))))))))
    (local.set $p (local.get $py))
    (block $bs (loop $ls
      (br_if $bs (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.load (local.get $p)))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $ls)))
    (local.get $s))

  ;; The class-weighted L_p loss of pred (batch×k) against y, and its gradient into g (batch×k) and, if $hasGT, gᵀ:
  ;; one function per exponent ($half = (p − 2)/2 is used by Math.pow's only).
  ${EXPONENTS.map(lossFunction).join('\n')}

  ;; dh ← (h > 0 ? dhᵀ's row : +0), gB = Σ_rows dh, gW = Σ_rows x ⊗ dh over x's nonzero entries.
  (func (export "firstLayerGradient") (param $ph i32) (param $pdhT i32) (param $px i32) (param $batch i32) (param $m i32)
      (param $d i32) (param $pdh i32) (param $pgW i32) (param $pgB i32)
    (local $r i32) (local $l i32) (local $dBytes i32) (local $hp i32) (local $dp i32) (local $bp i32) (local $end4 i32)
    (local $end i32) (local $xrow i32) (local $xv f32) (local $v v128) (local $s f32) (local $tp i32) (local $batch4 i32)
    (local.set $dBytes (i32.shl (local.get $d) (i32.const 2)))
    (local.set $batch4 (i32.shl (local.get $batch) (i32.const 2)))
    (memory.fill (local.get $pgW) (i32.const 0) (i32.mul (local.get $m) (local.get $dBytes)))
    (memory.fill (local.get $pgB) (i32.const 0) (local.get $dBytes))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $r) (local.get $batch)))
      ;; Row r of dh from column r of dhᵀ.
      (local.set $dp (i32.add (local.get $pdh) (i32.mul (local.get $r) (local.get $dBytes))))
      (local.set $end (i32.add (local.get $dp) (local.get $dBytes)))
      (local.set $tp (i32.add (local.get $pdhT) (i32.shl (local.get $r) (i32.const 2))))
      (block $copied (loop $copy
        (br_if $copied (i32.ge_u (local.get $dp) (local.get $end)))
        (f32.store (local.get $dp) (f32.load (local.get $tp)))
        (local.set $dp (i32.add (local.get $dp) (i32.const 4)))
        (local.set $tp (i32.add (local.get $tp) (local.get $batch4)))
        (br $copy)))
      (local.set $hp (i32.add (local.get $ph) (i32.mul (local.get $r) (local.get $dBytes))))
      (local.set $dp (i32.add (local.get $pdh) (i32.mul (local.get $r) (local.get $dBytes))))
      (local.set $bp (local.get $pgB))
      (local.set $end (i32.add (local.get $hp) (local.get $dBytes)))
      (local.set $end4 (i32.add (local.get $hp) (i32.shl (i32.and (local.get $d) (i32.const -4)) (i32.const 2))))
      (block $b4 (loop $l4
        (br_if $b4 (i32.ge_u (local.get $hp) (local.get $end4)))
        (local.set $v (v128.and (v128.load (local.get $dp)) (f32x4.gt (v128.load (local.get $hp)) (v128.const f32x4 0 0 0 0))))
        (v128.store (local.get $dp) (local.get $v))
        (v128.store (local.get $bp) (f32x4.add (v128.load (local.get $bp)) (local.get $v)))
        (local.set $hp (i32.add (local.get $hp) (i32.const 16)))
        (local.set $dp (i32.add (local.get $dp) (i32.const 16)))
        (local.set $bp (i32.add (local.get $bp) (i32.const 16)))
        (br $l4)))
      (block $b1 (loop $l1
        (br_if $b1 (i32.ge_u (local.get $hp) (local.get $end)))
        (local.set $s (select (f32.load (local.get $dp)) (f32.const 0) (f32.gt (f32.load (local.get $hp)) (f32.const 0))))
        (f32.store (local.get $dp) (local.get $s))
        (f32.store (local.get $bp) (f32.add (f32.load (local.get $bp)) (local.get $s)))
        (local.set $hp (i32.add (local.get $hp) (i32.const 4)))
        (local.set $dp (i32.add (local.get $dp) (i32.const 4)))
        (local.set $bp (i32.add (local.get $bp) (i32.const 4)))
        (br $l1)))
      (local.set $dp (i32.add (local.get $pdh) (i32.mul (local.get $r) (local.get $dBytes))))
      (local.set $xrow (i32.add (local.get $px) (i32.shl (i32.mul (local.get $r) (local.get $m)) (i32.const 2))))
      (local.set $l (i32.const 0))
      (block $lend (loop $lloop
        (br_if $lend (i32.ge_u (local.get $l) (local.get $m)))
        (local.set $xv (f32.load (i32.add (local.get $xrow) (i32.shl (local.get $l) (i32.const 2)))))
        (if (f32.ne (local.get $xv) (f32.const 0))
          (then (call $accumulate (i32.add (local.get $pgW) (i32.mul (local.get $l) (local.get $dBytes))) (local.get $dp) (local.get $xv) (local.get $d))))
        (local.set $l (i32.add (local.get $l) (i32.const 1)))
        (br $lloop)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows))))

  ;; Adam in place over n parameters: the reference's float64 expressions, two lanes at a time.
  (func (export "adam") (param $pT i32) (param $pG i32) (param $pM1 i32) (param $pM2 i32) (param $n i32) (param $b1 f64)
      (param $b2 f64) (param $omb1 f64) (param $omb2 f64) (param $step f64) (param $inv2 f64) (param $eps f64)
    (local $i i32) (local $n2 i32) (local $off i32) (local $g v128) (local $a v128) (local $v v128)
    (local $B1 v128) (local $B2 v128) (local $O1 v128) (local $O2 v128) (local $S v128) (local $I2 v128) (local $E v128)
    (local.set $B1 (f64x2.splat (local.get $b1)))
    (local.set $B2 (f64x2.splat (local.get $b2)))
    (local.set $O1 (f64x2.splat (local.get $omb1)))
    (local.set $O2 (f64x2.splat (local.get $omb2)))
    (local.set $S (f64x2.splat (local.get $step)))
    (local.set $I2 (f64x2.splat (local.get $inv2)))
    (local.set $E (f64x2.splat (local.get $eps)))
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (block $b2 (loop $l2
      (br_if $b2 (i32.ge_u (local.get $i) (local.get $n2)))
      (local.set $off (i32.shl (local.get $i) (i32.const 2)))
      ${adamUpdate(PAIR)}
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br $l2)))
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        ${adamUpdate(ONE)}))))
`;

interface Exports {
  memory: WebAssembly.Memory;
  hidden(px: number, pW: number, pb: number, batch: number, m: number, d: number, ph: number, phT: number, pAct: number): void;
  firstLayerGradient(ph: number, pdhT: number, px: number, batch: number, m: number, d: number, pdh: number, pgW: number, pgB: number): void;
  adam(pT: number, pG: number, pM1: number, pM2: number, n: number, b1: number, b2: number, omb1: number, omb2: number, step: number, inv2: number, eps: number): void;
}
type LossGradient = (pPred: number, pY: number, k: number, batch: number, pG: number, pGT: number, hasGT: number, onesWeight: number, p: number, half: number, pTerm: number) => number;

/**
 * A kernel instance whose memory holds float32 arrays of the given lengths (zeroed), plus the scratch of its loss
 * blocks, its zero-skipping product and the hidden layer's list of active inputs. The memory is sized once, so the
 * views stay valid for the run.
 */
export const createWasmStep: StepFactory = async (lengths, shape) => {
  const { m, d, batch } = shape;
  const k = new WebAssembly.Instance(await assembleWat('trainStep', WAT), { js: { pow: Math.pow } }).exports as unknown as Exports;
  const lossGradient = Object.fromEntries(EXPONENTS.map((x) => [x, (k as unknown as Record<string, LossGradient>)[`lossGradient_${x}`]])) as Record<Exponent, LossGradient>;
  const skipBytes = skipZerosScratchBytes(Math.max(batch, d), Math.min(batch, d));
  const scratch = { act: 4 * m, term: 2 * 8 * BLOCK * batch, skip: skipBytes };
  const offsets: number[] = [];
  let end = 0;
  for (const bytes of [...lengths.map((n) => 4 * n), scratch.act, scratch.term, scratch.skip]) {
    offsets.push(end);
    end += Math.ceil(bytes / 16) * 16; // 16-byte aligned starts
  }
  const have = k.memory.buffer.byteLength;
  if (end > have) k.memory.grow(Math.ceil((end - have) / 65536));
  const buffer = k.memory.buffer;
  const [pAct, pTerm, pSkip] = offsets.slice(lengths.length);
  const matMul = await createMatMulF32(k.memory);
  const matMulSkipZeros = await createMatMulSkipZerosF32(k.memory, pSkip, skipBytes);
  const arrays = lengths.map((n, i) => new Float32Array(buffer, offsets[i], n));
  const at = (a: Float32Array): number => {
    if (a.buffer !== buffer) throw new Error('trainStepWasm: an array outside the kernel memory was passed to the kernel');
    return a.byteOffset;
  };
  const ops: StepOps = {
    hidden(x, W, bias, rows, mIn, dOut, h, hT) {
      if (mIn > m || rows > batch || dOut > d) throw new Error(`trainStepWasm: a ${rows}×${mIn} → ${dOut} layer exceeds the kernel's shape (batch ${batch}, m ${m}, d ${d})`);
      k.hidden(at(x), at(W), at(bias), rows, mIn, dOut, at(h), at(hT), pAct);
    },
    matMul,
    matMulSkipZeros,
    lossAndGradient(pred, y, onesWeight, p, kOut, rows, g, gT) {
      if (rows > batch) throw new Error(`trainStepWasm: a batch of ${rows} exceeds the kernel's ${batch}`);
      const x: Exponent = p === 2 ? 'p2' : p === 4 ? 'p4' : p === 6 ? 'p6' : 'pow';
      return lossGradient[x](at(pred), at(y), kOut, rows, at(g), gT ? at(gT) : 0, gT ? 1 : 0, onesWeight, p, (p - 2) / 2, pTerm);
    },
    firstLayerGradient(h, dhT, x, rows, mIn, dOut, dh, gW, gB) {
      k.firstLayerGradient(at(h), at(dhT), at(x), rows, mIn, dOut, at(dh), at(gW), at(gB));
    },
    adam(theta, grad, s, b1, b2, c1, c2, lr, eps) {
      k.adam(at(theta), at(grad), at(s.m1), at(s.m2), theta.length, b1, b2, 1 - b1, 1 - b2, lr / c1, 1 / c2, eps);
    },
  };
  return { arrays, ops };
};
