import type { Rng } from '../runtime/rng';

/**
 * A fast seeded source of standard normals for filling large typed arrays: the ziggurat of
 * Marsaglia & Tsang (2000, 128 layers) on a xoshiro128** stream. About 99% of draws cost one 32-bit
 * integer, one table look-up and one multiply, against two uniforms, a log and a sin for Box-Muller.
 * Seeded from an `Rng`, so every stream still derives from the config's seed and a label.
 */

const LAYERS = 128;
const R = 3.442619855899;
const kn = new Int32Array(LAYERS);
const wn = new Float64Array(LAYERS);
const fn = new Float64Array(LAYERS);
{
  const m1 = 2147483648;
  const vn = 9.91256303526217e-3;
  let dn = R;
  let tn = dn;
  const q = vn / Math.exp(-0.5 * dn * dn);
  kn[0] = Math.floor((dn / q) * m1);
  kn[1] = 0;
  wn[0] = q / m1;
  wn[LAYERS - 1] = dn / m1;
  fn[0] = 1;
  fn[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = Math.floor((dn / tn) * m1);
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / m1;
  }
}

export class FastNormal {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(rng: Rng) {
    this.a = rng.nextUint32() | 0;
    this.b = rng.nextUint32() | 0;
    this.c = rng.nextUint32() | 0;
    this.d = rng.nextUint32() | 0;
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }

  /** A signed 32-bit integer (xoshiro128**). */
  int32(): number {
    const b = this.b;
    const x = Math.imul(b, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9);
    const t = b << 9;
    this.c ^= this.a;
    this.d ^= b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = (this.d << 11) | (this.d >>> 21);
    return result;
  }

  /** Uniform in (0, 1). */
  uniform(): number {
    return ((this.int32() >>> 0) + 0.5) / 4294967296;
  }

  normal(): number {
    const hz = this.int32();
    const iz = hz & (LAYERS - 1);
    if (Math.abs(hz) < kn[iz]) return hz * wn[iz];
    return this.slow(hz, iz);
  }

  /** Fill with iid N(0, std²). */
  fill(out: Float64Array | Float32Array, std = 1, start = 0, end = out.length): void {
    for (let i = start; i < end; i++) {
      const hz = this.int32();
      const iz = hz & (LAYERS - 1);
      out[i] = std * (Math.abs(hz) < kn[iz] ? hz * wn[iz] : this.slow(hz, iz));
    }
  }

  /** The rare path: the base strip's tail, or a wedge test against the density. */
  private slow(hz: number, iz: number): number {
    for (;;) {
      const x = hz * wn[iz];
      if (iz === 0) {
        let tx: number;
        let ty: number;
        do {
          tx = -Math.log(this.uniform()) / R;
          ty = -Math.log(this.uniform());
        } while (ty + ty < tx * tx);
        return hz > 0 ? R + tx : -R - tx;
      }
      if (fn[iz] + this.uniform() * (fn[iz - 1] - fn[iz]) < Math.exp(-0.5 * x * x)) return x;
      hz = this.int32();
      iz = hz & (LAYERS - 1);
      if (Math.abs(hz) < kn[iz]) return hz * wn[iz];
    }
  }
}
