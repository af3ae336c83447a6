import type { Rng } from '../runtime/rng';

/**
 * Fast seeded fills of typed arrays, for writeups that draw millions of numbers (random networks, noise).
 * Normals use the ziggurat method (Marsaglia & Tsang 2000, 128 layers): one 32-bit draw per normal in about 98.8%
 * of cases, no logarithm or trigonometry on that path. These are a different stream from `Rng.normal()` (Box-Muller),
 * so switching an existing experiment to them changes its numbers.
 */

const ZIG_N = 128;
const ZIG_R = 3.442619855899;
// Positions are signed 32-bit words: layer i accepts |word| < kn[i] and maps a word to word · wn[i].
const kn = new Uint32Array(ZIG_N);
const wn = new Float64Array(ZIG_N);
const fn = new Float64Array(ZIG_N);
{
  const m1 = 2147483648;
  const vn = 9.91256303526217e-3;
  let dn = ZIG_R;
  let tn = dn;
  const q = vn / Math.exp(-0.5 * dn * dn);
  kn[0] = Math.floor((dn / q) * m1);
  kn[1] = 0;
  wn[0] = q / m1;
  wn[ZIG_N - 1] = dn / m1;
  fn[0] = 1;
  fn[ZIG_N - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = ZIG_N - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = Math.floor((dn / tn) * m1);
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / m1;
  }
}

/**
 * The 128-layer ziggurat's tables at the 2^31 position scale of `fillNormal`, for generators that use another scale
 * (lib/zigguratNormals: 2^24): scaling by a power of two derives theirs exactly.
 */
export const ZIGGURAT = { layers: ZIG_N, r: ZIG_R, positionScale: 2147483648, kn, wn, fn } as const;

/** The slow path of the ziggurat: the base strip's tail, or a wedge test. */
function zigSlow(rng: Rng, hz: number, iz: number): number {
  for (;;) {
    const x = hz * wn[iz];
    if (iz === 0) {
      let xt: number;
      let y: number;
      do {
        xt = -Math.log(1 - rng.uniform()) / ZIG_R;
        y = -Math.log(1 - rng.uniform());
      } while (y + y < xt * xt);
      return hz > 0 ? ZIG_R + xt : -ZIG_R - xt;
    }
    if (fn[iz] + rng.uniform() * (fn[iz - 1] - fn[iz]) < Math.exp(-0.5 * x * x)) return x;
    hz = rng.nextUint32() | 0;
    iz = hz & (ZIG_N - 1);
    if (Math.abs(hz) < kn[iz]) return hz * wn[iz];
  }
}

const BLOCK = 4096;
const bits = new Int32Array(BLOCK);

/** Fill `out` with iid N(mean, std²) draws from `rng` (ziggurat; 32-bit draws are taken from the stream in blocks). */
export function fillNormal<T extends Float32Array | Float64Array>(rng: Rng, out: T, mean = 0, std = 1): T {
  const n = out.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    rng.fillUint32(bits);
    for (let i = start, j = 0; i < end; i++, j++) {
      const hz = bits[j];
      const iz = hz & (ZIG_N - 1);
      const z = (hz < 0 ? -hz : hz) < kn[iz] ? hz * wn[iz] : zigSlow(rng, hz, iz);
      out[i] = mean + std * z;
    }
  }
  return out;
}

const ubits = new Uint32Array(BLOCK);

/** Fill `out` with iid uniforms on [lo, hi): 32 random bits each (enough for float32; use `Rng.uniform` for 53). */
export function fillUniform<T extends Float32Array | Float64Array>(rng: Rng, out: T, lo = 0, hi = 1): T {
  const scale = (hi - lo) / 4294967296;
  for (let start = 0; start < out.length; start += BLOCK) {
    const end = Math.min(out.length, start + BLOCK);
    rng.fillUint32(ubits);
    for (let i = start, j = 0; i < end; i++, j++) out[i] = lo + ubits[j] * scale;
  }
  return out;
}
