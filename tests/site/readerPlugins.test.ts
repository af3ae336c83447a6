import { describe, expect, it } from 'vitest';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkMdx from 'remark-mdx';
import remarkMath from 'remark-math';
import remarkGfm from 'remark-gfm';
import remarkRehype from 'remark-rehype';
import rehypeStringify from 'rehype-stringify';
import { remarkReadoffLabels, scanWriteup, type MdNode } from '../../src/remark/labels';
import { rehypeSidenotes } from '../../src/remark/sidenotes';
import { parseBibliography } from '../../src/lib/bibliography';
import { figureRows, toCsv } from '../../src/lib/figureDownloads';
import { claimsInMdx } from '../../src/lib/claimsLedger';

const parse = (src: string) => unified().use(remarkParse).use(remarkMdx).use(remarkMath).use(remarkGfm).parse(src) as unknown as MdNode;
const transform = (src: string) => {
  const tree = parse(src);
  remarkReadoffLabels()(tree, { path: 'page.mdx' });
  return tree;
};
const find = (tree: MdNode, pred: (n: MdNode) => boolean): MdNode[] => {
  const out: MdNode[] = [];
  const walk = (n: MdNode) => { if (pred(n)) out.push(n); n.children?.forEach(walk); };
  walk(tree);
  return out;
};
const attrOf = (n: MdNode, name: string) => n.attributes?.find((a) => a.name === name)?.value;

const DOC = `
## Setting

<Figure id="fig:a" experiment="e" />

### Detail

$$
x = 1 \\label{eq:one}
$$

## Results

<Table id="tab:t" caption="c" />

<Figure experiment="e" />

See <Ref to="fig:a" />, <Ref to="eq:one" />, <Ref to="tab:t" />, <Ref to="sec:detail" /> and <Ref to="figure-2" />.
<Claim experiment="e" holds="a < 1">first <Value experiment="e" path="a" format=".2f" /> claim</Claim>
<Claim experiment="f" holds="b < 1" profiles={['full']}>second, <Ref to="fig:a" /> and $x$</Claim> <Cite id="k1" /> <Cite id="k1" /> <Cite id="k2" />

<References />
`;

describe('numbering and cross-references', () => {
  it('numbers sections, figures, tables and labelled equations in document order', () => {
    const { labels } = scanWriteup(parse(DOC));
    expect(Object.fromEntries([...labels].map(([k, l]) => [k, `${l.kind} ${l.number}`]))).toEqual({
      'sec:setting': 'Section 1', 'fig:a': 'Figure 1', 'sec:detail': 'Section 1.1', 'eq:one': 'Equation 1', 'sec:results': 'Section 2', 'tab:t': 'Table 1', 'figure-2': 'Figure 2',
    });
  });

  it('replaces <Ref> with a link that reads like the label, and tags the equation', () => {
    const tree = transform(DOC);
    const links = find(tree, (n) => n.type === 'link');
    expect(links.map((l) => `${l.url} ${(l.children![0] as MdNode).value}`)).toEqual(['#fig:a Figure 1', '#eq:one Equation (1)', '#tab:t Table 1', '#detail Section 1.1', '#figure-2 Figure 2', '#fig:a Figure 1']);
    const math = find(tree, (n) => n.type === 'math')[0];
    expect(math.value?.trim()).toBe('x = 1');
    expect(find(tree, (n) => n.type === 'readoffEquationNumber').map((n) => (n.children![0] as MdNode).value)).toEqual(['(1)']);
    expect(JSON.stringify(math.data!.hChildren)).not.toContain('label');
    expect(find(tree, (n) => n.type === 'readoffEquation')[0].data!.hProperties.id).toBe('eq:one');
  });

  it('fails on a dangling reference, naming the page, the label and the labels that exist', () => {
    expect(() => transform('## A\n\n<Ref to="fig:nope" />\n')).toThrow(/page\.mdx: <Ref to="fig:nope"> \(line 3\) names no label on this page; labels: sec:a/);
    expect(() => transform('<Figure id="fig:x" />\n\n<Figure id="fig:x" />\n')).toThrow(/label "fig:x" is used twice/);
  });

  it('gives claims ids, hands each figure the claims on its experiment, and lists cited keys for <References>', () => {
    const tree = transform(DOC);
    const [fig1] = find(tree, (n) => n.name === 'Figure');
    expect(JSON.parse(attrOf(fig1, 'claims') as string)).toMatchObject([{ id: 'claim-1', holds: 'a < 1', sentence: 'first … claim' }]);
    expect(find(tree, (n) => n.name === 'Claim').map((c) => attrOf(c, 'id'))).toEqual(['claim-1', 'claim-2']);
    expect(JSON.parse(attrOf(find(tree, (n) => n.name === 'References')[0], 'cited') as string)).toEqual(['k1', 'k2']);
  });

  it('the ledger sees the same claims, with their section, profiles and the values inside the sentence', () => {
    const claims = claimsInMdx(DOC);
    expect(claims.map((c) => [c.id, c.section?.number, c.profiles])).toEqual([['claim-1', '2', undefined], ['claim-2', '2', ['full']]]);
    expect(claims[0].parts).toEqual([{ text: 'first ' }, { experiment: 'e', path: 'a', format: '.2f' }, { text: ' claim' }]);
    expect(claims[1].parts).toEqual([{ text: 'second, Figure 1 and ' }, { math: 'x' }]);
    expect(claims[1].sentence).toBe('second, Figure 1 and x');
  });
});

describe('sidenotes', () => {
  it('copies each footnote next to its reference, as inline content', async () => {
    const html = String(await unified().use(remarkParse).use(remarkGfm).use(remarkRehype).use(rehypeSidenotes).use(rehypeStringify).process('Text[^n] more.\n\n[^n]: The *note*.\n'));
    expect(html).toMatch(/<sup><a[^>]*data-footnote-ref[^>]*>1<\/a><\/sup><span class="sidenote" data-number="1"><span>The <em>note<\/em>\. <\/span><\/span> more/);
    expect(html).toContain('data-footnotes');
  });
});

describe('bibliography', () => {
  const bib = `@misc{b2024, author={Beta, Ann}, title={{Second}}, year={2024}, url={https://example.org/b}}
@misc{a2024x, author={Alpha, Bo}, title={{One}}, year={2024}}
@misc{a2024y, author={Alpha, Bo}, title={{Two}}, year={2024}}`;
  it('formats author-year labels with suffixes where an author has two works in a year, and links URLs', () => {
    const entries = parseBibliography(bib);
    expect([...entries.keys()]).toEqual(['a2024x', 'a2024y', 'b2024']);
    expect([...entries.values()].map((e) => e.short)).toEqual(['Alpha, 2024a', 'Alpha, 2024b', 'Beta, 2024']);
    expect(entries.get('b2024')!.html).toContain('<a href="https://example.org/b">https://example.org/b</a>');
    expect(entries.get('b2024')!.text).toMatch(/^Beta, A\. \(2024\)\. Second/);
  });
});

describe('figure downloads', () => {
  it('lists every datum of every mark, tagged with its mark, as rows and CSV', () => {
    const spec = { marks: [{ ariaLabel: 'line', data: [{ x: 1, y: 2 }, { x: 2, y: NaN }] }, [{ ariaLabel: 'rule', data: [0.5] }], null, () => null] } as any;
    const rows = figureRows(spec);
    expect(rows).toEqual([{ mark: '1:line', x: 1, y: 2 }, { mark: '1:line', x: 2, y: null }, { mark: '2:rule', value: 0.5 }]);
    expect(toCsv([...rows, { mark: '3:text', label: 'a, "b"' }])).toBe('mark,x,y,value,label\n1:line,1,2,,\n1:line,2,,,\n2:rule,,,0.5,\n3:text,,,,"a, ""b"""\n');
  });
});
