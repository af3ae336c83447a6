/**
 * The experiments behind the site, as the /reproduce/ page lists them: the build manifest (written by the
 * experiments CLI before pages render) says each experiment's page, key, backend, wall time, commit and whether its
 * artifact is stale; the artifact adds when it ran and whether the tree was dirty.
 */
import { loadArtifact } from './artifactStore';
import { readManifest } from './manifest';

export interface ExperimentRow {
  id: string;
  title: string;
  /** Slug of the page whose index lists it, or null for one no page lists. */
  page: string | null;
  module: string;
  profile: string;
  backend: string | null;
  wallSeconds: number | null;
  cacheKey: string | null;
  commit: string | null;
  dirty: boolean | null;
  startedAt: string | null;
  stale: boolean;
  ranThisBuild: boolean;
}

export function experimentRows(): ExperimentRow[] {
  return readManifest()
    .experiments.map((e) => {
      let dirty: boolean | null = null;
      let startedAt: string | null = null;
      try {
        const a = loadArtifact(e.id);
        dirty = a.provenance.gitDirty;
        startedAt = a.provenance.startedAt;
      } catch {
        /* a stale or missing artifact: the manifest says so */
      }
      return { id: e.id, title: e.title, page: e.page, module: e.module, profile: e.profile, backend: e.backend, wallSeconds: e.wallSeconds, cacheKey: e.key, commit: e.gitCommit, dirty, startedAt, stale: e.stale, ranThisBuild: e.ranThisBuild };
    })
    .sort((a, b) => (a.page ?? '~').localeCompare(b.page ?? '~') || a.id.localeCompare(b.id));
}
