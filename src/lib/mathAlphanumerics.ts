/**
 * MathML `mathvariant` as Unicode characters. KaTeX writes \mathcal{N} as <mi mathvariant="script">N</mi>, but
 * MathML Core (what Chromium implements) drops mathvariant other than "normal", so Chromium would draw a plain N.
 * Unicode's Mathematical Alphanumeric Symbols (U+1D400–1D7FF) hold these letters, except the few that Letterlike
 * Symbols had first (ℝ, ℬ, ℎ, ...): those holes are listed below. Every browser draws the characters alike.
 */

/** First code point of each variant's capital A, small a, digit 0 and capital Alpha, where the variant has them. */
const BLOCKS: Record<string, { A?: number; a?: number; zero?: number; Alpha?: number }> = {
  bold: { A: 0x1d400, a: 0x1d41a, zero: 0x1d7ce, Alpha: 0x1d6a8 },
  italic: { A: 0x1d434, a: 0x1d44e, Alpha: 0x1d6e2 },
  'bold-italic': { A: 0x1d468, a: 0x1d482, Alpha: 0x1d71c },
  script: { A: 0x1d49c, a: 0x1d4b6 },
  'bold-script': { A: 0x1d4d0, a: 0x1d4ea },
  fraktur: { A: 0x1d504, a: 0x1d51e },
  'double-struck': { A: 0x1d538, a: 0x1d552, zero: 0x1d7d8 },
  'bold-fraktur': { A: 0x1d56c, a: 0x1d586 },
  'sans-serif': { A: 0x1d5a0, a: 0x1d5ba, zero: 0x1d7e2 },
  'bold-sans-serif': { A: 0x1d5d4, a: 0x1d5ee, zero: 0x1d7ec, Alpha: 0x1d756 },
  'sans-serif-italic': { A: 0x1d608, a: 0x1d622 },
  'sans-serif-bold-italic': { A: 0x1d63c, a: 0x1d656, Alpha: 0x1d790 },
  monospace: { A: 0x1d670, a: 0x1d68a, zero: 0x1d7f6 },
};

/** The letters Unicode placed in Letterlike Symbols: their slots in the block above are unassigned. */
const HOLES: Record<string, Record<string, string>> = {
  italic: { h: 'ℎ' },
  script: { B: 'ℬ', E: 'ℰ', F: 'ℱ', H: 'ℋ', I: 'ℐ', L: 'ℒ', M: 'ℳ', R: 'ℛ', e: 'ℯ', g: 'ℊ', o: 'ℴ' },
  fraktur: { C: 'ℭ', H: 'ℌ', I: 'ℑ', R: 'ℜ', Z: 'ℨ' },
  'double-struck': { C: 'ℂ', H: 'ℍ', N: 'ℕ', P: 'ℙ', Q: 'ℚ', R: 'ℝ', Z: 'ℤ' },
};

/**
 * The Greek of a bold or italic block, in Unicode's order: 25 capitals (ϴ where U+03A2 would be), ∇, 25 small
 * letters (with ς), then ∂ ϵ ϑ ϰ ϕ ϱ ϖ.
 */
const GREEK = 'ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡϴΣΤΥΦΧΨΩ∇αβγδεζηθικλμνξοπρςστυφχψω∂ϵϑϰϕϱϖ';

function variantChar(variant: string, ch: string): string | null {
  const block = BLOCKS[variant];
  if (!block) return null;
  const hole = HOLES[variant]?.[ch];
  if (hole) return hole;
  const c = ch.codePointAt(0)!;
  if (block.A !== undefined && c >= 0x41 && c <= 0x5a) return String.fromCodePoint(block.A + c - 0x41);
  if (block.a !== undefined && c >= 0x61 && c <= 0x7a) return String.fromCodePoint(block.a + c - 0x61);
  if (block.zero !== undefined && c >= 0x30 && c <= 0x39) return String.fromCodePoint(block.zero + c - 0x30);
  const g = GREEK.indexOf(ch);
  if (block.Alpha !== undefined && g >= 0) return String.fromCodePoint(block.Alpha + g);
  return null;
}

/** `text` in `variant`'s characters; null when the variant is not one of these or a character has no such form. */
export function mathVariantText(variant: string, text: string): string | null {
  let out = '';
  for (const ch of text) {
    const v = variantChar(variant, ch);
    if (v === null) return null;
    out += v;
  }
  return out;
}
