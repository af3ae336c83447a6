/**
 * Math as MathML that the browser typesets. KaTeX writes only MathML (`output: 'mathml'`), not its HTML rendering
 * beside it: the HTML copy was close to half a page (on the quick /superposition/, 13,700 of its 30,200 elements and 590
 * of its 1,570 kB), and screen readers read the MathML anyway. The stylesheet sets it in Latin Modern Math
 * (src/styles/fonts/). What KaTeX's MathML leaves to the browser and MathML Core (Chromium) does not do, or does
 * otherwise than TeX, is done here: `mathvariant` letters become Unicode characters (src/lib/mathAlphanumerics.ts),
 * operators are spaced as TeX spaces them (spaceOperator), and display math gets KaTeX's `katex-display` wrapper,
 * which the stylesheet and rehypeFocusableDisplayMath use.
 */
import rehypeKatex from 'rehype-katex';
import rehypeStringify from 'rehype-stringify';
import { unified } from 'unified';
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
const SCRIPTED = new Set(['msub', 'msup', 'msubsup', 'munder', 'mover', 'munderover', 'mmultiscripts', 'mroot']);
/** Large operators keep TeX's thin space in scripts too. */
const LARGE_OPERATORS = /^[∑∏∐∫∬∭∮⋀⋁⋂⋃⨀⨁⨂]$/u;

const prop = (n: HNode, name: string): string | undefined => {
  const key = Object.keys(n.properties ?? {}).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : String(n.properties![key]);
};
const textOf = (n: HNode): string | undefined => (n.children?.length === 1 && n.children[0].type === 'text' ? n.children[0].value : undefined);

/** A token's mathvariant letters as characters; the attribute goes when they all have one. */
function unicodeVariant(n: HNode): void {
  const variant = prop(n, 'mathvariant');
  const text = textOf(n);
  if (variant === undefined || text === undefined) return;
  const mapped = mathVariantText(variant, text);
  if (mapped === null) return;
  n.children![0].value = mapped;
  for (const k of Object.keys(n.properties!)) if (k.toLowerCase() === 'mathvariant') delete n.properties![k];
}

/** Where an element sits, as TeX's styles see it: display style, and script style (a script, or a fraction inline). */
interface Style {
  display: boolean;
  script: boolean;
}

/** Binary operators, and the closing brackets after which one stays binary. */
const BINARY = /^[+−±∓×÷·⋅∗∘∧∨∩∪⊕⊗]$/u;
const CLOSING = /^[)\]}⟩⌉⌋|‖]$/u;

/**
 * Operator spacing as TeX sets it, where the browser's operator dictionary differs:
 * - no space around binary operators, relations and punctuation in scripts (K(w)<ε under an integral), where
 *   browsers space them as at full size;
 * - a binary operator after an opening bracket, a relation or another operator is a sign, unspaced ((−log ε), = −1),
 *   where browsers space every operator that is not first in its row;
 * - a thin space between a function name and its argument (log ε) unless a bracket follows: the invisible function
 *   application operator KaTeX writes between them has none.
 */
function spaceOperator(n: HNode, style: Style, prev: HNode | undefined, next: HNode | undefined): void {
  const text = textOf(n);
  const explicit = prop(n, 'lspace') !== undefined || prop(n, 'rspace') !== undefined;
  if (text === undefined || explicit) return;
  const prevText = prev?.tagName === 'mo' ? textOf(prev) : undefined;
  if (text === '\u2061') {
    if (next && next.tagName !== 'mo') n.properties = { ...n.properties, rspace: '0.1667em' };
  } else if (style.script && !LARGE_OPERATORS.test(text)) {
    n.properties = { ...n.properties, lspace: '0', rspace: '0' };
  } else if (BINARY.test(text) && prevText !== undefined && !CLOSING.test(prevText)) {
    n.properties = { ...n.properties, lspace: '0', rspace: '0' };
  }
}

/** The style of an element's children. */
function childStyle(n: HNode, style: Style, index: number): Style {
  switch (n.tagName) {
    case 'math':
      return { display: prop(n, 'display') === 'block', script: false };
    case 'mstyle': {
      const display = prop(n, 'displaystyle');
      const level = prop(n, 'scriptlevel');
      return {
        display: display === undefined ? style.display : display === 'true',
        script: level === undefined ? style.script : /^\+/.test(level) ? true : /^\d+$/.test(level) ? Number(level) > 0 : style.script,
      };
    }
    case 'mfrac':
      return style.display ? { display: false, script: style.script } : { display: false, script: true };
    default:
      return SCRIPTED.has(n.tagName!) && index > 0 ? { display: false, script: true } : style;
  }
}

const isDisplayMath = (n: HNode) =>
  n.type === 'element' && n.tagName === 'span' && Array.isArray(n.properties?.className) && n.properties.className.includes('katex') &&
  n.children?.[0]?.tagName === 'math' && n.children[0].properties?.display === 'block';

/** After rehype-katex: see the module's comment. */
export function rehypeMathml() {
  const visit = (n: HNode, style: Style, prev?: HNode, next?: HNode): void => {
    if (n.type === 'element' && TOKENS.has(n.tagName!)) unicodeVariant(n);
    if (n.type === 'element' && n.tagName === 'mo') spaceOperator(n, style, prev, next);
    // Neighbours among the element children (the text between MathML elements is whitespace), counted as we go: a
    // page's root has many children. Other nodes are visited too (MDX's JSX elements, such as <Claim>, hold math).
    const elements = n.children?.filter((c) => c.type === 'element') ?? [];
    let at = -1;
    n.children?.forEach((c, i) => {
      if (c.type === 'element') at++;
      const here = c.type === 'element' ? at : -1;
      visit(c, n.type === 'element' ? childStyle(n, style, here) : style, here > 0 ? elements[here - 1] : undefined, here >= 0 ? elements[here + 1] : undefined);
      if (isDisplayMath(c)) n.children![i] = { type: 'element', tagName: 'span', properties: { className: ['katex-display'] }, children: [c] };
    });
  };
  return (tree: HNode) => visit(tree, { display: false, script: false });
}

/** The pipeline the pages' math goes through, for math outside a page's Markdown. */
const inlineProcessor = unified().use(rehypeKatex, KATEX_OPTIONS).use(rehypeMathml).use(rehypeStringify);

/** Inline math outside a page's Markdown (a claim's sentence elsewhere), as the pages have it. */
export function inlineMath(tex: string): string {
  const code = { type: 'element', tagName: 'code', properties: { className: ['language-math', 'math-inline'] }, children: [{ type: 'text', value: tex }] };
  return inlineProcessor.stringify(inlineProcessor.runSync({ type: 'root', children: [code] } as never) as never);
}
