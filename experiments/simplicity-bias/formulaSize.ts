import { fullMask, literal } from './truthTable';

/**
 * Exact minimal formula size of every boolean function of n ≤ 4 inputs: the fewest literal leaves
 * (x_k or ¬x_k) of a tree of binary AND/OR gates. The constants count as x0 ∧ ¬x0 and x0 ∨ ¬x0 (size 2).
 *
 * Dynamic programme over sizes: the functions of minimal size s are the new results of g ∧ h and g ∨ h
 * with g of size a and h of size s − a, because a minimal formula's two subtrees are themselves minimal
 * for the functions they compute (else a smaller one would do). A byte per function marks what is found,
 * so each function enters exactly one size class.
 */
export interface FormulaCensus {
  n: number;
  /** size[f] for every table f in [0, 2^(2^n)). */
  size: Uint8Array;
  /** countBySize[s] = number of functions of minimal size s (index 0 unused). */
  countBySize: number[];
  maxSize: number;
}

export function formulaSizes(n: number): FormulaCensus {
  if (!Number.isInteger(n) || n < 1 || n > 4) throw new Error(`formulaSizes: n must be an integer in 1..4, got ${n}`);
  const functions = 2 ** (1 << n);
  const mask = fullMask(n);
  const size = new Uint8Array(functions);
  const bySize: Uint32Array[] = [new Uint32Array(0)];
  let found = 0;
  const level1: number[] = [];
  for (let k = 0; k < n; k++) {
    for (const t of [literal(n, k), ~literal(n, k) & mask]) {
      if (!size[t]) {
        size[t] = 1;
        level1.push(t >>> 0);
        found++;
      }
    }
  }
  bySize.push(Uint32Array.from(level1));
  for (let s = 2; found < functions; s++) {
    if (s > 255) throw new Error('formulaSizes: did not close (bug)');
    const fresh: number[] = [];
    for (let a = 1; a <= s - a; a++) {
      const G = bySize[a];
      const H = bySize[s - a];
      for (let x = 0; x < G.length; x++) {
        const g = G[x];
        for (let y = 0; y < H.length; y++) {
          const h = H[y];
          const and = g & h;
          const or = g | h;
          if (!size[and]) {
            size[and] = s;
            fresh.push(and);
          }
          if (!size[or]) {
            size[or] = s;
            fresh.push(or);
          }
        }
      }
    }
    found += fresh.length;
    bySize.push(Uint32Array.from(fresh));
  }
  const maxSize = bySize.length - 1;
  const countBySize = bySize.map((l) => l.length);
  countBySize[0] = 0;
  return { n, size, countBySize, maxSize };
}
