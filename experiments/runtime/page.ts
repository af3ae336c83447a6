import type { AnyExperiment } from './experiment';

/**
 * A writeup as a unit: its slug names the experiments folder (`experiments/<slug>/`), the figures folder
 * (`src/figures/<slug>/`), the tests folder (`tests/<slug>/`) and the MDX file (`content/<slug>.mdx`).
 */
export interface PageDefinition {
  slug: string;
  /** The page's experiments, in no particular order (the runner orders them by upstreams). */
  experiments: readonly AnyExperiment[];
}

export function definePage(page: PageDefinition): PageDefinition {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(page.slug)) throw new Error(`page slug "${page.slug}" must be lower-case words joined by '-'`);
  return page;
}

/** The registry: every page's experiments. Throws on a duplicate slug or experiment id, naming both owners. */
export function unionOfPages(pages: readonly PageDefinition[]): { registry: AnyExperiment[]; pageOf: Map<string, string> } {
  const pageOf = new Map<string, string>();
  const slugs = new Set<string>();
  const registry: AnyExperiment[] = [];
  for (const page of pages) {
    if (slugs.has(page.slug)) throw new Error(`page "${page.slug}" is listed twice in the registry`);
    slugs.add(page.slug);
    for (const def of page.experiments) {
      const owner = pageOf.get(def.id);
      if (owner) throw new Error(`experiment id "${def.id}" is listed by page "${owner}" and page "${page.slug}"`);
      pageOf.set(def.id, page.slug);
      registry.push(def);
    }
  }
  return { registry, pageOf };
}
