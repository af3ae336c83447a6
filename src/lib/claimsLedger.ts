/**
 * Every `<Claim>` on the site, for the claims ledger: each writeup's MDX is parsed the way the build parses it and
 * scanned by the same walk that gives claims their ids (src/remark/labels.ts), so each row links to its sentence.
 */
import { scanWriteup, type ClaimRecord, type ScanOptions } from '../remark/labels';
import { parseWriteupMdx } from '../remark/parts';

/** The claims of one page; `numbering` (from `numberParts`) for a part whose sections continue an earlier part's. */
export function claimsInMdx(body: string, numbering: Pick<ScanOptions, 'start' | 'external'> = {}): ClaimRecord[] {
  return scanWriteup(parseWriteupMdx(body), numbering).claims;
}
