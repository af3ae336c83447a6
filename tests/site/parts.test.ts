/**
 * Writeups in several parts: grouping and its errors, numbering that continues across parts, `<Ref>` links to the
 * part that holds a label, and the remark plugin reading a file's sibling parts from disk.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupWriteups, readingOrder, type PartEntry } from '../../src/lib/writeupParts';
import { numberParts, numberingOfFile, parseWriteupMdx } from '../../src/remark/parts';
import { remarkReadoffLabels, type MdNode } from '../../src/remark/labels';
import { claimsInMdx } from '../../src/lib/claimsLedger';

const entry = (id: string, part?: { of: string; number: number }, order?: number): PartEntry => ({
  id,
  data: { title: id, order, part: part && { ...part, label: `L${part.number}` } },
});

describe('grouping pages into writeups', () => {
  const entries = [entry('b', undefined, 2), entry('a-two', { of: 'a', number: 2 }), entry('a', { of: 'a', number: 1 }, 1), entry('a-three', { of: 'a', number: 3 })];
  it('orders writeups by order and parts by number; a page without `part` is a writeup of one page', () => {
    expect(groupWriteups(entries).map((w) => [w.slug, w.parts.map((p) => p.id)])).toEqual([['a', ['a', 'a-two', 'a-three']], ['b', ['b']]]);
    expect(readingOrder(entries).map((e) => e.id)).toEqual(['a', 'a-two', 'a-three', 'b']);
  });
  it('fails, naming the files, on a gap in the numbers, a first part not named after the writeup, or order on a later part', () => {
    expect(() => groupWriteups([entry('a', { of: 'a', number: 1 }, 1), entry('a-3', { of: 'a', number: 3 })])).toThrow(/writeup "a": its parts \(content\/a\.mdx, content\/a-3\.mdx\) are numbered 1, 3/);
    expect(() => groupWriteups([entry('x', { of: 'a', number: 1 }, 1)])).toThrow(/part 1 is content\/x\.mdx, but part\.of names the first part's file/);
    expect(() => groupWriteups([entry('a', { of: 'a', number: 1 }, 1), entry('a-2', { of: 'a', number: 2 }, 5)])).toThrow(/content\/a-2\.mdx: only a writeup's first part has `order`/);
    expect(() => groupWriteups([entry('a', { of: 'a', number: 1 })])).toThrow(/content\/a\.mdx: the first part of a writeup needs `order`/);
  });
});

const PART1 = `## One

<Figure id="fig:first" experiment="e" />

$$
y = 2 \\label{eq:y}
$$

## Two

<Figure experiment="e" />
<Table id="tab:t" caption="c" />
`;
const PART2 = `## Three

See <Ref to="fig:first" /> and <Ref to="eq:y" />.

<Figure id="fig:third" experiment="e" />

$$
z = 3 \\label{eq:z}
$$

<Claim experiment="e" holds="a < 1">as <Ref to="sec:two" /> showed</Claim>

### Detail

<Table caption="d" />
`;

describe('numbering across parts', () => {
  const [n1, n2] = numberParts([{ id: 'w', body: PART1 }, { id: 'w-two', body: PART2 }]);
  it('starts each part where the previous one ended', () => {
    expect(n1.start).toEqual({ h2: 0, figure: 0, table: 0, equation: 0 });
    expect(n2.start).toEqual({ h2: 2, figure: 2, table: 1, equation: 1 });
  });
  it('gives each part the labels of the others, marked with the part that holds them', () => {
    expect(n2.external.get('fig:first')).toEqual({ kind: 'Figure', number: '1', id: 'fig:first', page: 'w' });
    expect(n1.external.get('fig:third')).toEqual({ kind: 'Figure', number: '3', id: 'fig:third', page: 'w-two' });
    expect(n1.external.get('sec:detail')).toMatchObject({ kind: 'Section', number: '3.1', page: 'w-two' });
  });
  it('fails on a label defined on two parts of one writeup', () => {
    expect(() => numberParts([{ id: 'w', body: PART1 }, { id: 'w-two', body: '<Figure id="fig:first" />\n' }])).toThrow(/label "fig:first" is used on two parts of one writeup: content\/w\.mdx and content\/w-two\.mdx/);
  });
  it('the claims ledger reads a later part with its continued section numbers', () => {
    expect(claimsInMdx(PART2, n2).map((c) => [c.id, c.section?.number, c.sentence])).toEqual([['claim-1', '3', 'as Section 2 showed']]);
  });
});

describe('the remark plugin on a writeup in two files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'readoff-parts-'));
    const fm = (extra: string) => `---\ntitle: t\ndescription: d\n${extra}---\n`;
    await writeFile(path.join(dir, 'w.mdx'), `${fm('order: 1\npart:\n  of: w\n  number: 1\n  label: First\n')}${PART1}`);
    await writeFile(path.join(dir, 'w-two.mdx'), `${fm('part:\n  of: w\n  number: 2\n  label: Second\n')}${PART2}`);
    await writeFile(path.join(dir, 'solo.mdx'), `${fm('order: 2\n')}## Solo\n\n<Figure experiment="e" />\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const run = (file: string, body: string) => {
    const tree = parseWriteupMdx(body);
    remarkReadoffLabels(numberingOfFile)(tree, { path: path.join(dir, file) });
    return tree;
  };
  const all = (tree: MdNode, pred: (n: MdNode) => boolean): MdNode[] => {
    const out: MdNode[] = [];
    const walk = (n: MdNode) => { if (pred(n)) out.push(n); n.children?.forEach(walk); };
    walk(tree);
    return out;
  };
  const num = (n: MdNode) => n.attributes?.find((a) => a.name === 'number')?.value;

  it('continues section, figure, table and equation numbers from the earlier part', () => {
    const tree = run('w-two.mdx', PART2);
    expect(all(tree, (n) => n.type === 'heading').map((h) => h.data!.hProperties['data-number'])).toEqual(['3', '3.1']);
    expect(all(tree, (n) => n.name === 'Figure').map(num)).toEqual(['3']);
    expect(all(tree, (n) => n.name === 'Table').map(num)).toEqual(['2']);
    expect(all(tree, (n) => n.type === 'readoffEquationNumber').map((n) => n.children![0].value)).toEqual(['(2)']);
  });
  it('links a <Ref> to a label on another part to that part\'s page, and one on this part to its anchor', () => {
    const links = all(run('w-two.mdx', PART2), (n) => n.type === 'link').map((l) => `${l.url} ${(l.children![0] as MdNode).value}`);
    expect(links).toEqual(['../w/#fig:first Figure 1', '../w/#eq:y Equation (1)', '../w/#two Section 2']);
    const back = all(run('w.mdx', `${PART1}\nAhead: <Ref to="fig:third" />.\n`), (n) => n.type === 'link');
    expect(back.map((l) => l.url)).toEqual(['../w-two/#fig:third']);
  });
  it('numbers a writeup of one page on its own', () => {
    expect(all(run('solo.mdx', '## Solo\n\n<Figure experiment="e" />\n'), (n) => n.name === 'Figure').map(num)).toEqual(['1']);
  });
});
