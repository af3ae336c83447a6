import { assembleWat } from '../lib/wat';

/**
 * Kaarel's sign readoff of pair (i, j) on a hidden vector h, unscaled: y = Σ_k (W_ik·W_jk > 0 ? h_k : −h_k), summed
 * in float64 in the order k = 0, 1, … as the loop
 *   for (k) if (h[k] !== 0) y += W[i*d+k] * W[j*d+k] > 0 ? h[k] : -h[k];
 * sums it, bit for bit, in WebAssembly with SIMD:
 * - the sign test runs four neurons at a time on the float32 weights: the exact product is positive exactly when
 *   both are positive or both negative, which is what the float64 product (exact for two float32 numbers) says;
 * - ±h is h with its sign bit flipped, which float64 promotion preserves, and adding a zero h leaves y as it is
 *   (y starts at +0 and, rounding to nearest, never becomes −0), so no branch skips it;
 * - two pairs run side by side, each its own chain of float64 additions in order.
 */
const WAT = `(module
  (memory (export "memory") 1)
  ;; y += lanes 0 and 1 of $v, in order.
  (func $add2 (param $y f64) (param $v v128) (result f64)
    (f64.add (f64.add (local.get $y) (f64x2.extract_lane 0 (local.get $v))) (f64x2.extract_lane 1 (local.get $v))))
  ;; Four neurons from byte offset $off: h with its sign flipped where W_i·W_j is not positive.
  (func $signed4 (param $h i32) (param $wi i32) (param $wj i32) (result v128)
    (local $a v128) (local $b v128) (local $zero v128)
    (local.set $a (v128.load (local.get $wi)))
    (local.set $b (v128.load (local.get $wj)))
    (v128.xor (v128.load (local.get $h))
      (v128.andnot (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)
        (v128.or
          (v128.and (f32x4.gt (local.get $a) (local.get $zero)) (f32x4.gt (local.get $b) (local.get $zero)))
          (v128.and (f32x4.lt (local.get $a) (local.get $zero)) (f32x4.lt (local.get $b) (local.get $zero)))))))
  ;; One neuron: ±h as float64.
  (func $signed1 (param $h i32) (param $wi i32) (param $wj i32) (result f64)
    (local $x f64)
    (local.set $x (f64.promote_f32 (f32.load (local.get $h))))
    (select (local.get $x) (f64.neg (local.get $x))
      (f64.gt (f64.mul (f64.promote_f32 (f32.load (local.get $wi))) (f64.promote_f32 (f32.load (local.get $wj)))) (f64.const 0))))
  ;; Pairs given as (h row byte offset, W row i byte offset, W row j byte offset) at $pPairs; sums (f64) to $pOut.
  (func (export "signSums") (param $pPairs i32) (param $count i32) (param $d i32) (param $pOut i32)
    (local $p i32) (local $q i32) (local $off i32) (local $end4 i32) (local $end i32)
    (local $ha i32) (local $ia i32) (local $ja i32) (local $hb i32) (local $ib i32) (local $jb i32)
    (local $ya f64) (local $yb f64) (local $sa v128) (local $sb v128)
    (local.set $end (i32.shl (local.get $d) (i32.const 2)))
    (local.set $end4 (i32.shl (i32.and (local.get $d) (i32.const -4)) (i32.const 2)))
    (block $done (loop $pairs
      (br_if $done (i32.ge_u (local.get $p) (local.get $count)))
      ;; The second pair of the two; an odd count's last pair runs twice.
      (local.set $q (i32.add (local.get $p) (i32.const 1)))
      (if (i32.ge_u (local.get $q) (local.get $count)) (then (local.set $q (local.get $p))))
      (local.set $ha (i32.load offset=0 (i32.add (local.get $pPairs) (i32.mul (local.get $p) (i32.const 12)))))
      (local.set $ia (i32.load offset=4 (i32.add (local.get $pPairs) (i32.mul (local.get $p) (i32.const 12)))))
      (local.set $ja (i32.load offset=8 (i32.add (local.get $pPairs) (i32.mul (local.get $p) (i32.const 12)))))
      (local.set $hb (i32.load offset=0 (i32.add (local.get $pPairs) (i32.mul (local.get $q) (i32.const 12)))))
      (local.set $ib (i32.load offset=4 (i32.add (local.get $pPairs) (i32.mul (local.get $q) (i32.const 12)))))
      (local.set $jb (i32.load offset=8 (i32.add (local.get $pPairs) (i32.mul (local.get $q) (i32.const 12)))))
      (local.set $ya (f64.const 0))
      (local.set $yb (f64.const 0))
      (local.set $off (i32.const 0))
      (block $b4 (loop $l4
        (br_if $b4 (i32.ge_u (local.get $off) (local.get $end4)))
        (local.set $sa (call $signed4 (i32.add (local.get $ha) (local.get $off)) (i32.add (local.get $ia) (local.get $off)) (i32.add (local.get $ja) (local.get $off))))
        (local.set $sb (call $signed4 (i32.add (local.get $hb) (local.get $off)) (i32.add (local.get $ib) (local.get $off)) (i32.add (local.get $jb) (local.get $off))))
        (local.set $ya (call $add2 (local.get $ya) (f64x2.promote_low_f32x4 (local.get $sa))))
        (local.set $yb (call $add2 (local.get $yb) (f64x2.promote_low_f32x4 (local.get $sb))))
        (local.set $ya (call $add2 (local.get $ya) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $sa) (local.get $sa)))))
        (local.set $yb (call $add2 (local.get $yb) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $sb) (local.get $sb)))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $l4)))
      (block $b1 (loop $l1
        (br_if $b1 (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $ya (f64.add (local.get $ya) (call $signed1 (i32.add (local.get $ha) (local.get $off)) (i32.add (local.get $ia) (local.get $off)) (i32.add (local.get $ja) (local.get $off)))))
        (local.set $yb (f64.add (local.get $yb) (call $signed1 (i32.add (local.get $hb) (local.get $off)) (i32.add (local.get $ib) (local.get $off)) (i32.add (local.get $jb) (local.get $off)))))
        (local.set $off (i32.add (local.get $off) (i32.const 4)))
        (br $l1)))
      (f64.store (i32.add (local.get $pOut) (i32.shl (local.get $p) (i32.const 3))) (local.get $ya))
      (f64.store (i32.add (local.get $pOut) (i32.shl (local.get $q) (i32.const 3))) (local.get $yb))
      (local.set $p (i32.add (local.get $p) (i32.const 2)))
      (br $pairs)))))
`;

interface Exports {
  memory: WebAssembly.Memory;
  signSums(pPairs: number, count: number, d: number, pOut: number): void;
}

/** One pair to read: hidden row t (of H), features i and j (rows of W). */
export interface SignPair {
  t: number;
  i: number;
  j: number;
}

/**
 * Sign-readoff sums for many pairs: H is n×d (hidden vectors, one per row), W is rows×d (the layer, one row per
 * feature); returns y per pair, as the loop in this module's comment computes it.
 */
export type SignReadoffSums = (H: Float32Array, n: number, W: Float32Array, rows: number, d: number, pairs: readonly SignPair[]) => Float64Array;

export async function createSignReadoffSums(): Promise<SignReadoffSums> {
  const k = new WebAssembly.Instance(await assembleWat('signReadoffSums', WAT)).exports as unknown as Exports;
  return (H, n, W, rows, d, pairs) => {
    const pad = (bytes: number) => Math.ceil(bytes / 16) * 16;
    const [hBytes, wBytes, pBytes] = [pad(4 * n * d), pad(4 * rows * d), pad(12 * pairs.length)];
    const need = hBytes + wBytes + pBytes + 8 * pairs.length;
    const have = k.memory.buffer.byteLength;
    if (need > have) k.memory.grow(Math.ceil((need - have) / 65536));
    const buf = k.memory.buffer;
    new Float32Array(buf, 0, n * d).set(H.subarray(0, n * d));
    new Float32Array(buf, hBytes, rows * d).set(W.subarray(0, rows * d));
    const list = new Int32Array(buf, hBytes + wBytes, 3 * pairs.length);
    pairs.forEach(({ t, i, j }, p) => {
      if (!(t >= 0 && t < n && i >= 0 && i < rows && j >= 0 && j < rows)) throw new Error(`signReadoffSums: pair ${p} (t ${t}, i ${i}, j ${j}) is outside H (${n} rows) or W (${rows} rows)`);
      list[3 * p] = 4 * t * d;
      list[3 * p + 1] = hBytes + 4 * i * d;
      list[3 * p + 2] = hBytes + 4 * j * d;
    });
    const out = hBytes + wBytes + pBytes;
    k.signSums(hBytes + wBytes, pairs.length, d, out);
    return new Float64Array(buf, out, pairs.length).slice();
  };
}
