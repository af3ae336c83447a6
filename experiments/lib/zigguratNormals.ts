import type { Rng } from '../runtime/rng';

/**
 * A fast seeded source of standard normals for samplers that need thousands per draw: xoshiro128** (the same
 * generator as `Rng`) fused with a 128-layer ziggurat (Marsaglia & Tsang 2000) in one loop that writes scaled
 * normals straight into the caller's array, with no intermediate buffer.
 *
 * Each normal takes one 32-bit word on the fast path (about 98.8% of draws): its low 7 bits pick the layer and its
 * top 25 bits (signed) the position, so the layer and the value use disjoint bits (the bit reuse of the original
 * ziggurat, criticised by Doornik 2005, is avoided). Positions therefore have 24-bit resolution within a layer.
 * The tail beyond r = 3.4426 uses Marsaglia's exponential method; the wedges an exact rejection test.
 *
 * Its streams differ from `fillNormal` (lib/sampling) and `Rng.normal`: seeded from an `Rng`, so a labelled
 * `ctx.rng(label)` fixes the stream.
 */

const LAYERS = 128;
const R = 3.442619855899;
const SCALE = 16777216; // 2^24: the signed 25-bit position runs over (−2^24, 2^24)
const kn = new Int32Array(LAYERS);
const wn = new Float64Array(LAYERS);
const fn = new Float64Array(LAYERS);
{
  const v = 9.91256303526217e-3; // area of each layer
  let dn = R;
  let tn = dn;
  const q = v / Math.exp(-0.5 * dn * dn);
  kn[0] = Math.floor((dn / q) * SCALE);
  kn[1] = 0;
  wn[0] = q / SCALE;
  wn[LAYERS - 1] = dn / SCALE;
  fn[0] = 1;
  fn[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(v / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = Math.floor((dn / tn) * SCALE);
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / SCALE;
  }
}

export class ZigguratNormals {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Seeded from four words of `rng` (use a fresh labelled stream: `ctx.rng(label)`). */
  constructor(rng: Rng) {
    this.a = rng.nextUint32() | 0;
    this.b = rng.nextUint32() | 0;
    this.c = rng.nextUint32() | 0;
    this.d = rng.nextUint32() | 0;
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }

  /** Next 32-bit word (signed), xoshiro128**. */
  private next(): number {
    const x = Math.imul(this.b, 5);
    const out = Math.imul((x << 7) | (x >>> 25), 9);
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = (this.d << 11) | (this.d >>> 21);
    return out;
  }

  /** Uniform on (0, 1): 32 bits, never 0. */
  private uniform(): number {
    return ((this.next() >>> 0) + 0.5) / 4294967296;
  }

  /** The ziggurat's slow path for word `w` that failed the fast test. */
  private slow(w: number): number {
    for (;;) {
      const iz = w & (LAYERS - 1);
      const j = w >> 7;
      if ((j < 0 ? -j : j) < kn[iz]) return j * wn[iz];
      if (iz === 0) {
        let x: number;
        let y: number;
        do {
          x = -Math.log(this.uniform()) / R;
          y = -Math.log(this.uniform());
        } while (y + y < x * x);
        return j > 0 ? R + x : -R - x;
      }
      const x = j * wn[iz];
      if (fn[iz] + this.uniform() * (fn[iz - 1] - fn[iz]) < Math.exp(-0.5 * x * x)) return x;
      w = this.next();
    }
  }

  /** out[start .. end) ← scale · N(0, 1), iid. */
  fill(out: Float64Array, start: number, end: number, scale: number): void {
    let a = this.a;
    let b = this.b;
    let c = this.c;
    let d = this.d;
    for (let i = start; i < end; i++) {
      const x = Math.imul(b, 5);
      const w = Math.imul((x << 7) | (x >>> 25), 9);
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
      const iz = w & (LAYERS - 1);
      const j = w >> 7;
      if (Math.abs(j) < kn[iz]) {
        out[i] = scale * (j * wn[iz]);
      } else {
        this.a = a;
        this.b = b;
        this.c = c;
        this.d = d;
        out[i] = scale * this.slow(w);
        a = this.a;
        b = this.b;
        c = this.c;
        d = this.d;
      }
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }
}
