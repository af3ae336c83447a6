/**
 * The experiments behind the site, as the /reproduce/ page lists them. Read from the artifacts of the site's
 * profile (one per experiment the build ran or restored); the page an experiment belongs to is its folder under
 * experiments/ (page slug = experiments folder).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadArtifact } from './artifactStore';
import { currentProfile } from './profile';
import { projectRoot } from './projectRoot';

export interface ExperimentRow {
  id: string;
  title: string;
  page: string;
  module: string;
  profile: string;
  backend: string;
  wallSeconds: number;
  cacheKey: string;
  commit: string | null;
  dirty: boolean | null;
  startedAt: string;
  /** Whether the artifact's key differs from the current code's, when the build knows; undefined when it does not. */
  stale?: boolean;
}

export function experimentRows(): ExperimentRow[] {
  const profile = currentProfile();
  const dir = path.join(projectRoot(), 'artifacts', profile);
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files
    .map((f) => loadArtifact(f.replace(/\.json$/, '')))
    .map((a) => ({
      id: a.experiment,
      title: a.title,
      page: a.provenance.module.split('/')[1] ?? '',
      module: a.provenance.module,
      profile: a.profile,
      backend: a.provenance.backend,
      wallSeconds: a.provenance.wallSeconds,
      cacheKey: a.provenance.cacheKey,
      commit: a.provenance.gitCommit,
      dirty: a.provenance.gitDirty,
      startedAt: a.provenance.startedAt,
    }))
    .sort((a, b) => a.page.localeCompare(b.page) || a.id.localeCompare(b.id));
}
