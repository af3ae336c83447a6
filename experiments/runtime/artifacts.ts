import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { cacheKey, type KeyInputs } from './cacheKey';
import { canonicalJson, sha256 } from './canonicalJson';
import { writeFileAtomic, type AtomicWriteHooks } from './atomicWrite';

/** Where an artifact lives and what it records about how it was made. */
export const provenanceSchema = z.object({
  cacheKey: z.string(),
  /** The inputs the cache key hashes, kept so `--explain` can say which one changed. */
  keyInputs: z.object({
    sources: z.record(z.string()),
    imports: z.record(z.array(z.string())).optional(),
    config: z.unknown(),
    profile: z.string(),
    tfjsVersion: z.string(),
    packages: z.record(z.string()).optional(),
    upstream: z.record(z.string()),
  }),
  /** Repo-relative path of the module that declares the experiment. */
  module: z.string(),
  backend: z.string(),
  tfjsVersion: z.string(),
  nodeVersion: z.string(),
  platform: z.string(),
  gitCommit: z.string().nullable(),
  gitDirty: z.boolean().nullable(),
  seed: z.number().int(),
  startedAt: z.string(),
  /** Seconds of computation, summed over units (what the experiment costs on one core, however it was spread). */
  wallSeconds: z.number().nonnegative(),
  /** CPU seconds (user + system) of the processes that computed the units, summed; a busy machine barely moves it. */
  cpuSeconds: z.number().nonnegative().optional(),
  /** Side files (trained weights, …) beside the artifact: name → sha256. */
  sideFiles: z.record(z.string()),
  /** sha256 of the experiment's source graph (the `sources` key input): which code made these numbers. */
  sourceHash: z.string().optional(),
  /**
   * Whether every file of that source graph was committed at `gitCommit` when the artifact was written;
   * false means the commit does not hold the code that made it (`--check` fails on such a full artifact).
   */
  sourcesCommitted: z.boolean().nullable().optional(),
  /** Hash of everything else in the artifact, checked on every read: a hand edit is never rendered. */
  contentHash: z.object({ sha256: z.string(), /** Short hashes of the parts, to name an edited field. */ fields: z.record(z.string()) }).optional(),
  /** Experiments declared as units: how many, and the shards (`i/n`) that computed them when merged from shards. */
  units: z.object({ count: z.number().int(), shards: z.array(z.string()).optional() }).optional(),
});
export type Provenance = z.infer<typeof provenanceSchema>;

export const artifactEnvelopeSchema = z.object({
  experiment: z.string(),
  title: z.string(),
  profile: z.string(),
  config: z.unknown(),
  provenance: provenanceSchema,
  results: z.unknown(),
});
export type Artifact<R = unknown> = Omit<z.infer<typeof artifactEnvelopeSchema>, 'results'> & { results: R };

export function artifactPath(dir: string, id: string): string {
  return path.join(dir, `${id}.json`);
}

export function sideFileDir(dir: string, id: string): string {
  return path.join(dir, id);
}

/**
 * Write an artifact atomically, with its source hash and content hash filled in. Returns the artifact as
 * stored. When the file already holds the same key, config, results and side files, and its provenance is
 * honest (its sources were committed), it is kept as it is: a forced re-run that changes nothing leaves no diff.
 */
export async function writeArtifact(
  dir: string,
  artifact: Artifact,
  resultSchema: z.ZodTypeAny,
  hooks?: AtomicWriteHooks,
): Promise<{ artifact: Artifact; written: boolean }> {
  // Validate what will be read back: JSON turns NaN and Infinity into null, which must fail here, not on the next build.
  const check = resultSchema.safeParse(JSON.parse(JSON.stringify(artifact.results ?? null)));
  if (!check.success) {
    throw new Error(`experiment "${artifact.experiment}" returned results that do not match its result schema:\n${formatZodIssues(check.error)}`);
  }
  const stored = JSON.parse(JSON.stringify(artifact)) as Artifact;
  stored.provenance.sourceHash = sourceGraphHash(stored.provenance.keyInputs.sources);
  delete stored.provenance.contentHash;
  stored.provenance.contentHash = contentHash(stored);
  artifactEnvelopeSchema.parse(stored);
  const old = await readArtifact(dir, artifact.experiment, resultSchema);
  if (old.status === 'ok' && old.artifact.provenance.sourcesCommitted !== false && sameOutput(old.artifact, stored)) {
    return { artifact: old.artifact, written: false };
  }
  await writeFileAtomic(artifactPath(dir, artifact.experiment), `${JSON.stringify(stored, null, 1)}\n`, hooks);
  return { artifact: stored, written: true };
}

function sameOutput(a: Artifact, b: Artifact): boolean {
  const part = (x: Artifact) => canonicalJson([x.provenance.cacheKey, x.config, x.results, x.provenance.sideFiles]);
  return part(a) === part(b);
}

/** The hash that names the code which made an artifact (shown beside each figure): its modules' contents, not paths. */
export function sourceGraphHash(sources: Record<string, string>): string {
  return sha256(canonicalJson(Object.values(sources).sort()));
}

/** Depth of the parts hashed separately (`results.post.pAtDim` is depth 3). */
const FIELD_DEPTH = 3;

/** sha256 of the artifact without its contentHash, and short hashes of its parts down to FIELD_DEPTH. */
export function contentHash(artifact: Artifact): { sha256: string; fields: Record<string, string> } {
  const body = withoutContentHash(artifact);
  const fields: Record<string, string> = {};
  const walk = (v: unknown, at: string[]) => {
    if (at.length) fields[at.join('.')] = sha256(canonicalJson(v)).slice(0, 8);
    if (at.length < FIELD_DEPTH && isPlainObject(v)) for (const k of Object.keys(v)) walk(v[k], [...at, k]);
  };
  walk(body, []);
  return { sha256: contentDigest(artifact), fields };
}

/** contentHash's sha256 alone: what every read checks (the parts' hashes only name the edit once it fails). */
function contentDigest(artifact: Artifact): string {
  return sha256(canonicalJson(withoutContentHash(artifact)));
}

function withoutContentHash(artifact: Artifact): unknown {
  const { contentHash: _omit, ...provenance } = artifact.provenance;
  return { ...artifact, provenance };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return Boolean(v) && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Why an artifact cannot be trusted as written by the runtime, or undefined when it can: no content hash
 * (written by an older version), a hash mismatch (edited by hand: the edited fields are named), a config
 * that is not the one its cache key was computed from, or a key that does not match its recorded inputs.
 */
export function verifyArtifact(artifact: Artifact): { kind: 'unhashed' | 'modified'; reason: string } | undefined {
  const recorded = artifact.provenance.contentHash;
  if (!recorded) return { kind: 'unhashed', reason: 'no content hash (written before artifacts recorded one); re-run to record it' };
  if (contentDigest(artifact) !== recorded.sha256) {
    const now = contentHash(artifact);
    const changed = Object.keys({ ...recorded.fields, ...now.fields }).filter((f) => recorded.fields[f] !== now.fields[f]);
    // Name the deepest changed parts: a changed leaf also changes every part above it.
    const deepest = changed.filter((f) => !changed.some((g) => g.startsWith(`${f}.`)));
    const named = deepest.length ? `${deepest.slice(0, 5).join(', ')}${deepest.length > 5 ? ` and ${deepest.length - 5} more` : ''} changed` : 'a field changed';
    return { kind: 'modified', reason: `modified by hand: ${named} since the runtime wrote it (its content hash no longer matches)` };
  }
  const keyConfig = artifact.provenance.keyInputs.config;
  if (canonicalJson(artifact.config) !== canonicalJson(keyConfig)) {
    return { kind: 'modified', reason: 'modified by hand: its config is not the config its cache key was computed from (provenance.keyInputs.config)' };
  }
  if (artifact.provenance.cacheKey !== cacheKey(artifact.provenance.keyInputs as KeyInputs)) {
    return { kind: 'modified', reason: 'modified by hand: its cache key does not match its recorded key inputs' };
  }
  return undefined;
}

/** The first number that is not finite (1e999 in a file reads as Infinity), with its path. */
export function firstNonFinite(value: unknown, at: string): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${at} is ${value}, not a finite number`;
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const bad = firstNonFinite(v, `${at}.${k}`);
      if (bad) return bad;
    }
  }
  return undefined;
}

export type ReadResult =
  | { status: 'ok'; artifact: Artifact }
  | { status: 'missing' }
  | {
      status: 'malformed';
      reason: string;
      /** The envelope, when only the results or side files were bad. */
      envelope?: Artifact;
      /** unhashed: written by an older version (stale, not damaged); modified: edited by hand. */
      kind?: 'unhashed' | 'modified';
    };

/** Read and validate an artifact (envelope, results and side-file hashes). Never throws for bad content. */
export async function readArtifact(dir: string, id: string, resultSchema: z.ZodTypeAny): Promise<ReadResult> {
  let text: string;
  try {
    text = await readFile(artifactPath(dir, id), 'utf8');
  } catch (err: any) {
    if (err?.code === 'ENOENT') return { status: 'missing' };
    return { status: 'malformed', reason: String(err?.message ?? err) };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err: any) {
    return { status: 'malformed', reason: `not valid JSON (${err.message})` };
  }
  const env = artifactEnvelopeSchema.safeParse(json);
  if (!env.success) return { status: 'malformed', reason: formatZodIssues(env.error) };
  if (env.data.experiment !== id) return { status: 'malformed', reason: `file names experiment "${env.data.experiment}"` };
  const envelope = env.data as Artifact;
  const nonFinite = firstNonFinite(env.data.results, 'results') ?? firstNonFinite(env.data.config, 'config');
  if (nonFinite) return { status: 'malformed', reason: nonFinite, envelope };
  const res = resultSchema.safeParse(env.data.results);
  if (!res.success) return { status: 'malformed', reason: `results: ${formatZodIssues(res.error)}`, envelope };
  for (const [name, hash] of Object.entries(env.data.provenance.sideFiles)) {
    try {
      const bytes = await readFile(path.join(sideFileDir(dir, id), name));
      if (sha256(bytes) !== hash) return { status: 'malformed', reason: `side file ${name} does not match its hash`, envelope };
    } catch {
      return { status: 'malformed', reason: `side file ${name} is missing`, envelope };
    }
  }
  // Checked on the file as read (before the schema fills defaults or strips fields).
  const trust = verifyArtifact(json as Artifact);
  if (trust) return { status: 'malformed', reason: trust.reason, envelope, kind: trust.kind };
  return { status: 'ok', artifact: { ...env.data, results: res.data } as Artifact };
}

/** One line per issue: `field.path: message`. */
export function formatZodIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((i) => {
      const at = [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)';
      return `  ${at}: ${describeIssue(i)}`;
    })
    .join('\n');
}

function describeIssue(issue: z.ZodIssue): string {
  switch (issue.code) {
    case 'invalid_enum_value':
      return `got ${JSON.stringify(issue.received)}; allowed values: ${issue.options.map((o) => JSON.stringify(o)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown field(s) ${issue.keys.join(', ')}`;
    default:
      return issue.message;
  }
}
