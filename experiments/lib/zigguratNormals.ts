import type { Rng } from '../runtime/rng';
import { ZIGGURAT } from './sampling';
import { assembleWat } from './wat';

/**
 * A fast seeded source of standard normals for samplers that need thousands per draw, in WebAssembly: xoshiro128**
 * (the same generator as `Rng`) fused with a 128-layer ziggurat (Marsaglia & Tsang 2000) in one loop that writes
 * scaled normals straight into memory. `zigguratWat` is the generator as a WAT fragment for kernels that draw their
 * own parameters (simplicity-bias/relu2Kernel); `ZigguratNormals` wraps it alone, for typed arrays.
 *
 * Each normal takes one 32-bit word on the fast path (about 98.8% of draws): its low 7 bits pick the layer and its
 * top 25 bits (signed) the position, so the layer and the value use disjoint bits (the bit reuse of the original
 * ziggurat, criticised by Doornik 2005, is avoided). Positions therefore have 24-bit resolution within a layer.
 * The tail beyond r = 3.4426 uses Marsaglia's exponential method; the wedges an exact rejection test (Math.log and
 * Math.exp are imported, so the slow path is the same arithmetic in every engine that runs this project).
 *
 * The stream is the one session 7's JavaScript generator gave (checked against its values in the tests): seeded by
 * four words of an `Rng`, so a labelled `ctx.rng(label)` fixes it. It differs from `fillNormal` and `Rng.normal`.
 */

/** Bytes at the start of a kernel's memory that hold the tables: kn (i32) at 0, wn (f64) at 512, fn (f64) at 1536. */
export const ZIGGURAT_TABLE_BYTES = 2560;
/** Positions are the word's top 25 bits, signed: scale 2^24, 2^7 below `fillNormal`'s 2^31. */
const SCALE_SHIFT = 7;

/** Copies the tables into a kernel's memory, derived exactly from lib/sampling's (a power-of-two rescaling). */
export function writeZigguratTables(memory: WebAssembly.Memory): void {
  const L = ZIGGURAT.layers;
  const kn = new Int32Array(memory.buffer, 0, L);
  const wn = new Float64Array(memory.buffer, 512, L);
  for (let i = 0; i < L; i++) {
    kn[i] = ZIGGURAT.kn[i] >>> SCALE_SHIFT;
    wn[i] = ZIGGURAT.wn[i] * (1 << SCALE_SHIFT);
  }
  new Float64Array(memory.buffer, 1536, L).set(ZIGGURAT.fn);
}

/** The imports a module that contains `zigguratWat` needs. */
export const zigguratImports = { math: { log: Math.log, exp: Math.exp } };

/** What a kernel's instance exposes of the generator. */
export interface ZigguratExports {
  memory: WebAssembly.Memory;
  /** Sets the xoshiro128** state. */
  seed(a: number, b: number, c: number, d: number): void;
  /** Bytes [p, end) of memory ← scale · N(0, 1) as float64, iid. */
  fill(p: number, end: number, scale: number): void;
  /** Bytes [p, end) of memory ← the raw 32-bit words, for tests of the generator. */
  words(p: number, end: number): void;
}

/** Seeds a kernel's generator from the next four words of `rng`. */
export function seedZiggurat(k: ZigguratExports, rng: Rng): void {
  const s = [rng.nextUint32() | 0, rng.nextUint32() | 0, rng.nextUint32() | 0, rng.nextUint32() | 0];
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[3] = 1;
  k.seed(s[0], s[1], s[2], s[3]);
}

/** One xoshiro128** step on the locals $a $b $c $d (scratch $x $t), as an i32 expression: the output word. */
const step = `(block (result i32)
      (local.set $x (i32.mul (i32.rotl (i32.mul (local.get $b) (i32.const 5)) (i32.const 7)) (i32.const 9)))
      (local.set $t (i32.shl (local.get $b) (i32.const 9)))
      (local.set $c (i32.xor (local.get $c) (local.get $a)))
      (local.set $d (i32.xor (local.get $d) (local.get $b)))
      (local.set $b (i32.xor (local.get $b) (local.get $c)))
      (local.set $a (i32.xor (local.get $a) (local.get $d)))
      (local.set $c (i32.xor (local.get $c) (local.get $t)))
      (local.set $d (i32.rotl (local.get $d) (i32.const 11)))
      (local.get $x))`;

/** Uniform on (0, 1) from one word: 32 bits, never 0. */
const uniform = `(f64.div (f64.add (f64.convert_i32_u ${step}) (f64.const 0.5)) (f64.const 4294967296))`;

const R = ZIGGURAT.r;

/** The state as locals for a loop, and back to the globals after it. */
const stateLocals = '(local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $x i32) (local $t i32)';
const loadState = ['a', 'b', 'c', 'd'].map((v) => `(local.set $${v} (global.get $z${v}))`).join(' ');
const storeState = ['a', 'b', 'c', 'd'].map((v) => `(global.set $z${v} (local.get $${v}))`).join(' ');

/**
 * The generator as module fields (globals, functions, exports). The module must import `math.log` and `math.exp` as
 * $log and $exp, and define a memory whose first ZIGGURAT_TABLE_BYTES hold the tables (`writeZigguratTables`).
 */
export const zigguratWat = `
  (global $za (mut i32) (i32.const 0))
  (global $zb (mut i32) (i32.const 0))
  (global $zc (mut i32) (i32.const 0))
  (global $zd (mut i32) (i32.const 1))
  (func (export "seed") (param i32 i32 i32 i32)
    (global.set $za (local.get 0)) (global.set $zb (local.get 1)) (global.set $zc (local.get 2)) (global.set $zd (local.get 3)))
  (func $words (export "words") (param $p i32) (param $end i32)
    ${stateLocals}
    ${loadState}
    (block $done
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (loop $next
        (i32.store (local.get $p) ${step})
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $next (i32.lt_u (local.get $p) (local.get $end)))))
    ${storeState})
  (func $fill (export "fill") (param $p i32) (param $end i32) (param $scale f64)
    ${stateLocals}
    (local $w i32) (local $iz i32) (local $j i32) (local $z f64) (local $e f64) (local $y f64)
    ${loadState}
    (block $done
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (loop $draw
        (local.set $w ${step})
        (f64.store (local.get $p) (f64.mul (local.get $scale)
          (block $got (result f64)
            (loop $retry
              (local.set $iz (i32.and (local.get $w) (i32.const 127)))
              (local.set $j (i32.shr_s (local.get $w) (i32.const 7)))
              (local.set $z (f64.mul (f64.convert_i32_s (local.get $j)) (f64.load offset=512 (i32.shl (local.get $iz) (i32.const 3)))))
              ;; Fast path: inside the layer's rectangle.
              (br_if $got (local.get $z)
                (i32.lt_s
                  (select (local.get $j) (i32.sub (i32.const 0) (local.get $j)) (i32.ge_s (local.get $j) (i32.const 0)))
                  (i32.load (i32.shl (local.get $iz) (i32.const 2)))))
              ;; Base layer: the tail beyond R by Marsaglia's exponential method.
              (if (i32.eqz (local.get $iz))
                (then
                  (loop $tail
                    (local.set $e (f64.div (f64.neg (call $log ${uniform})) (f64.const ${R})))
                    (local.set $y (f64.neg (call $log ${uniform})))
                    (br_if $tail (f64.lt (f64.add (local.get $y) (local.get $y)) (f64.mul (local.get $e) (local.get $e)))))
                  (br $got (select
                    (f64.add (f64.const ${R}) (local.get $e))
                    (f64.sub (f64.const -${R}) (local.get $e))
                    (i32.gt_s (local.get $j) (i32.const 0))))))
              ;; Wedge: exact rejection test against the density.
              (br_if $got (local.get $z)
                (f64.lt
                  (f64.add
                    (f64.load offset=1536 (i32.shl (local.get $iz) (i32.const 3)))
                    (f64.mul ${uniform}
                      (f64.sub
                        (f64.load offset=1528 (i32.shl (local.get $iz) (i32.const 3)))
                        (f64.load offset=1536 (i32.shl (local.get $iz) (i32.const 3))))))
                  (call $exp (f64.mul (f64.mul (f64.const -0.5) (local.get $z)) (local.get $z)))))
              (local.set $w ${step})
              (br $retry))
            (unreachable))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br_if $draw (i32.lt_u (local.get $p) (local.get $end)))))
    ${storeState})
`;

const CHUNK = 4096;

const standaloneWat = `(module
  (import "math" "log" (func $log (param f64) (result f64)))
  (import "math" "exp" (func $exp (param f64) (result f64)))
  (memory (export "memory") 1)
  ${zigguratWat})`;

/** The generator alone, filling typed arrays (through a scratch block in its memory). */
export class ZigguratNormals {
  private constructor(private readonly k: ZigguratExports) {}

  /** Seeded from four words of `rng` (use a fresh labelled stream: `ctx.rng(label)`). */
  static async create(rng: Rng): Promise<ZigguratNormals> {
    const g = await ZigguratNormals.instance();
    seedZiggurat(g.k, rng);
    return g;
  }

  /** With the xoshiro128** state given (not all zero), e.g. to check the generator against published outputs. */
  static async fromState(a: number, b: number, c: number, d: number): Promise<ZigguratNormals> {
    const g = await ZigguratNormals.instance();
    g.k.seed(a, b, c, d);
    return g;
  }

  private static async instance(): Promise<ZigguratNormals> {
    const module = await assembleWat('zigguratNormals', standaloneWat);
    const k = new WebAssembly.Instance(module, zigguratImports).exports as unknown as ZigguratExports;
    k.memory.grow(Math.ceil((ZIGGURAT_TABLE_BYTES + 8 * CHUNK) / 65536));
    writeZigguratTables(k.memory);
    return new ZigguratNormals(k);
  }

  /** out[start .. end) ← scale · N(0, 1), iid. */
  fill(out: Float64Array, start: number, end: number, scale: number): void {
    const scratch = new Float64Array(this.k.memory.buffer, ZIGGURAT_TABLE_BYTES, CHUNK);
    for (let s = start; s < end; s += CHUNK) {
      const len = Math.min(CHUNK, end - s);
      this.k.fill(ZIGGURAT_TABLE_BYTES, ZIGGURAT_TABLE_BYTES + 8 * len, scale);
      out.set(len === CHUNK ? scratch : scratch.subarray(0, len), s);
    }
  }

  /** The next `count` raw 32-bit words of the generator (for tests). */
  words(count: number): Uint32Array {
    const out = new Uint32Array(count);
    const scratch = new Uint32Array(this.k.memory.buffer, ZIGGURAT_TABLE_BYTES, 2 * CHUNK);
    for (let s = 0; s < count; s += 2 * CHUNK) {
      const len = Math.min(2 * CHUNK, count - s);
      this.k.words(ZIGGURAT_TABLE_BYTES, ZIGGURAT_TABLE_BYTES + 4 * len);
      out.set(scratch.subarray(0, len), s);
    }
    return out;
  }
}
