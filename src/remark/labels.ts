/**
 * Numbers and labels in an MDX writeup, resolved at build time:
 * - sections (h2 → "3", h3 → "3.2") get a stable id and a `data-number`; label `sec:<id>`;
 * - `<Figure id="fig:…">` and `<Table id="tab:…">` are numbered in document order (attribute `number`);
 * - display equations containing `\label{eq:…}` are numbered, `(n)` beside them, and get that id;
 * - `<Ref to="fig:…" />` becomes a link reading "Figure 4" (a dangling label fails the build);
 * - every `<Claim>` gets an id (`claim-<n>`) so the claims ledger can link to its sentence, and each `<Figure>`
 *   receives the claims on its page that read the same experiment (attribute `claims`, JSON);
 * - `<References />` receives the keys cited on the page (attribute `cited`, JSON).
 * `scanWriteup` is the read-only half, shared with the claims ledger so both agree on ids and sections.
 * In a writeup of several parts (src/lib/writeupParts.ts) the numbers continue from the parts before, and a
 * `<Ref>` to a label on another part links to that part's page (src/remark/parts.ts gathers both).
 */
import GithubSlugger from 'github-slugger';
import { toString } from 'mdast-util-to-string';

export interface MdNode {
  type: string;
  name?: string | null;
  value?: string;
  depth?: number;
  url?: string;
  attributes?: MdAttribute[];
  children?: MdNode[];
  data?: Record<string, any>;
  position?: { start: { line: number } };
}
interface MdAttribute {
  type: string;
  name: string;
  value: unknown;
}

export interface ClaimRecord {
  id: string;
  experiment: string;
  holds: string;
  /** Profiles in which the claim's truth is checked (from `profiles={[…]}`), or undefined for all. */
  profiles?: string[];
  /** The sentence, as plain text (numbers from `<Value>` shown as "…"). */
  sentence: string;
  /** The sentence as text runs and the `<Value>`s inside it, so a ledger can print the numbers. */
  parts: SentencePart[];
  section?: { id: string; number: string; title: string };
  line?: number;
}

export type SentencePart = { text: string } | { math: string } | { experiment: string; path: string; format?: string; scale?: number };

/** Text runs, inline math and `<Value>` elements of a node, in order; a `<Ref>` reads as its label. */
function sentenceParts(node: MdNode, labels: Map<string, Label>): SentencePart[] {
  const parts: SentencePart[] = [];
  const push = (text: string) => {
    const last = parts[parts.length - 1];
    if (last && 'text' in last) last.text += text;
    else parts.push({ text });
  };
  const visit = (n: MdNode) => {
    if (isJsx(n, 'Value')) {
      const scale = attr(n, 'scale');
      parts.push({ experiment: attr(n, 'experiment') ?? '', path: attr(n, 'path') ?? '', format: attr(n, 'format'), ...(scale !== undefined ? { scale: Number(scale) } : {}) });
      return;
    }
    if (isJsx(n, 'Ref')) {
      const label = labels.get(attr(n, 'to') ?? '');
      return push(label ? refText(label) : (attr(n, 'to') ?? ''));
    }
    if (n.type === 'inlineMath' && typeof n.value === 'string') return void parts.push({ math: n.value });
    if (typeof n.value === 'string' && (n.type === 'text' || n.type === 'inlineCode')) return push(n.value);
    n.children?.forEach(visit);
  };
  visit(node);
  for (const p of parts) if ('text' in p) p.text = p.text.replace(/\s+/g, ' ');
  return parts;
}

export interface Label {
  kind: 'Section' | 'Figure' | 'Table' | 'Equation';
  number: string;
  id: string;
  /** The part (content file id) that holds the label, when it is on another page of the same writeup. */
  page?: string;
}

/** How many sections (h2), figures, tables and numbered equations come before a part, in its writeup's earlier parts. */
export interface NumberingStart {
  h2: number;
  figure: number;
  table: number;
  equation: number;
}
export const NO_EARLIER_PARTS: NumberingStart = { h2: 0, figure: 0, table: 0, equation: 0 };

export interface ScanOptions {
  /** Assign ids and numbers in the tree (the remark plugin) rather than only read them (the claims ledger). */
  mutate?: boolean;
  /** Numbering continues from here (the counts of the writeup's earlier parts). */
  start?: NumberingStart;
  /** Labels on the writeup's other parts, which `<Ref>` may name; a label defined again here is an error. */
  external?: ReadonlyMap<string, Label>;
}

export interface WriteupScan {
  labels: Map<string, Label>;
  claims: ClaimRecord[];
  cited: string[];
  /** The counts after this part: where the next part's numbering starts. */
  end: NumberingStart;
}

const JSX = new Set(['mdxJsxFlowElement', 'mdxJsxTextElement']);
const isJsx = (n: MdNode, name: string) => JSX.has(n.type) && n.name === name;

export function attr(node: MdNode, name: string): string | undefined {
  const a = node.attributes?.find((x) => x.type === 'mdxJsxAttribute' && x.name === name);
  if (!a) return undefined;
  if (typeof a.value === 'string') return a.value;
  // An expression attribute such as profiles={['full']}: keep its source text.
  if (a.value && typeof a.value === 'object' && 'value' in a.value) return String((a.value as { value: unknown }).value);
  return undefined;
}

function setAttr(node: MdNode, name: string, value: string) {
  node.attributes = (node.attributes ?? []).filter((a) => a.name !== name);
  node.attributes.push({ type: 'mdxJsxAttribute', name, value });
}

/** `['full', 'quick']` → ['full', 'quick']: the string literals of an array expression. */
function stringList(src: string | undefined): string[] | undefined {
  if (src === undefined) return undefined;
  return [...src.matchAll(/['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

const EQ_LABEL = /\\label\{([^}]+)\}/;

/** Walk a writeup once, in document order, assigning numbers and ids (mutating the tree when asked). */
export function scanWriteup(tree: MdNode, opts: ScanOptions = {}): WriteupScan {
  const slugger = new GithubSlugger();
  const labels = new Map<string, Label>(opts.external ?? []);
  const claims: (ClaimRecord & { node?: MdNode })[] = [];
  const cited: string[] = [];
  const count = { ...(opts.start ?? NO_EARLIER_PARTS), h3: 0, claim: 0 };
  let section: ClaimRecord['section'];
  const add = (key: string, label: Label, line?: number) => {
    const there = labels.get(key);
    if (there) throw new Error(`label "${key}" is used twice (line ${line ?? '?'}${there.page ? `; it is also on part ${there.page}` : ''})`);
    labels.set(key, label);
  };

  const walk = (node: MdNode, parent?: MdNode, index?: number) => {
    if (node.type === 'heading') {
      const text = toString(node);
      const id = (node.data?.hProperties?.id as string | undefined) ?? slugger.slug(text).replace(/-$/, '');
      let number: string | undefined;
      if (node.depth === 2) number = String(++count.h2), (count.h3 = 0);
      else if (node.depth === 3 && count.h2 > 0) number = `${count.h2}.${++count.h3}`;
      if (opts.mutate) {
        node.data ??= {};
        node.data.hProperties = { ...(node.data.hProperties ?? {}), id, ...(number ? { 'data-number': number } : {}) };
      }
      if (number) {
        add(`sec:${id}`, { kind: 'Section', number, id }, node.position?.start.line);
        section = { id, number, title: text };
      }
      return;
    }
    if (isJsx(node, 'Figure') || isJsx(node, 'Table')) {
      const kind = node.name === 'Figure' ? 'Figure' : 'Table';
      const number = String(kind === 'Figure' ? ++count.figure : ++count.table);
      const id = attr(node, 'id') ?? `${kind.toLowerCase()}-${number}`;
      add(id, { kind, number, id }, node.position?.start.line);
      if (opts.mutate) {
        setAttr(node, 'number', number);
        setAttr(node, 'id', id);
      }
    }
    if (node.type === 'math' && typeof node.value === 'string') {
      const m = EQ_LABEL.exec(node.value);
      if (m) {
        const number = String(++count.equation);
        const id = m[1].trim();
        add(id, { kind: 'Equation', number, id }, node.position?.start.line);
        if (opts.mutate && parent && index !== undefined) {
          node.value = node.value.replace(EQ_LABEL, '');
          // remark-math keeps the TeX a second time, in the hast it will become (data.hChildren): update it too.
          const setText = (h: any): void => {
            if (h?.type === 'text') h.value = node.value;
            h?.children?.forEach(setText);
          };
          node.data?.hChildren?.forEach(setText);
          // Wrap the equation so the anchor survives rehype-katex replacing the math element. The number is HTML beside
          // it, not a \tag: KaTeX sets a tag in a MathML table that MathML Core does not lay out (src/remark/mathml.ts).
          const numberNode = { type: 'readoffEquationNumber', data: { hName: 'span', hProperties: { className: ['equation-number'] } }, children: [{ type: 'text', value: `(${number})` }] };
          parent.children![index] = { type: 'readoffEquation', data: { hName: 'div', hProperties: { id, className: ['equation'] } }, children: [node, numberNode] };
        }
      }
    }
    if (isJsx(node, 'Claim')) {
      const id = attr(node, 'id') ?? `claim-${++count.claim}`;
      if (opts.mutate) setAttr(node, 'id', id);
      claims.push({
        id,
        experiment: attr(node, 'experiment') ?? '',
        holds: attr(node, 'holds') ?? '',
        profiles: stringList(attr(node, 'profiles')),
        // Filled in once every label is known (a <Ref> may point forward).
        parts: [],
        sentence: '',
        node,
        section,
        line: node.position?.start.line,
      });
    }
    if (isJsx(node, 'Cite')) {
      const id = attr(node, 'id');
      if (id && !cited.includes(id)) cited.push(id);
    }
    node.children?.forEach((c, i) => walk(c, node, i));
  };
  walk(tree);
  for (const c of claims) {
    c.parts = sentenceParts(c.node!, labels);
    c.sentence = c.parts.map((p) => ('text' in p ? p.text : 'math' in p ? p.math : '…')).join('').trim();
    delete c.node;
  }
  return { labels, claims, cited, end: { h2: count.h2, figure: count.figure, table: count.table, equation: count.equation } };
}

/** How a reference reads: "Figure 4", "Section 3.2", "Equation (2)", "Table 1". */
export function refText(label: Label): string {
  return label.kind === 'Equation' ? `Equation (${label.number})` : `${label.kind} ${label.number}`;
}

/** Where a `<Ref>` links: an anchor on this page, or on a sibling part's page (relative, so any site base works). */
export function refHref(label: Label): string {
  return label.page ? `../${label.page}/#${label.id}` : `#${label.id}`;
}

/**
 * `numbering(file)` says where a file's numbering starts and which labels its writeup's other parts define
 * (src/remark/parts.ts reads the sibling files); without it every file is a writeup of one page.
 */
export function remarkReadoffLabels(numbering?: (file: string) => Pick<ScanOptions, 'start' | 'external'>) {
  return (tree: MdNode, file: { path?: string; history?: string[] }) => {
    const where = file.path ?? file.history?.[0] ?? 'an MDX page';
    let scan: WriteupScan;
    try {
      const parts = numbering && file.path ? numbering(file.path) : {};
      scan = scanWriteup(tree, { mutate: true, ...parts });
    } catch (err: any) {
      throw new Error(`${where}: ${err.message}`);
    }
    const resolve = (node: MdNode, parent: MdNode, index: number) => {
      if (isJsx(node, 'Ref')) {
        const to = attr(node, 'to');
        const label = to ? scan.labels.get(to) : undefined;
        if (!label) {
          const known = [...scan.labels.keys()].join(', ') || '(none)';
          throw new Error(`${where}: <Ref to="${to ?? ''}"> (line ${node.position?.start.line ?? '?'}) names no label on this page; labels: ${known}`);
        }
        const link: MdNode = { type: 'link', url: refHref(label), children: [{ type: 'text', value: refText(label) }], data: { hProperties: { className: ['xref'] } } };
        // A <Ref> on its own line is a flow element; keep it in a paragraph.
        parent.children![index] = node.type === 'mdxJsxFlowElement' ? { type: 'paragraph', children: [link] } : link;
        return;
      }
      if (isJsx(node, 'Figure')) {
        const experiment = attr(node, 'experiment');
        const mine = scan.claims.filter((c) => c.experiment === experiment).map(({ id, holds, profiles, sentence, parts }) => ({ id, holds, profiles, sentence, parts }));
        setAttr(node, 'claims', JSON.stringify(mine));
      }
      if (isJsx(node, 'References')) setAttr(node, 'cited', JSON.stringify(scan.cited));
      node.children?.forEach((c, i) => resolve(c, node, i));
    };
    tree.children?.forEach((c, i) => resolve(c, tree, i));
  };
}
