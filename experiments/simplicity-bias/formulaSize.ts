import { fullMask, literal } from './truthTable';

/**
 * Exact minimal formula size of every boolean function of n ≤ 4 inputs: the fewest literal leaves
 * (x_k or ¬x_k) of a tree of binary AND/OR gates. The constants count as x0 ∧ ¬x0 and x0 ∨ ¬x0 (size 2).
 *
 * Dynamic programme over sizes: the functions of minimal size s are the new results of g ∧ h and g ∨ h with g of
 * size a and h of size s − a, because a minimal formula's two subtrees are themselves minimal for the functions
 * they compute. A byte per function marks what is found (bitset deduplication), so each function enters exactly
 * one size class. Two symmetries make it fast, both exact because they map formulas to formulas of the same size:
 *  - complement (De Morgan: swap AND/OR, negate leaves), so only ANDs are formed and ORs come as complements;
 *  - permuting and negating inputs (n!·2^n maps), so g runs over representatives (f and ¬f of each class found)
 *    while h runs over all.
 */
export interface FormulaCensus {
  n: number;
  /** size[f] for every table f in [0, 2^(2^n)). */
  size: Uint8Array;
  /** countBySize[s] = number of functions of minimal size s (index 0 unused). */
  countBySize: number[];
  maxSize: number;
}

/** Every map i ↦ φ(i) of inputs given by a permutation of the n bits followed by negating some of them. */
function inputSymmetries(n: number): Uint8Array[] {
  const perms: number[][] = [];
  const build = (prefix: number[]) => {
    if (prefix.length === n) perms.push(prefix);
    else for (let k = 0; k < n; k++) if (!prefix.includes(k)) build([...prefix, k]);
  };
  build([]);
  const maps: Uint8Array[] = [];
  for (const p of perms) {
    for (let neg = 0; neg < 1 << n; neg++) {
      const phi = new Uint8Array(1 << n);
      for (let i = 0; i < 1 << n; i++) {
        let j = 0;
        for (let k = 0; k < n; k++) if ((i >> k) & 1) j |= 1 << p[k];
        phi[i] = j ^ neg;
      }
      maps.push(phi);
    }
  }
  return maps;
}

export function formulaSizes(n: number): FormulaCensus {
  if (!Number.isInteger(n) || n < 1 || n > 4) throw new Error(`formulaSizes: n must be an integer in 1..4, got ${n}`);
  const functions = 2 ** (1 << n);
  const rows = 1 << n;
  const mask = fullMask(n);
  const size = new Uint8Array(functions);
  const symmetries = inputSymmetries(n);
  const all: number[][] = [[]];
  const reps: number[][] = [[]];
  let found = 0;
  /**
   * Mark f's whole class (input symmetries and complement) as size s. Representatives are per input-symmetry
   * class, so f and its complement are both recorded (the AND step needs every g up to input symmetry).
   */
  const discover = (f: number, s: number) => {
    reps[s].push(f, ~f & mask);
    for (const phi of symmetries) {
      let g = 0;
      for (let i = 0; i < rows; i++) if ((f >>> phi[i]) & 1) g |= 1 << i;
      for (const h of [g >>> 0, ~g & mask]) {
        if (!size[h]) {
          size[h] = s;
          all[s].push(h);
          found++;
        }
      }
    }
  };
  all.push([]);
  reps.push([]);
  discover(literal(n, 0), 1);
  for (let s = 2; found < functions; s++) {
    if (s > 255) throw new Error('formulaSizes: did not close (bug)');
    all.push([]);
    reps.push([]);
    for (let a = 1; a < s; a++) {
      const G = reps[a];
      const H = all[s - a];
      for (const g of G) {
        for (let y = 0; y < H.length; y++) {
          const r = g & H[y];
          if (!size[r]) discover(r, s);
        }
      }
    }
  }
  const maxSize = all.length - 1;
  const countBySize = all.map((l) => l.length);
  countBySize[0] = 0;
  return { n, size, countBySize, maxSize };
}
