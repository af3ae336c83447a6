/**
 * Every `<Claim>` on the site, for the claims ledger: each writeup's MDX is parsed the way the build parses it and
 * scanned by the same walk that gives claims their ids (src/remark/labels.ts), so each row links to its sentence.
 */
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkMdx from 'remark-mdx';
import remarkMath from 'remark-math';
import remarkGfm from 'remark-gfm';
import { scanWriteup, type ClaimRecord, type MdNode } from '../remark/labels';

export function claimsInMdx(body: string): ClaimRecord[] {
  const tree = unified().use(remarkParse).use(remarkMdx).use(remarkMath).use(remarkGfm).parse(body) as unknown as MdNode;
  return scanWriteup(tree).claims;
}
