import { readFileSync } from 'node:fs';
import { unified } from 'unified';
import rehypeStringify from 'rehype-stringify';
import rehypeKatex from 'rehype-katex';
import { describe, expect, it } from 'vitest';
import { mathVariantText } from '../../src/lib/mathAlphanumerics';
import { KATEX_OPTIONS, inlineMath, rehypeMathml } from '../../src/remark/mathml';

/** Every letter, digit and Greek letter of every variant, looked up by its Unicode name with Python (the fixture says how). */
const reference = JSON.parse(readFileSync(new URL('./mathAlphanumerics.json', import.meta.url), 'utf8')) as { variants: Record<string, Record<string, string>> };
const CANDIDATES = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩαβγδεζηθικλμνξοπρςστυφχψω∇∂ϵϑϰϕϱϖϴ'];

describe('mathvariant letters as Unicode characters', () => {
  it('equal the characters Unicode names for every variant, and none where Unicode has none', () => {
    expect(Object.keys(reference.variants).length).toBe(13);
    for (const [variant, table] of Object.entries(reference.variants)) {
      const ours = Object.fromEntries(CANDIDATES.map((c) => [c, mathVariantText(variant, c)]).filter(([, v]) => v !== null));
      expect(ours, variant).toEqual(table);
    }
  });

  it('map a whole token or nothing, and leave "normal" and unknown variants alone', () => {
    expect(mathVariantText('double-struck', 'RN')).toBe('ℝℕ');
    expect(mathVariantText('script', 'Nα')).toBeNull();
    expect(mathVariantText('normal', 'x')).toBeNull();
    expect(mathVariantText('tailed', 'x')).toBeNull();
  });
});

describe('KaTeX MathML as the pages get it', () => {
  // The hast remark-math hands on: inline math in <code class="language-math math-inline">, display math in <pre><code>.
  const code = (tex: string, kind: 'inline' | 'display') => ({ type: 'element', tagName: 'code', properties: { className: ['language-math', `math-${kind}`] }, children: [{ type: 'text', value: tex }] });
  const page = (inline: string, display: string) => {
    const processor = unified().use(rehypeKatex, KATEX_OPTIONS).use(rehypeMathml).use(rehypeStringify);
    const tree = { type: 'root', children: [{ type: 'element', tagName: 'p', properties: {}, children: [code(inline, 'inline')] }, { type: 'element', tagName: 'pre', properties: {}, children: [code(display, 'display')] }] };
    return processor.stringify(processor.runSync(tree as never) as never);
  };

  it('writes only MathML, with \\mathcal and \\mathbb letters as characters and display math in katex-display', () => {
    const html = page('\\mathcal{N}(0,1), x \\in \\mathbb{R}^d, \\mathrm{d}x', 'a = b');
    expect(html).not.toContain('katex-html');
    expect(html).toContain('<mi>𝒩</mi>');
    expect(html).toContain('<mi>ℝ</mi>');
    expect(html).toContain('<mi mathvariant="normal">d</mi>');
    expect(html).not.toMatch(/mathvariant="(script|double-struck)"/);
    expect(html).toMatch(/<span class="katex-display"><span class="katex"><math[^>]*display="block"/);
    expect(html.match(/katex-display/g)).toHaveLength(1);
  });

  it('spaces operators as TeX does: none around relations and commas in scripts, a thin space after a function name', () => {
    const html = page('\\int_{K(w)<\\varepsilon} r_{i,j}\\, dw, \\quad -\\log \\varepsilon, \\log(x), \\tfrac{a+b}{2}, a < b', '\\frac{a+b}{2} < \\sum_{i<j} x^{-1}');
    const mo = (text: string) => [...html.matchAll(new RegExp(`<mo( [^>]*)?>${text}</mo>`, 'g'))].map((m) => (m[1] ?? '').trim());
    // Inline: < in the integral's limit (not spaced), then a < b (spaced); display: the top-level < (spaced), i<j under the sum (not).
    expect(mo('&#x3C;')).toEqual(['lspace="0" rspace="0"', '', '', 'lspace="0" rspace="0"']);
    // The comma in r_{i,j}; the commas between the inline parts keep their space.
    expect(mo(',').slice(0, 2)).toEqual(['separator="true" lspace="0" rspace="0"', 'separator="true"']);
    // + in the inline \\tfrac (script style), then in the display \\frac (text style).
    expect(mo('\\+')).toEqual(['lspace="0" rspace="0"', '']);
    // The function application operator (U+2061): thin space before ε, none before a bracket.
    expect(mo('\u2061')).toEqual(['rspace="0.1667em"', '']);
    // Display: a fraction's parts are in text style (spaced), a sum's limit in script style (not), the minus in x^{-1} too.
    expect(mo('−')).toEqual(['', 'lspace="0" rspace="0"']);
    // A sign: after an opening bracket or a relation; a binary minus after a closing bracket or a letter.
    const signs = page('(-\\log x) = -1, (a) - b - c', 'x');
    expect([...signs.matchAll(/<mo( [^>]*)?>−<\/mo>/g)].map((m) => (m[1] ?? '').trim())).toEqual(['lspace="0" rspace="0"', 'lspace="0" rspace="0"', '', '']);
  });

  it('gives a claim sentence elsewhere (Sentence.astro) the same inline math', () => {
    expect(inlineMath('\\mathcal{L} + \\mathbb{E}[x]')).toContain('<mi>ℒ</mi>');
    expect(inlineMath('\\mathcal{L} + \\mathbb{E}[x]')).toContain('<mi>𝔼</mi>');
    expect(inlineMath('\\mathcal{L}')).not.toContain('katex-html');
  });
});
