import { describe, expect, it } from 'vitest';
import { averageSensitivity, cLZ, literal, lz76Words, reverseBits, tableEntropy, tableString } from '../../experiments/simplicity-bias/truthTable';

const bits = (s: string) => {
  let b = 0;
  for (let i = 0; i < s.length; i++) if (s[i] === '1') b |= 1 << i;
  return b >>> 0;
};

describe('Lempel-Ziv 1976 word count', () => {
  it('matches parses worked by hand', () => {
    // Lempel & Ziv's own example: 0 · 001 · 10 · 100 · 1000 · 101.
    expect(lz76Words(bits('0001101001000101'), 16)).toBe(6);
    // 0 · 1 · 01010101 (the last word copies itself from position 0).
    expect(lz76Words(bits('0101010101'), 10)).toBe(3);
    // 0 · 000: a constant string parses into two words, which is why C_LZ special-cases it.
    expect(lz76Words(bits('0000'), 4)).toBe(2);
    // 0 · 1 · 10.
    expect(lz76Words(bits('0110'), 4)).toBe(3);
    // 0 · 01 · 1 (ends at the string's end, no new symbol) → 3 words.
    expect(lz76Words(bits('0011'), 4)).toBe(3);
    expect(lz76Words(bits('1'), 1)).toBe(1);
  });

  it('works on full 32-bit strings', () => {
    expect(lz76Words(0xffffffff, 32)).toBe(2);
    expect(lz76Words(bits('01'.repeat(16)), 32)).toBe(3);
  });
});

describe('C_LZ', () => {
  it('gives constants log2 n and symmetrises the word count', () => {
    expect(cLZ(0, 5)).toBe(5);
    expect(cLZ(0xffffffff, 5)).toBe(5);
    // 0^16 1^16: forward 0·0^15 1·1^15 = 0 · 000…01 · 1…1 → 3 words; reversed 1^16 0^16 likewise 3 → 5·3.
    expect(cLZ(bits('0'.repeat(16) + '1'.repeat(16)), 5)).toBe(15);
    const f = bits('00010111011101110111011111110111');
    expect(cLZ(f, 5)).toBe(cLZ(reverseBits(f, 32), 5));
  });

  it('puts parity near the top (it is a Thue-Morse prefix)', () => {
    let parity = 0;
    for (let i = 0; i < 32; i++) if (tableString(i, 5).split('').filter((c) => c === '1').length % 2) parity |= 1 << i;
    expect(tableString(parity >>> 0, 5)).toBe('01101001100101101001011001101001');
    expect(cLZ(parity >>> 0, 5)).toBe(45);
  });
});

describe('entropy and sensitivity', () => {
  it('are right on constants, literals and parity', () => {
    expect(tableEntropy(0, 5)).toBe(0);
    expect(tableEntropy(literal(5, 2), 5)).toBe(1);
    expect(tableEntropy(bits('1000'), 2)).toBeCloseTo(-(0.25 * Math.log2(0.25) + 0.75 * Math.log2(0.75)), 12);
    expect(averageSensitivity(0, 4)).toBe(0);
    expect(averageSensitivity(literal(4, 3), 4)).toBe(1);
    expect(averageSensitivity(literal(3, 0) ^ literal(3, 1) ^ literal(3, 2), 3)).toBe(3);
    // AND of two inputs: flips change f on (1,1) twice, on (0,1) and (1,0) once each: 4/4 = 1.
    expect(averageSensitivity(literal(2, 0) & literal(2, 1), 2)).toBe(1);
  });
});
