import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Builds whose out dir lies outside the working directory (the tests' temporary sites): Astro builds them in
 * <cwd>/.astro/, the folder that also holds its content-layer files, then copies that whole folder to the out dir
 * and deletes it. So the out dir receives the content-layer files too, and a build killed midway leaves its
 * output (_astro/, public/'s files, pages) in .astro/ for the next build to find.
 */

/**
 * Before the build: deletes what an interrupted build left in `dotAstro` (the assets folder, public/'s entries)
 * and returns the entries left, the content layer's own files, to be taken out of the site when it is done.
 */
export async function clearInterruptedBuild(dotAstro: string, siteNames: { assetsDir: string; publicDir: string }): Promise<string[]> {
  if (!existsSync(dotAstro)) return [];
  const debris = new Set([siteNames.assetsDir, ...(existsSync(siteNames.publicDir) ? readdirSync(siteNames.publicDir) : [])]);
  const entries = readdirSync(dotAstro);
  for (const entry of entries.filter((e) => debris.has(e))) await rm(path.join(dotAstro, entry), { recursive: true, force: true });
  return entries.filter((e) => !debris.has(e));
}

/**
 * After the build: deletes the content layer's files (`contentEntries`, from `clearInterruptedBuild`) from the out
 * dir, except a name the site itself publishes: the top level of a page's path (an interrupted build's pages in
 * .astro/ were rebuilt over).
 */
export async function removeContentLayerFiles(out: string, contentEntries: string[], pages: { pathname: string }[]) {
  const published = new Set(['index.html']);
  for (const { pathname } of pages) {
    const top = pathname.replace(/^\/+/, '').split('/')[0];
    if (top) published.add(top).add(`${top}.html`);
  }
  for (const entry of contentEntries.filter((e) => !published.has(e))) await rm(path.join(out, entry), { recursive: true, force: true });
}
