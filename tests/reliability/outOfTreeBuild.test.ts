import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clearInterruptedBuild, removeContentLayerFiles } from '../../src/integration/outOfTreeBuild';

// Issue 8: a build killed midway left its _astro/ and public/ files in .astro/; the next build into a folder outside
// the project took them for content-layer files and deleted them from its output (no _astro/, exit 0).
// The hooks' file handling, on folders laid out as Astro leaves them, with Astro's copy of .astro/ done by hand.
const scratch: string[] = [];
afterEach(async () => {
  for (const dir of scratch.splice(0)) await rm(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'readoff-out-of-tree-'));
  scratch.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}
const list = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

describe('a build into a folder outside the project', () => {
  const contentLayer = { '.astro/collections/pages.schema.json': '{}', '.astro/content-modules.mjs': '', '.astro/data-store.json': '[]' };

  async function build(project: string, pages: { pathname: string }[], built: Record<string, string>) {
    const dotAstro = path.join(project, '.astro');
    const siteNames = { assetsDir: '_astro', publicDir: path.join(project, 'public') };
    const content = await clearInterruptedBuild(dotAstro, siteNames);
    for (const [rel, text] of Object.entries(built)) {
      mkdirSync(path.dirname(path.join(dotAstro, rel)), { recursive: true });
      writeFileSync(path.join(dotAstro, rel), text);
    }
    const out = tree({});
    await cp(dotAstro, out, { recursive: true, force: true }); // what Astro does, then it deletes .astro/
    await rm(dotAstro, { recursive: true });
    await removeContentLayerFiles(out, content, pages);
    return out;
  }
  const site = { '_astro/page.new.js': 'new', 'favicon.svg': '<svg/>', 'index.html': '<p>', 'superposition/index.html': '<p>' };
  const pages = [{ pathname: '' }, { pathname: 'superposition/' }];
  const published = ['_astro', '_astro/page.new.js', 'favicon.svg', 'index.html', 'superposition', 'superposition/index.html'];

  it('publishes the site and none of the content layer', async () => {
    const project = tree({ ...contentLayer, 'public/favicon.svg': '<svg/>' });
    expect(list(await build(project, pages, site))).toEqual(published);
  });

  it('after a build killed midway, still publishes _astro/ and public/ files, without the killed build\'s chunks', async () => {
    const project = tree({
      ...contentLayer, 'public/favicon.svg': '<svg/>',
      // what the killed build had written
      '.astro/_astro/page.old.js': 'old', '.astro/favicon.svg': '<svg/>', '.astro/superposition/index.html': '<p>old',
    });
    const out = await build(project, pages, site);
    expect(list(out)).toEqual(published);
    expect(existsSync(path.join(out, '_astro/page.old.js'))).toBe(false);
  });
});
