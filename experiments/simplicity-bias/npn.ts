/**
 * NPN classes of n-input boolean functions: two functions are equivalent when one becomes the other by permuting the
 * inputs, negating some inputs, and possibly negating the output. A network on centred (±1) inputs with a prior that
 * is symmetric under sign flips and permutations of its weights gives every member of a class the same prior.
 */

function permutations(k: number): number[][] {
  if (k === 0) return [[]];
  return permutations(k - 1).flatMap((p) => Array.from({ length: k }, (_, at) => [...p.slice(0, at), k - 1, ...p.slice(at)]));
}

/** The table of f after mapping input bits through perm (bit k of the new input is bit perm[k] of the old) and xor-ing the input with flip. */
function transform(table: number, n: number, perm: number[], flip: number): number {
  let out = 0;
  for (let i = 0; i < 1 << n; i++) {
    let j = 0;
    for (let k = 0; k < n; k++) if ((i >> k) & 1) j |= 1 << perm[k];
    if ((table >>> (j ^ flip)) & 1) out |= 1 << i;
  }
  return out >>> 0;
}

export interface NpnClass {
  /** The smallest table in the class. */
  representative: number;
  members: number[];
}

/** All NPN classes of n ≤ 4 inputs, ordered by representative. */
export function npnClasses(n: number): NpnClass[] {
  if (!Number.isInteger(n) || n < 1 || n > 4) throw new Error(`npnClasses: n must be an integer in 1..4, got ${n}`);
  const total = 2 ** (1 << n);
  const full = total - 1;
  const classOf = new Int32Array(total).fill(-1);
  const classes: NpnClass[] = [];
  const perms = permutations(n);
  for (let f = 0; f < total; f++) {
    if (classOf[f] >= 0) continue;
    const members = new Set<number>();
    for (const perm of perms)
      for (let flip = 0; flip < 1 << n; flip++) {
        const g = transform(f, n, perm, flip);
        members.add(g);
        members.add((g ^ full) >>> 0);
      }
    for (const g of members) classOf[g] = classes.length;
    classes.push({ representative: f, members: [...members].sort((a, b) => a - b) });
  }
  return classes;
}
