/**
 * The target functions of the LLC experiment at n = 5, by name: chosen to span the prior from the constants down
 * to functions a random network almost never produces. Tables use the page's convention (bit i = f(input i),
 * x_k = (i >> k) & 1). The three "random" tables were drawn once with the given number of ones and are fixed here.
 */

const bit = (i: number, k: number) => (i >> k) & 1;
const parity = (i: number, k: number) => {
  let p = 0;
  for (let j = 0; j < k; j++) p ^= bit(i, j);
  return p;
};
const ones = (i: number, k: number) => {
  let s = 0;
  for (let j = 0; j < k; j++) s += bit(i, j);
  return s;
};

const RULES: Record<string, (i: number) => number> = {
  'all 0': () => 0,
  'all 1': () => 1,
  'x0': (i) => bit(i, 0),
  'not x4': (i) => 1 - bit(i, 4),
  'x0 and x1': (i) => bit(i, 0) & bit(i, 1),
  'x0 or x1': (i) => bit(i, 0) | bit(i, 1),
  'x0 and not x1': (i) => bit(i, 0) & (1 - bit(i, 1)),
  'and of 3': (i) => (ones(i, 3) === 3 ? 1 : 0),
  'or of 3': (i) => (ones(i, 3) > 0 ? 1 : 0),
  'and of 5': (i) => (ones(i, 5) === 5 ? 1 : 0),
  'or of 5': (i) => (ones(i, 5) > 0 ? 1 : 0),
  'majority of 3': (i) => (ones(i, 3) >= 2 ? 1 : 0),
  'majority of 5': (i) => (ones(i, 5) >= 3 ? 1 : 0),
  '(x0 and x1) or (x2 and x3)': (i) => (bit(i, 0) & bit(i, 1)) | (bit(i, 2) & bit(i, 3)),
  'x0 xor x1': (i) => parity(i, 2),
  'x0 xor x4': (i) => bit(i, 0) ^ bit(i, 4),
  'parity of 3': (i) => parity(i, 3),
  'parity of 5': (i) => parity(i, 5),
};

/** Fixed random tables (hex, bit i = f(input i)) with 2, 8 and 16 ones. */
export const RANDOM_TABLES: Record<string, number> = {
  'random, 2 ones': 0x00840000,
  'random, 8 ones': 0x1a0c4180,
  'random, 16 ones': 0x6b5a3c86,
};

export const LLC_TARGET_NAMES = [...Object.keys(RULES), ...Object.keys(RANDOM_TABLES)] as const;

/** The truth table of a named target at n = 5 (throws on an unknown name, listing the known ones). */
export function targetTable(name: string): number {
  if (name in RANDOM_TABLES) return RANDOM_TABLES[name] >>> 0;
  const rule = RULES[name];
  if (!rule) throw new Error(`unknown target "${name}"; known: ${LLC_TARGET_NAMES.join(', ')}`);
  let t = 0;
  for (let i = 0; i < 32; i++) if (rule(i)) t |= 1 << i;
  return t >>> 0;
}
