/**
 * A page's claims re-checked against a reader's run: the same condition grammar as the build's `<Claim>`
 * (src/lib/claims.ts), read against the reader's config and results instead of the artifact's.
 */
import { evaluateClaim } from '../lib/claims';

export interface LiveVerdict {
  /** true / false, or null when the condition cannot be evaluated on this run (a missing or non-finite value). */
  holds: boolean | null;
  values: Record<string, number>;
  error?: string;
}

/** A finite number at `a.b.0.c` of the results, or `config.x` of the config; throws otherwise. */
export function numberAt(run: { config: unknown; results: unknown }, dotted: string): number {
  const fromConfig = dotted.startsWith('config.');
  let cur: any = fromConfig ? run.config : run.results;
  for (const part of (fromConfig ? dotted.slice(7) : dotted).split('.').filter(Boolean)) {
    if (cur === null || typeof cur !== 'object' || !(part in cur)) throw new Error(`no ${dotted} in your run's ${fromConfig ? 'config' : 'results'}`);
    cur = cur[part];
  }
  if (typeof cur !== 'number' || !Number.isFinite(cur)) throw new Error(`${dotted} is ${String(cur)} in your run, not a finite number`);
  return cur;
}

export function checkLive(holds: string, run: { config: unknown; results: unknown }): LiveVerdict {
  try {
    const outcome = evaluateClaim(holds, (p) => numberAt(run, p));
    return { holds: outcome.holds, values: outcome.values };
  } catch (err) {
    return { holds: null, values: {}, error: (err as Error).message };
  }
}
