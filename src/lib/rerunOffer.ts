/**
 * Whether a figure offers "Re-run in your browser", decided at build time without running experiment code: from
 * the artifact (an experiment that reads upstream results cannot run alone) and from which figure module exports
 * the figure's spec (so the browser can import the same function). Not from measured time: a build's wall times
 * swing fivefold with the machine's load, and every quick profile is kept short (the slowest without upstreams,
 * sae-toy-d64, takes 9 s in Node at rest); the experiment's own quick time limit stops a browser run that is not. The page carries one short attribute per figure
 * (the page's weight before a click barely moves): the offer's details go to a small JSON file beside the figure's
 * downloads, fetched with the re-run code when a reader asks for it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Artifact } from '../../experiments/runtime/artifacts';
import { stagingDir } from './figureDownloads';
import { projectRoot } from './projectRoot';
import { sitePath } from './sitePath';

/** Every figure spec module, eagerly: pages import them anyway, and a spec is found by identity. */
const figureModules = import.meta.glob('../figures/**/*.ts', { eager: true }) as Record<string, Record<string, unknown>>;

/** `superposition/affineLpFits.ts#affineLpFits` for the function `plot`, or undefined if no figure module exports it. */
export function figureRef(plot: unknown): string | undefined {
  for (const [file, mod] of Object.entries(figureModules)) {
    for (const [name, value] of Object.entries(mod)) if (value === plot) return `${file.replace(/^\.\.\/figures\//, '')}#${name}`;
  }
  return undefined;
}

/** Seconds the quick profile took in Node at build time (shown in the form), when this checkout has its artifact. */
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
  /** Site path of the offer's JSON (the figure's `data-rerun`), when offered. */
  data?: string;
  /**
   * Why not, as a short code for `data-rerun-off` that src/rerun/loader.ts words: `upstream` (it reads other
   * experiments' results, which a browser run does not have), `node` (its code imports a Node built-in, e.g. to read
   * a corpus from disk), `spec` (its figure spec is not an export of src/figures/).
   */
  why?: string;
}

/** What a re-run needs beyond the figure's id: read by src/rerun/panel.ts. */
export interface RerunData {
  experiment: string;
  /** Repo-relative module that declares the experiment (its source is published at `source/<module>.txt`). */
  module: string;
  /** `<file under src/figures>#<export>`: the figure spec the build drew with. */
  figure: string;
  /** Seconds the quick profile took in Node at build time, when known. */
  nodeSeconds?: number;
  /** The page's claims on this experiment (ids of their `<Claim>` elements), with the profiles they are checked in. */
  claims: { id: string; profiles?: string[] }[];
}

/** A Node built-in imported by a module (`node:fs`, `fs`, …): such an experiment reads the build machine's files. */
const nodeImport = /\b(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](?:node:[\w/]+|fs|path|os|child_process|module|worker_threads)['"]/;

/** Repo-relative sources of the experiment's module graph (from its cache key) that import a Node built-in. */
export function nodeOnlySources(artifact: Artifact, root = projectRoot()): string[] {
  return Object.keys(artifact.provenance.keyInputs?.sources ?? {}).filter((file) => {
    try {
      return nodeImport.test(readFileSync(path.join(root, file), 'utf8'));
    } catch {
      return false; // a source no longer in this checkout: the artifact is stale anyway
    }
  });
}

export function rerunOffer(artifact: Artifact, plot: unknown, claims: { id: string; profiles?: string[] }[], where: { page: string; figureId: string }): RerunOffer {
  if (Object.keys(artifact.provenance.keyInputs?.upstream ?? {}).length) return { why: 'upstream' };
  if (nodeOnlySources(artifact).length) return { why: 'node' };
  const seconds = quickSeconds(artifact);
  const figure = figureRef(plot);
  if (!figure) return { why: 'spec' };
  const data: RerunData = {
    experiment: artifact.experiment,
    module: artifact.provenance.module,
    figure,
    ...(seconds !== undefined ? { nodeSeconds: seconds } : {}),
    claims: claims.map((c) => (c.profiles ? { id: c.id, profiles: c.profiles } : { id: c.id })),
  };
  const rel = `figures/${where.page}/${where.figureId.replace(/[^\w.-]+/g, '-')}.rerun.json`;
  mkdirSync(path.dirname(path.join(stagingDir(), rel)), { recursive: true });
  writeFileSync(path.join(stagingDir(), rel), `${JSON.stringify(data)}\n`);
  return { data: sitePath(rel) };
}
