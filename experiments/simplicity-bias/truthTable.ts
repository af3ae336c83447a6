/**
 * Boolean functions of n ≤ 5 inputs as truth tables packed in a uint32: input i has bits x_k = (i >> k) & 1,
 * and bit i of the table is f(input i). Read as a string, the table is f(0) f(1) … f(2^n − 1).
 */

export function tableSize(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 5) throw new Error(`n must be an integer in 1..5, got ${n}`);
  return 1 << n;
}

/** All-ones table of 2^n bits. */
export function fullMask(n: number): number {
  return n === 5 ? 0xffffffff : ((1 << (1 << n)) - 1) >>> 0;
}

/** Table of the literal x_k. */
export function literal(n: number, k: number): number {
  let t = 0;
  for (let i = 0; i < 1 << n; i++) if ((i >> k) & 1) t |= 1 << i;
  return t >>> 0;
}

export function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** The table as a string of 2^n characters '0'/'1', input 0 first. */
export function tableString(table: number, n: number): string {
  let s = '';
  for (let i = 0; i < 1 << n; i++) s += (table >>> i) & 1 ? '1' : '0';
  return s;
}

/** Binary entropy (bits) of the fraction of inputs mapped to 1. */
export function tableEntropy(table: number, n: number): number {
  const p = popcount(table) / (1 << n);
  if (p === 0 || p === 1) return 0;
  return -p * Math.log2(p) - (1 - p) * Math.log2(1 - p);
}

/** Average sensitivity: the mean over inputs of the number of single-bit flips that change f. */
export function averageSensitivity(table: number, n: number): number {
  let flips = 0;
  for (let k = 0; k < n; k++) {
    // f(i) ≠ f(i ^ 2^k) for every i: compare the table with itself under the input permutation i ↦ i ^ 2^k.
    const lit = literal(n, k);
    const shift = 1 << k;
    const swapped = (((table & lit) >>> shift) | ((table & ~lit & fullMask(n)) << shift)) >>> 0;
    flips += popcount((table ^ swapped) >>> 0);
  }
  return flips / (1 << n);
}

/**
 * Words in the Lempel-Ziv (1976) parse of a bit string held in the low `len` bits of `bits` (bit 0 first):
 * each word is the longest prefix of the rest that already occurs starting at an earlier position
 * (the copy may run into the word itself), plus one new symbol; a last word may end inside a copy.
 */
export function lz76Words(bits: number, len: number): number {
  let words = 0;
  let p = 0;
  while (p < len) {
    let longest = 0;
    const remaining = len - p;
    const mask = remaining === 32 ? 0xffffffff : (1 << remaining) - 1;
    const ahead = (bits >>> p) & mask;
    for (let q = 0; q < p; q++) {
      const diff = ((bits >>> q) ^ ahead) & mask;
      const match = diff === 0 ? remaining : 31 - Math.clz32(diff & -diff);
      if (match > longest) longest = match;
      if (longest === remaining) break;
    }
    words++;
    p += longest + 1;
  }
  return words;
}

/** Reverse the low `len` bits. */
export function reverseBits(bits: number, len: number): number {
  let r = 0;
  for (let i = 0; i < len; i++) if ((bits >>> i) & 1) r |= 1 << (len - 1 - i);
  return r >>> 0;
}

/**
 * C_LZ of Dingle, Camargo & Louis (2018): log2(L)·(N_w(x) + N_w(reversed x))/2 for a string of length L = 2^n,
 * and log2(L) for the two constant strings (which the parse would otherwise give 2 words).
 */
export function cLZ(table: number, n: number): number {
  const len = 1 << n;
  const log2L = n;
  const t = table >>> 0;
  if (t === 0 || t === fullMask(n)) return log2L;
  return (log2L * (lz76Words(t, len) + lz76Words(reverseBits(t, len), len))) / 2;
}
