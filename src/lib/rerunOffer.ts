/**
 * Whether a figure offers "Re-run in your browser", decided at build time without running experiment code: from
 * the artifact (its upstreams, and how long its quick profile took in Node) and from which figure module exports
 * the figure's spec (so the browser can import the same function). What the figure carries is small: the re-run
 * code itself loads only when a reader asks for it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Artifact } from '../../experiments/runtime/artifacts';
import { projectRoot } from './projectRoot';

/**
 * The longest quick-profile run in Node that is offered. A reader's browser runs the same wasm binary at about
 * Node's speed (single-threaded, as Node's wasm is); three times this is the ~30 s a reader is asked to wait.
 */
export const QUICK_NODE_SECONDS = 10;

/** Every figure spec module, eagerly: pages import them anyway, and a spec is found by identity. */
const figureModules = import.meta.glob('../figures/**/*.ts', { eager: true }) as Record<string, Record<string, unknown>>;

/** `superposition/affineLpFits.ts#affineLpFits` for the function `plot`, or undefined if no figure module exports it. */
export function figureRef(plot: unknown): string | undefined {
  for (const [file, mod] of Object.entries(figureModules)) {
    for (const [name, value] of Object.entries(mod)) if (value === plot) return `${file.replace(/^\.\.\/figures\//, '')}#${name}`;
  }
  return undefined;
}

/**
 * Seconds the quick profile took in Node, from the quick artifact; undefined when this checkout has none (a full
 * build from the committed artifacts). Quick profiles are kept fast for every page, so an unknown time is offered:
 * the experiment's own time limit stops a run that is not.
 */
function quickSeconds(artifact: Artifact): number | undefined {
  if (artifact.profile === 'quick') return artifact.provenance.wallSeconds;
  try {
    const quick = JSON.parse(readFileSync(path.join(projectRoot(), 'artifacts', 'quick', `${artifact.experiment}.json`), 'utf8'));
    const s = Number(quick?.provenance?.wallSeconds);
    if (Number.isFinite(s)) return s;
  } catch {
    /* no quick artifact in this checkout */
  }
  return undefined;
}

export interface RerunOffer {
  /** JSON for the figure's `data-rerun` (offered), or undefined. */
  data?: string;
  /** Why not (for `data-rerun-off`), or undefined. */
  why?: string;
}

export function rerunOffer(artifact: Artifact, plot: unknown, claims: { id: string; profiles?: string[] }[]): RerunOffer {
  const upstream = Object.keys(artifact.provenance.keyInputs?.upstream ?? {});
  if (upstream.length) return { why: `it reads the results of other experiments (${upstream.join(', ')}), which a browser run does not have` };
  const seconds = quickSeconds(artifact);
  if (seconds !== undefined && seconds > QUICK_NODE_SECONDS) {
    return { why: `its quick profile takes ${seconds.toFixed(0)} s in Node, more than the ${QUICK_NODE_SECONDS} s for which a browser run is offered` };
  }
  const figure = figureRef(plot);
  if (!figure) return { why: 'its figure spec is not exported from src/figures/' };
  const data = {
    experiment: artifact.experiment,
    module: artifact.provenance.module,
    figure,
    ...(seconds !== undefined ? { nodeSeconds: seconds } : {}),
    claims: claims.map((c) => (c.profiles ? { id: c.id, profiles: c.profiles } : { id: c.id })),
  };
  return { data: JSON.stringify(data) };
}
