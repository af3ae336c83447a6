/**
 * Math as MathML that the browser typesets. KaTeX writes only MathML (`output: 'mathml'`), not its HTML rendering
 * beside it: the HTML copy was most of a page (on the quick /superposition/, 15,600 of its 30,000 elements and 600
 * of its 1,570 kB), and screen readers read the MathML anyway. The stylesheet sets it in Latin Modern Math
 * (src/styles/fonts/). Two things KaTeX's MathML leaves to the browser that MathML Core (Chromium) does not do are
 * done here: `mathvariant` letters become Unicode characters (src/lib/mathAlphanumerics.ts), and display math gets
 * KaTeX's `katex-display` wrapper, which the stylesheet and rehypeFocusableDisplayMath use.
 */
import katex from 'katex';
import { mathVariantText } from '../lib/mathAlphanumerics';

/** rehype-katex's options, and the claim sentences' (Sentence.astro). */
export const KATEX_OPTIONS = { output: 'mathml', throwOnError: false } as const;

interface HNode {
  type: string;
  tagName?: string;
  properties?: Record<string, unknown>;
  children?: HNode[];
  value?: string;
}

const TOKENS = new Set(['mi', 'mn', 'mo', 'mtext']);

/** A token's mathvariant letters as characters; the attribute goes when they all have one. */
function unicodeVariant(n: HNode): void {
  const key = Object.keys(n.properties ?? {}).find((k) => k.toLowerCase() === 'mathvariant');
  const text = n.children?.length === 1 && n.children[0].type === 'text' ? n.children[0] : undefined;
  if (!key || !text) return;
  const mapped = mathVariantText(String(n.properties![key]), text.value ?? '');
  if (mapped === null) return;
  text.value = mapped;
  delete n.properties![key];
}

const isDisplayMath = (n: HNode) =>
  n.type === 'element' && n.tagName === 'span' && Array.isArray(n.properties?.className) && n.properties.className.includes('katex') &&
  n.children?.[0]?.tagName === 'math' && n.children[0].properties?.display === 'block';

/** After rehype-katex: see the module's comment. */
export function rehypeMathml() {
  const visit = (n: HNode): void => {
    if (n.type === 'element' && TOKENS.has(n.tagName!)) unicodeVariant(n);
    n.children?.forEach((c, i) => {
      visit(c);
      if (isDisplayMath(c)) n.children![i] = { type: 'element', tagName: 'span', properties: { className: ['katex-display'] }, children: [c] };
    });
  };
  return visit;
}

/** Inline math outside a page's Markdown (a claim's sentence elsewhere), as the pages have it. */
export function inlineMath(tex: string): string {
  return katex
    .renderToString(tex, KATEX_OPTIONS)
    .replace(/<(mi|mn|mo|mtext) mathvariant="([\w-]+)">([^<]*)<\/\1>/g, (whole, tag: string, variant: string, text: string) => {
      const mapped = mathVariantText(variant, text);
      return mapped === null ? whole : `<${tag}>${mapped}</${tag}>`;
    });
}
