import type { Rng } from '../runtime/rng';
import { assembleWat } from '../lib/wat';
import { seedZiggurat, writeZigguratTables, ZIGGURAT_TABLE_BYTES, zigguratImports, zigguratWat, type ZigguratExports } from '../lib/zigguratNormals';

/**
 * The page's hot path, version 3, in WebAssembly with SIMD: random n-h1-h2-1 ReLU networks (weights N(0, 1/fan_in),
 * biases N(0, σ_b²), the output's included) evaluated on all 2^n boolean inputs, returned as truth tables (bit i =
 * output of input i > 0). One call draws and evaluates a batch of networks, so JavaScript is out of the loop.
 *
 * Parameters are drawn in the order W0, b0, W1, b1, W2, b2 (row-major, fan-in first), the order of
 * `createMlpSampler`, by the fused generator of lib/zigguratNormals straight into the weights. The arithmetic is
 * float64 throughout and, per output, the same operations in the same order as the general sampler, so the tables
 * are bit-identical to it on the same parameters (tested):
 * - first layer by subset sums (input i = input i without its lowest set bit, plus that bit's weight row);
 * - second layer two inputs at a time (i, i + 1) over the units active for either (adding 0·w where a unit is off
 *   leaves a sum unchanged), eight outputs per pass as four f64x2 accumulators per input, so each weight load
 *   serves two rows; a last pass of four outputs when h2 is not a multiple of 8;
 * - ReLU as (x + |x|)/2, which equals max(x, 0) exactly and needs no branch, fused with the output layer, whose sum
 *   runs over the outputs in order.
 */

/** One pass over `vectors` f64x2 accumulators per input (2·vectors outputs from byte offset $mb), then the ReLU and output sums. */
function outputPass(vectors: number): string {
  const ks = Array.from({ length: vectors }, (_, k) => k);
  return `
          ${ks.map((k) => `(local.set $a${k} (v128.load offset=${16 * k} (i32.add (global.get $pB1) (local.get $mb))))`).join('\n          ')}
          ${ks.map((k) => `(local.set $c${k} (local.get $a${k}))`).join(' ')}
          (local.set $q (i32.const 0))
          (block $none
            (br_if $none (i32.eqz (local.get $na)))
            (loop $units
              (local.set $vx (v128.load64_splat (i32.add (global.get $pVa) (local.get $q))))
              (local.set $vy (v128.load64_splat (i32.add (global.get $pVb) (local.get $q))))
              (local.set $base (i32.add (i32.load (i32.add (global.get $pIdx) (local.get $q))) (local.get $mb)))
              ${ks
                .map(
                  (k) => `(local.set $w (v128.load offset=${16 * k} (local.get $base)))
              (local.set $a${k} (f64x2.add (local.get $a${k}) (f64x2.mul (local.get $vx) (local.get $w))))
              (local.set $c${k} (f64x2.add (local.get $c${k}) (f64x2.mul (local.get $vy) (local.get $w))))`,
                )
                .join('\n              ')}
              (local.set $q (i32.add (local.get $q) (i32.const 8)))
              (br_if $units (i32.lt_u (local.get $q) (local.get $na)))))
          ${ks
            .map(
              (k) => `(local.set $w (v128.load offset=${16 * k} (i32.add (global.get $pW2) (local.get $mb))))
          (local.set $r (f64x2.mul (f64x2.mul (v128.const f64x2 0.5 0.5) (f64x2.add (local.get $a${k}) (f64x2.abs (local.get $a${k})))) (local.get $w)))
          (local.set $oa (f64.add (f64.add (local.get $oa) (f64x2.extract_lane 0 (local.get $r))) (f64x2.extract_lane 1 (local.get $r))))
          (local.set $r (f64x2.mul (f64x2.mul (v128.const f64x2 0.5 0.5) (f64x2.add (local.get $c${k}) (f64x2.abs (local.get $c${k})))) (local.get $w)))
          (local.set $ob (f64.add (f64.add (local.get $ob) (f64x2.extract_lane 0 (local.get $r))) (f64x2.extract_lane 1 (local.get $r))))`,
            )
            .join('\n          ')}
          (local.set $mb (i32.add (local.get $mb) (i32.const ${16 * vectors})))`;
}

const layoutGlobals = ['n', 'h1', 'h2', 'pW0', 'pB0', 'pW1', 'pB1', 'pW2', 'pB2', 'pEnd', 'pA1', 'pVa', 'pVb', 'pIdx'];
const scaleGlobals = ['s0', 's1', 's2', 'sb'];

const kernelWat = `(module
  (import "math" "log" (func $log (param f64) (result f64)))
  (import "math" "exp" (func $exp (param f64) (result f64)))
  (memory (export "memory") 1)
  ${zigguratWat}
  ${layoutGlobals.map((g) => `(global $${g} (mut i32) (i32.const 0))`).join('\n  ')}
  ${scaleGlobals.map((g) => `(global $${g} (mut f64) (f64.const 0))`).join('\n  ')}
  (func (export "configure") ${layoutGlobals.map(() => '(param i32)').join(' ')} ${scaleGlobals.map(() => '(param f64)').join(' ')}
    ${[...layoutGlobals, ...scaleGlobals].map((g, i) => `(global.set $${g} (local.get ${i}))`).join('\n    ')})

  ;; The table of the network whose parameters are in memory.
  (func $net (export "net") (result i32)
    (local $rows i32) (local $rowBytes i32) (local $i i32) (local $pa i32) (local $pb i32) (local $pw i32) (local $end i32)
    (local $na i32) (local $q i32) (local $mb i32) (local $base i32) (local $x f64) (local $y f64)
    (local $oa f64) (local $ob f64) (local $table i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $vx v128) (local $vy v128) (local $w v128) (local $r v128)
    (local.set $rows (i32.shl (i32.const 1) (global.get $n)))
    (local.set $rowBytes (i32.shl (global.get $h1) (i32.const 3)))
    ;; First layer: row 0 is b0; row i is row (i without its lowest bit) plus row ctz(i) of W0.
    (memory.copy (global.get $pA1) (global.get $pB0) (local.get $rowBytes))
    (local.set $i (i32.const 1))
    (loop $rowsLoop
      (local.set $pa (i32.add (global.get $pA1) (i32.mul (i32.and (local.get $i) (i32.sub (local.get $i) (i32.const 1))) (local.get $rowBytes))))
      (local.set $pb (i32.add (global.get $pA1) (i32.mul (local.get $i) (local.get $rowBytes))))
      (local.set $pw (i32.add (global.get $pW0) (i32.mul (i32.ctz (local.get $i)) (local.get $rowBytes))))
      (local.set $end (i32.add (local.get $pb) (local.get $rowBytes)))
      (loop $units
        (f64.store (local.get $pb) (f64.add (f64.load (local.get $pa)) (f64.load (local.get $pw))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
        (local.set $pw (i32.add (local.get $pw) (i32.const 8)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 8)))
        (br_if $units (i32.lt_u (local.get $pb) (local.get $end))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rowsLoop (i32.lt_u (local.get $i) (local.get $rows))))
    ;; Second layer and output, inputs i and i + 1 together.
    (local.set $i (i32.const 0))
    (loop $pairs
      ;; Units on for either input: W1 row offset and both ReLU'd activations, at stride 8 bytes.
      (local.set $pa (i32.add (global.get $pA1) (i32.mul (local.get $i) (local.get $rowBytes))))
      (local.set $end (i32.add (local.get $pa) (local.get $rowBytes)))
      (local.set $pw (global.get $pW1))
      (local.set $na (i32.const 0))
      (loop $gather
        (local.set $x (f64.load (local.get $pa)))
        (local.set $y (f64.load (i32.add (local.get $pa) (local.get $rowBytes))))
        (i32.store (i32.add (global.get $pIdx) (local.get $na)) (local.get $pw))
        (f64.store (i32.add (global.get $pVa) (local.get $na)) (f64.mul (f64.const 0.5) (f64.add (local.get $x) (f64.abs (local.get $x)))))
        (f64.store (i32.add (global.get $pVb) (local.get $na)) (f64.mul (f64.const 0.5) (f64.add (local.get $y) (f64.abs (local.get $y)))))
        (local.set $na (i32.add (local.get $na) (i32.shl (i32.or (f64.gt (local.get $x) (f64.const 0)) (f64.gt (local.get $y) (f64.const 0))) (i32.const 3))))
        (local.set $pw (i32.add (local.get $pw) (i32.shl (global.get $h2) (i32.const 3))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
        (br_if $gather (i32.lt_u (local.get $pa) (local.get $end))))
      (local.set $oa (f64.load (global.get $pB2)))
      (local.set $ob (local.get $oa))
      (local.set $mb (i32.const 0))
      (block $wide
        (loop $passes
          (br_if $wide (i32.gt_u (i32.add (local.get $mb) (i32.const 64)) (i32.shl (global.get $h2) (i32.const 3))))
          ${outputPass(4)}
          (br $passes)))
      (if (i32.lt_u (local.get $mb) (i32.shl (global.get $h2) (i32.const 3)))
        (then
          ${outputPass(2)}))
      (local.set $table (i32.or (local.get $table)
        (i32.or
          (i32.shl (f64.gt (local.get $oa) (f64.const 0)) (local.get $i))
          (i32.shl (f64.gt (local.get $ob) (f64.const 0)) (i32.add (local.get $i) (i32.const 1))))))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br_if $pairs (i32.lt_u (local.get $i) (local.get $rows))))
    (local.get $table))

  ;; Draws and evaluates $count networks, writing their tables (u32) from byte $out.
  (func (export "sample") (param $count i32) (param $out i32)
    (block $done
      (br_if $done (i32.le_s (local.get $count) (i32.const 0)))
      (loop $nets
        (call $fill (global.get $pW0) (global.get $pB0) (global.get $s0))
        (call $fill (global.get $pB0) (global.get $pW1) (global.get $sb))
        (call $fill (global.get $pW1) (global.get $pB1) (global.get $s1))
        (call $fill (global.get $pB1) (global.get $pW2) (global.get $sb))
        (call $fill (global.get $pW2) (global.get $pB2) (global.get $s2))
        (call $fill (global.get $pB2) (global.get $pEnd) (global.get $sb))
        (i32.store (local.get $out) (call $net))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br_if $nets (i32.gt_s (local.get $count) (i32.const 0))))))
)`;

interface KernelExports extends ZigguratExports {
  configure(...args: number[]): void;
  net(): number;
  sample(count: number, out: number): void;
}

/** Networks drawn per call into the kernel. */
const BATCH = 256;

/** One network's parameters in the kernel's memory (float64 views), for tests that set them. */
export interface Relu2Params {
  W0: Float64Array;
  B0: Float64Array;
  W1: Float64Array;
  B1: Float64Array;
  W2: Float64Array;
  B2: Float64Array;
}

/** A kernel instance for one shape: `sample()` draws one network and returns its table; `table()` evaluates `params` as set. */
export interface Relu2Kernel {
  sample(): number;
  params: Relu2Params;
  table(): number;
}

/** The ReLU kernel for n-h1-h2-1 at σ_b, its generator seeded from four words of `rng`. */
export async function createRelu2Kernel(n: number, h1: number, h2: number, sigmaB: number, rng: Rng): Promise<Relu2Kernel> {
  if (!Number.isInteger(n) || n < 1 || n > 5) throw new Error(`n must be an integer in 1..5, got ${n}`);
  if (!Number.isInteger(h1) || h1 < 1) throw new Error(`the first hidden width must be a positive integer, got ${h1}`);
  if (!Number.isInteger(h2) || h2 < 4 || h2 % 4 !== 0) throw new Error(`the second hidden width must be a positive multiple of 4, got ${h2}`);
  const module = await assembleWat('relu2Kernel', kernelWat);
  const k = new WebAssembly.Instance(module, zigguratImports).exports as unknown as KernelExports;
  const rows = 1 << n;
  // Layout (bytes): tables, then the parameters back to back in draw order, then activations and scratch.
  const sizes = { W0: n * h1, B0: h1, W1: h1 * h2, B1: h2, W2: h2, B2: 1, A1: rows * h1, Va: h1, Vb: h1, Idx: h1 };
  const at: Record<string, number> = {};
  let p = ZIGGURAT_TABLE_BYTES;
  for (const [name, len] of Object.entries(sizes)) {
    at[name] = p;
    p += 8 * len;
  }
  const out = p;
  const bytes = out + 4 * BATCH;
  const pages = Math.ceil(bytes / 65536) - k.memory.buffer.byteLength / 65536;
  if (pages > 0) k.memory.grow(pages);
  writeZigguratTables(k.memory);
  seedZiggurat(k, rng);
  k.configure(n, h1, h2, at.W0, at.B0, at.W1, at.B1, at.W2, at.B2, at.B2 + 8, at.A1, at.Va, at.Vb, at.Idx, 1 / Math.sqrt(n), 1 / Math.sqrt(h1), 1 / Math.sqrt(h2), sigmaB);
  const view = (name: keyof typeof sizes) => new Float64Array(k.memory.buffer, at[name], sizes[name]);
  const params = { W0: view('W0'), B0: view('B0'), W1: view('W1'), B1: view('B1'), W2: view('W2'), B2: view('B2') };
  const tables = new Uint32Array(k.memory.buffer, out, BATCH);
  let next = BATCH;
  return {
    sample() {
      if (next === BATCH) {
        k.sample(BATCH, out);
        next = 0;
      }
      return tables[next++];
    },
    params,
    table: () => k.net() >>> 0,
  };
}
