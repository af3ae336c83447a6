/**
 * Numbering across the parts of a writeup: each part's numbers start where the previous part's end, and every
 * part sees the labels of the others (tagged with the part that holds them) so `<Ref>` can link across pages.
 * Parts are parsed the way the build parses them and scanned by the same walk (src/remark/labels.ts).
 */
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkMdx from 'remark-mdx';
import remarkMath from 'remark-math';
import remarkGfm from 'remark-gfm';
import { NO_EARLIER_PARTS, scanWriteup, type Label, type MdNode, type NumberingStart } from './labels';
import { partsOfFile } from '../lib/writeupParts';

/** An MDX body as the build's remark plugins see it (before they run). */
export function parseWriteupMdx(body: string): MdNode {
  return unified().use(remarkParse).use(remarkMdx).use(remarkMath).use(remarkGfm).parse(body) as unknown as MdNode;
}

export interface PartNumbering {
  id: string;
  /** Counts of the parts before this one. */
  start: NumberingStart;
  /** Labels defined on the writeup's other parts, each with `page` set to the part that holds it. */
  external: Map<string, Label>;
}

/**
 * The last numberings computed, by their parts (ids and bodies): a build asks for a writeup's numbering once per part
 * at compile time and again for each part's page and the claims page, and each time parsed every part (21 parses of
 * /superposition/'s three parts per build instead of 3). Callers only read the result. A few entries, for `astro dev`.
 */
const numbered = new Map<string, PartNumbering[]>();

/** Numbering of each part of one writeup, given its parts in order. Throws on a label defined on two parts. */
export function numberParts(parts: readonly { id: string; body: string }[]): PartNumbering[] {
  const key = JSON.stringify(parts.map((p) => [p.id, p.body]));
  const known = numbered.get(key);
  if (known) return known;
  const result = numberPartsOnce(parts);
  if (numbered.size >= 8) numbered.delete(numbered.keys().next().value!);
  numbered.set(key, result);
  return result;
}

function numberPartsOnce(parts: readonly { id: string; body: string }[]): PartNumbering[] {
  let start = NO_EARLIER_PARTS;
  const scans = parts.map((p) => {
    let scan;
    try {
      scan = scanWriteup(parseWriteupMdx(p.body), { start });
    } catch (err: any) {
      throw new Error(`content/${p.id}.mdx: ${err.message}`);
    }
    const here = { id: p.id, start, labels: scan.labels };
    start = scan.end;
    return here;
  });
  const owner = new Map<string, string>();
  for (const s of scans) {
    for (const key of s.labels.keys()) {
      const other = owner.get(key);
      if (other) throw new Error(`label "${key}" is used on two parts of one writeup: content/${other}.mdx and content/${s.id}.mdx`);
      owner.set(key, s.id);
    }
  }
  return scans.map((s) => ({
    id: s.id,
    start: s.start,
    external: new Map(scans.filter((o) => o.id !== s.id).flatMap((o) => [...o.labels].map(([k, l]) => [k, { ...l, page: o.id }] as const))),
  }));
}

/** The numbering of the MDX file `file` (an absolute path), from the parts next to it: for `remarkReadoffLabels`. */
export function numberingOfFile(file: string): PartNumbering {
  const parts = partsOfFile(file);
  const id = file.replace(/^.*[\\/]/, '').replace(/\.mdx$/, '');
  if (parts.length === 1) return { id, start: NO_EARLIER_PARTS, external: new Map() };
  return numberParts(parts).find((p) => p.id === id)!;
}
