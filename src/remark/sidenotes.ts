/**
 * Footnotes as sidenotes: after each GFM footnote reference, a copy of the note's text in a
 * `<span class="sidenote">`, which the stylesheet floats into the right margin on wide screens and shows inline
 * (small, bracketed) on narrow ones. The footnote list at the end stays for narrow screens, print and readers
 * without CSS. Works without JavaScript.
 */
interface HNode {
  type: string;
  tagName?: string;
  properties?: Record<string, any>;
  children?: HNode[];
  value?: string;
}

const isElement = (n: HNode, tag?: string): boolean => n.type === 'element' && (!tag || n.tagName === tag);

function walk(node: HNode, visit: (n: HNode, parent?: HNode, index?: number) => void, parent?: HNode, index?: number) {
  visit(node, parent, index);
  node.children?.forEach((c, i) => walk(c, visit, node, i));
}

/** Block content of a footnote made inline: paragraphs become spans, back-references go. */
function inlineCopy(nodes: HNode[]): HNode[] {
  const out: HNode[] = [];
  for (const n of nodes) {
    if (isElement(n, 'a') && n.properties && ('dataFootnoteBackref' in n.properties)) continue;
    if (n.type === 'text' && !n.value?.trim() && (out.length === 0 || n.value?.includes('\n'))) continue;
    if (isElement(n)) {
      const tagName = ['p', 'div', 'ul', 'ol', 'li', 'blockquote'].includes(n.tagName!) ? 'span' : n.tagName;
      const props = { ...n.properties };
      delete props.id;
      out.push({ ...n, tagName, properties: props, children: inlineCopy(n.children ?? []) });
    } else out.push(n);
  }
  return out;
}

export function rehypeSidenotes() {
  return (tree: HNode) => {
    const notes = new Map<string, HNode[]>();
    walk(tree, (n) => {
      if (isElement(n, 'li') && typeof n.properties?.id === 'string' && n.properties.id.includes('fn-')) notes.set(n.properties.id, n.children ?? []);
    });
    if (notes.size === 0) return;
    const inserts: { parent: HNode; index: number; node: HNode }[] = [];
    walk(tree, (n, parent, index) => {
      if (!isElement(n, 'sup') || !parent || index === undefined) return;
      const a = n.children?.find((c) => isElement(c, 'a') && c.properties && 'dataFootnoteRef' in c.properties);
      const href = a?.properties?.href;
      if (typeof href !== 'string') return;
      const content = notes.get(decodeURIComponent(href.slice(1)));
      if (!content) return;
      const number = a!.children?.map((c) => c.value ?? '').join('') ?? '';
      inserts.push({ parent, index, node: { type: 'element', tagName: 'span', properties: { className: ['sidenote'], dataNumber: number }, children: inlineCopy(content) } });
    });
    // Insert from the end so earlier indexes stay valid.
    for (const { parent, index, node } of inserts.reverse()) parent.children!.splice(index + 1, 0, node);
  };
}

/** Display math that may scroll sideways on a narrow screen must be reachable by keyboard. */
export function rehypeFocusableDisplayMath() {
  return (tree: HNode) => {
    walk(tree, (n) => {
      const cls = n.properties?.className;
      if (isElement(n) && Array.isArray(cls) && cls.includes('katex-display')) n.properties!.tabIndex = 0;
    });
  };
}
