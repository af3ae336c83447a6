import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readArtifact, formatZodIssues } from './artifacts';
import { cacheKey, explainChange, upstreamFingerprint, type KeyInputs } from './cacheKey';
import type { AnyExperiment, Profile } from './experiment';
import { cachedModuleGraphs, moduleGraphCacheDir } from './moduleGraphCache';
import type { ModuleGraph } from './sourceGraph';

export interface PlanEntry {
  def: AnyExperiment;
  config: Record<string, unknown> & { seed: number };
  keyInputs: KeyInputs;
  key: string;
  action: 'reuse' | 'run';
  /** Why it runs (or, when reused, why that is safe). */
  reasons: string[];
  /** Set when an existing artifact was unreadable: the runner warns about it. */
  warning?: string;
}

export interface PlanOptions {
  registry: readonly AnyExperiment[];
  root: string;
  profile: Profile;
  artifactsDir: string;
  tfjsVersion: string;
  /** Experiments asked for; their upstreams are added. Default: all. */
  ids?: readonly string[];
  /** Re-run the asked-for experiments even when their artifacts are current. */
  force?: boolean;
  /** Config overrides for the single asked-for experiment. */
  overrides?: Record<string, unknown>;
}

export class UsageError extends Error {}

/**
 * The random-stream code (`rng.ts`: the generator and how a stream derives from a seed and a label) is part of
 * every key. The rest of the runtime is machinery that cannot change results (progress bars, atomic writes,
 * the experiment type, the runner), so runtime modules in an experiment's graph are left out of its key.
 */
const STREAMS_MODULE = fileURLToPath(new URL('./rng.ts', import.meta.url));
const STREAMS_ID = '@streams';
const RUNTIME_DIR = path.dirname(fileURLToPath(import.meta.url));

/** The modules of an experiment's graph that can change its results: its own graph less runtime machinery, plus the streams. */
export function keySources(graph: ModuleGraph, streams: ModuleGraph, root: string): Pick<KeyInputs, 'sources' | 'imports' | 'packages'> {
  const runtime = path.relative(root, RUNTIME_DIR).split(path.sep).join('/') + '/';
  const keep = (file: string) => !file.startsWith(runtime) || file in streams.modules;
  const sources: Record<string, string> = {};
  const imports: Record<string, string[]> = {};
  const packages: Record<string, string> = {};
  for (const g of [streams, graph]) {
    for (const [file, hash] of Object.entries(g.modules)) {
      if (!keep(file)) continue;
      sources[file] = hash;
      imports[file] = g.imports[file].filter(keep);
      for (const name of g.packages[file] ?? []) packages[name] = installedVersion(root, name);
    }
  }
  return { sources, imports, packages };
}

/** The version in `node_modules/<name>/package.json` under the project root ('not installed' when there is none). */
function installedVersion(root: string, name: string): string {
  try {
    const version = JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'not installed';
  }
}

export function modulePath(def: AnyExperiment): string {
  return def.module.startsWith('file:') ? fileURLToPath(def.module) : def.module;
}

/** Check ids and resolve, in dependency order, the experiments to consider. */
export function orderExperiments(registry: readonly AnyExperiment[], ids?: readonly string[]): AnyExperiment[] {
  const byId = new Map(registry.map((d) => [d.id, d]));
  const known = registry.map((d) => d.id).join(', ');
  for (const id of ids ?? []) {
    if (!byId.has(id)) throw new UsageError(`unknown experiment id "${id}"; allowed values: ${known}`);
  }
  const ordered: AnyExperiment[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, from: string) => {
    const def = byId.get(id);
    if (!def) throw new UsageError(`experiment "${from}" lists unknown upstream "${id}"; known experiments: ${known}`);
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new UsageError(`upstream cycle through experiment "${id}"`);
    state.set(id, 'visiting');
    for (const up of def.upstream ?? []) visit(up, id);
    state.set(id, 'done');
    ordered.push(def);
  };
  for (const id of ids && ids.length ? ids : registry.map((d) => d.id)) visit(id, id);
  return ordered;
}

export function resolveConfig(def: AnyExperiment, profile: Profile, overrides?: Record<string, unknown>) {
  const raw = { ...(def.profiles[profile] as object), ...(overrides ?? {}) };
  const parsed = def.config.safeParse(raw);
  if (!parsed.success) {
    const where = overrides && Object.keys(overrides).length ? 'config (after --set)' : `profile "${profile}" config`;
    const shape = (def.config as { shape?: Record<string, unknown> }).shape;
    const unknownField = parsed.error.issues.some((i: { code: string }) => i.code === 'unrecognized_keys');
    const allowed = unknownField && shape ? `\n  allowed fields: ${Object.keys(shape).join(', ')}` : '';
    throw new UsageError(`experiment "${def.id}": invalid ${where}:\n${formatZodIssues(parsed.error, 'config')}${allowed}`);
  }
  return parsed.data as PlanEntry['config'];
}

export async function planExperiments(opts: PlanOptions): Promise<PlanEntry[]> {
  const ordered = orderExperiments(opts.registry, opts.ids);
  const asked = new Set(opts.ids && opts.ids.length ? opts.ids : ordered.map((d) => d.id));
  if (opts.overrides && Object.keys(opts.overrides).length && asked.size !== 1) {
    throw new UsageError('--set needs exactly one experiment id, so it is clear which config it changes');
  }
  const graphs = await cachedModuleGraphs(
    { ...Object.fromEntries(ordered.map((d) => [d.id, modulePath(d)])), [STREAMS_ID]: STREAMS_MODULE },
    opts.root,
    { cacheDir: moduleGraphCacheDir(opts.root) },
  );
  const entries: PlanEntry[] = [];
  const byId = new Map<string, PlanEntry>();
  const fingerprints = new Map<string, string>();
  for (const def of ordered) {
    const config = resolveConfig(def, opts.profile, asked.has(def.id) ? opts.overrides : undefined);
    // An upstream that will re-run has no results yet: its consumer re-runs too, and execute fills this in.
    const upstream = Object.fromEntries((def.upstream ?? []).map((u: string) => [u, fingerprints.get(u) ?? 'pending']));
    const keyInputs: KeyInputs = { ...keySources(graphs[def.id], graphs[STREAMS_ID], opts.root), config, profile: opts.profile, tfjsVersion: opts.tfjsVersion, upstream };
    const key = cacheKey(keyInputs);
    const entry: PlanEntry = { def, config, keyInputs, key, action: 'run', reasons: [] };
    const upstreamRuns = (def.upstream ?? []).filter((u: string) => byId.get(u)!.action === 'run');
    const existing = await readArtifact(opts.artifactsDir, def.id, def.result);
    if (opts.force && asked.has(def.id)) {
      entry.reasons.push('forced');
    } else if (existing.status === 'missing') {
      entry.reasons.push('no artifact yet');
    } else if (existing.status === 'malformed' && existing.envelope && existing.envelope.provenance.cacheKey !== key) {
      // Made by older code: its results may not fit today's schema, and that is staleness, not damage.
      const why = explainChange(existing.envelope.provenance.keyInputs as KeyInputs, keyInputs);
      entry.reasons.push(...(why.length ? why : ['cache key changed']));
    } else if (existing.status === 'malformed' && existing.kind === 'unhashed') {
      entry.reasons.push(existing.reason);
    } else if (existing.status === 'malformed') {
      entry.warning = `artifact for "${def.id}" is malformed and will be re-run: ${existing.reason}`;
      entry.reasons.push(`malformed artifact (${existing.reason.trim().split('\n')[0]})`);
    } else if (existing.artifact.provenance.cacheKey !== key) {
      const why = explainChange(existing.artifact.provenance.keyInputs as KeyInputs, keyInputs);
      entry.reasons.push(...(why.length ? why : ['cache key changed']));
    } else if (upstreamRuns.length) {
      entry.reasons.push(...upstreamRuns.map((u: string) => `upstream ${u} re-runs`));
    } else {
      entry.action = 'reuse';
      entry.reasons.push(`key ${key.slice(0, 10)} matches (${Object.keys(keyInputs.sources).length} source files, ${Object.keys(keyInputs.packages ?? {}).length} package versions, config, profile, tfjs ${opts.tfjsVersion})`);
    }
    if (entry.action === 'reuse' && existing.status === 'ok') fingerprints.set(def.id, upstreamFingerprint(existing.artifact, def.tolerances));
    entries.push(entry);
    byId.set(def.id, entry);
  }
  return entries;
}

export function relativeModule(def: AnyExperiment, root: string): string {
  return path.relative(root, modulePath(def)).split(path.sep).join('/');
}
