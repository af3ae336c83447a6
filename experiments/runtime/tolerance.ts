import type { Tolerance } from './experiment';

/** The longest pattern that matches the path (`*` matches one segment). */
export function toleranceFor(table: Record<string, Tolerance> | undefined, at: string[]): Tolerance | undefined {
  let best: Tolerance | undefined;
  let bestLen = -1;
  for (const [pattern, tol] of Object.entries(table ?? {})) {
    const segs = pattern.split('.');
    if (segs.length !== at.length || !segs.every((s, i) => s === '*' || s === at[i])) continue;
    const specificity = segs.filter((s) => s !== '*').length;
    if (specificity > bestLen) {
      best = tol;
      bestLen = specificity;
    }
  }
  return best;
}

/** The results without the fields declared `{ measured: true }` (wall times, rates): what a re-run must reproduce. */
export function withoutMeasured(results: unknown, table: Record<string, Tolerance> | undefined, at: string[] = []): unknown {
  if (!table) return results;
  if (typeof results !== 'object' || results === null) return results;
  const keep = (k: string) => {
    const v = (results as any)[k];
    const leaf = typeof v !== 'object' || v === null;
    return !(leaf && toleranceFor(table, [...at, k])?.measured);
  };
  if (Array.isArray(results)) return results.map((v, i) => (keep(String(i)) ? withoutMeasured(v, table, [...at, String(i)]) : null));
  return Object.fromEntries(Object.keys(results).filter(keep).map((k) => [k, withoutMeasured((results as any)[k], table, [...at, k])]));
}
