/**
 * Seeded randomness. Every draw in an experiment comes from an `Rng` derived from the config's seed
 * and a label, so adding a new stream never shifts the numbers of an existing one.
 * xoshiro128** (32-bit state words, fast in JS) seeded through splitmix32; normals by Box-Muller.
 */

/** 32-bit FNV-1a hash of a string, used to turn labels into seed material. */
export function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** The stream an experiment gets from `ctx.rng(label)`: a function of its config's seed and the label only. */
export function streamFor(seed: number, label: string): Rng {
  return new Rng(seed, label);
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal = NaN;
  readonly seed: number;
  readonly label: string;

  constructor(seed: number, label = '') {
    if (!Number.isInteger(seed)) throw new Error(`Rng seed must be an integer, got ${seed}`);
    this.seed = seed;
    this.label = label;
    const st = { s: (seed ^ hashLabel(label)) | 0 };
    // Mix the high bits of large seeds too.
    st.s = (st.s + Math.floor(seed / 2 ** 32)) | 0;
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }

  /** An independent stream for a sub-task, named so results do not depend on call order. */
  child(label: string): Rng {
    return new Rng(this.seed, this.label ? `${this.label}/${label}` : label);
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Fill `out` with the next out.length 32-bit outputs (the same sequence as repeated `nextUint32`), in a tight loop. */
  fillUint32(out: Uint32Array | Int32Array): void {
    let a = this.a, b = this.b, c = this.c, d = this.d;
    for (let i = 0; i < out.length; i++) {
      const x = Math.imul(b, 5);
      out[i] = Math.imul((x << 7) | (x >>> 25), 9);
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
    }
    this.a = a; this.b = b; this.c = c; this.d = d;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = NaN;
      return z;
    }
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fill with iid N(mean, std²) draws. */
  fillNormal<T extends Float32Array | Float64Array>(out: T, mean = 0, std = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.normal();
    return out;
  }

  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /**
   * k distinct integers from [0, n) that are not in `exclude`, by rejection (cheap when k ≪ n,
   * which is the sparse-input regime every experiment here uses).
   */
  sampleDistinct(n: number, k: number, exclude: readonly number[] = []): number[] {
    if (k + exclude.length > n) throw new Error(`cannot draw ${k} distinct values from ${n} excluding ${exclude.length}`);
    const out: number[] = [];
    if (k > n / 4) {
      const pool: number[] = [];
      for (let i = 0; i < n; i++) if (!exclude.includes(i)) pool.push(i);
      for (let i = 0; i < k; i++) {
        const j = i + this.int(pool.length - i);
        [pool[i], pool[j]] = [pool[j], pool[i]];
        out.push(pool[i]);
      }
      return out;
    }
    while (out.length < k) {
      const v = this.int(n);
      if (!exclude.includes(v) && !out.includes(v)) out.push(v);
    }
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
