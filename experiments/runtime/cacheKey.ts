import { canonicalJson, sha256 } from './canonicalJson';
import type { Tolerance } from './experiment';
import { withoutMeasured } from './tolerance';

/** Everything an artifact's content depends on. Its hash is the cache key. */
export interface KeyInputs {
  /** Repo-relative path → hash of every module that can change results (see `plan.ts`), for `--explain`. */
  sources: Record<string, string>;
  /** Repo-relative path → the local modules it imports. Only the shape counts in the key, not the paths. */
  imports?: Record<string, string[]>;
  /** The resolved (parsed, defaults filled) config. */
  config: unknown;
  profile: string;
  tfjsVersion: string;
  /**
   * npm package → installed version, for every package a keyed module imports (the packages' code is not hashed,
   * so a version change is what re-runs). Absent in artifacts written before it was keyed.
   */
  packages?: Record<string, string>;
  /** Upstream experiment id → fingerprint of its results and side files (see `upstreamFingerprint`). */
  upstream: Record<string, string>;
}

/**
 * The key hashes the modules by content and the import graph by content hashes, never by path: moving or
 * renaming a file without changing its code keeps every key.
 */
export function cacheKey(inputs: KeyInputs): string {
  const { sources, imports = {}, ...rest } = inputs;
  const modules = Object.keys(sources)
    .map((file) => `${sources[file]}<${(imports[file] ?? []).map((t) => sources[t] ?? 'external').sort().join(',')}`)
    .sort();
  return sha256(canonicalJson({ ...rest, modules })).slice(0, 24);
}

/** Human-readable reasons why `next` differs from `prev` (empty when equal). */
export function explainChange(prev: KeyInputs, next: KeyInputs): string[] {
  const reasons: string[] = [];
  const sourceReasons: string[] = [];
  const prevHashes = new Set(Object.values(prev.sources));
  const nextHashes = new Set(Object.values(next.sources));
  for (const file of new Set([...Object.keys(prev.sources), ...Object.keys(next.sources)])) {
    const a = prev.sources[file];
    const b = next.sources[file];
    if (a === b) continue;
    // A module that only moved keeps its hash under another path: not a change.
    if (!a && b && prevHashes.has(b)) continue;
    if (a && !b && nextHashes.has(a)) continue;
    sourceReasons.push(!a ? `source ${file} added` : !b ? `source ${file} no longer imported` : `source ${file} changed`);
  }
  // Name a few; a change to a shared module would otherwise list most of the tree.
  reasons.push(...(sourceReasons.length > 3 ? [...sourceReasons.slice(0, 2), `and ${sourceReasons.length - 2} more source files`] : sourceReasons));
  const shape = (k: KeyInputs) => cacheKey({ ...k, config: null, profile: '', tfjsVersion: '', packages: undefined, upstream: {} });
  if (!sourceReasons.length && shape(prev) !== shape(next)) {
    reasons.push('imports between source modules changed');
  }
  const configDiffs = diffValues(prev.config, next.config, 'config');
  reasons.push(...configDiffs);
  if (prev.profile !== next.profile) reasons.push(`profile ${prev.profile} → ${next.profile}`);
  if (prev.tfjsVersion !== next.tfjsVersion) reasons.push(`tfjs ${prev.tfjsVersion} → ${next.tfjsVersion}`);
  if (!prev.packages && next.packages) reasons.push('package versions are now part of the key');
  else if (prev.packages && next.packages) {
    for (const name of [...new Set([...Object.keys(prev.packages), ...Object.keys(next.packages)])].sort()) {
      const a = prev.packages[name];
      const b = next.packages[name];
      if (a !== b) reasons.push(!a ? `package ${name} ${b} imported` : !b ? `package ${name} no longer imported` : `package ${name} ${a} → ${b}`);
    }
  }
  for (const id of new Set([...Object.keys(prev.upstream), ...Object.keys(next.upstream)])) {
    if (prev.upstream[id] !== next.upstream[id]) reasons.push(`upstream ${id} changed`);
  }
  return reasons;
}

function diffValues(a: unknown, b: unknown, at: string): string[] {
  if (canonicalJson(a) === canonicalJson(b)) return [];
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => diffValues((a as any)[k], (b as any)[k], `${at}.${k}`));
  }
  return [`${at} ${short(a)} → ${short(b)}`];
}

function short(v: unknown): string {
  const s = v === undefined ? 'unset' : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/**
 * What a consumer depends on in an upstream: its results and side files, not its inputs. So a consumer
 * re-runs when an upstream's numbers change for any reason (a forced re-run on another backend, say).
 */
export function upstreamFingerprint(artifact: { results: unknown; provenance: { sideFiles: Record<string, string> } }, tolerances?: Record<string, Tolerance>): string {
  // Fields the upstream declares measured (wall times) differ run to run: they must not re-key its consumers.
  return sha256(canonicalJson({ results: withoutMeasured(artifact.results, tolerances), sideFiles: artifact.provenance.sideFiles })).slice(0, 24);
}
