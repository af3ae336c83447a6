import { describe, expect, it } from 'vitest';
import { formulaSizes } from '../../experiments/simplicity-bias/formulaSize';

/**
 * Independent reference: value iteration over ALL pairs of functions, not size layers. Start from the literals
 * (size 1) and repeat size[g op h] = min(size[g op h], size[g] + size[h]) over every pair until nothing changes.
 */
function sizesByRelaxation(n: number): number[] {
  const L = 1 << n;
  const F = 2 ** L;
  const mask = F - 1;
  const size = new Array<number>(F).fill(Infinity);
  for (let k = 0; k < n; k++) {
    let lit = 0;
    for (let i = 0; i < L; i++) if ((i >> k) & 1) lit |= 1 << i;
    size[lit] = 1;
    size[~lit & mask] = 1;
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (let g = 0; g < F; g++) {
      if (size[g] === Infinity) continue;
      for (let h = 0; h < F; h++) {
        const s = size[g] + size[h];
        if (s < size[g & h]) {
          size[g & h] = s;
          changed = true;
        }
        if (s < size[g | h]) {
          size[g | h] = s;
          changed = true;
        }
      }
    }
  }
  return size;
}

describe('exact formula size', () => {
  for (const n of [2, 3]) {
    it(`agrees with value iteration over all pairs at n = ${n}`, () => {
      const dp = formulaSizes(n);
      const ref = sizesByRelaxation(n);
      expect(Array.from(dp.size)).toEqual(ref);
    });
  }

  it('has the known small cases', () => {
    const c2 = formulaSizes(2);
    // 4 literals; 2 constants + 8 two-literal ANDs/ORs; XOR and XNOR need 4.
    expect(c2.countBySize).toEqual([0, 4, 10, 0, 2]);
    const c3 = formulaSizes(3);
    expect(c3.countBySize.reduce((a, b) => a + b, 0)).toBe(256);
    // Parity of 3 inputs needs 10 leaves (Khrapchenko's bound gives at least 9).
    expect(c3.size[0b10010110]).toBe(10);
    expect(c3.maxSize).toBe(10);
  });

  it('covers all 65,536 functions of 4 inputs, parity-4 at 16 leaves', () => {
    const c4 = formulaSizes(4);
    expect(c4.countBySize.reduce((a, b) => a + b, 0)).toBe(65536);
    expect(c4.size[0x6996]).toBe(16);
    expect(c4.size[0]).toBe(2);
    expect(c4.size[0xffff]).toBe(2);
  }, 60000);
});
