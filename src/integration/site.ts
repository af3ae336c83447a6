import type { AstroIntegration } from 'astro';
import { existsSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { remarkReadoffLabels } from '../remark/labels';
import { numberingOfFile } from '../remark/parts';
import { rehypeMathml } from '../remark/mathml';
import { rehypeFocusableDisplayMath, rehypeSidenotes } from '../remark/sidenotes';
import { stagingDir } from '../lib/figureDownloads';
import { projectRoot } from '../lib/projectRoot';
import * as pagefind from 'pagefind';
import { lightTestBuild } from './lightTestBuild';
import { clearInterruptedBuild, removeContentLayerFiles } from './outOfTreeBuild';
import { builtWorkerModule, bundleRerunWorker } from '../rerun/workerBundle';

/**
 * The reader's site: adds the writeups' numbering (continued across a writeup's parts), cross-reference and sidenote plugins, publishes the figures'
 * downloads staged while pages rendered, and builds the offline search index (Pagefind) over the finished pages.
 * On `astro build` it also bundles the browser re-run's worker (src/rerun/workerBundle.ts) into the staged files.
 */
export default function site(): AstroIntegration {
  let contentEntries: string[] = [];
  let siteNames = { assetsDir: '_astro', publicDir: path.join(projectRoot(), 'public') };
  let base = '/';
  /** The bundled worker's site path, known once it is bundled (build:start), before Vite bundles the client. */
  let workerPath: string | undefined;
  return {
    name: 'readoff-site',
    hooks: {
      'astro:config:setup': ({ command, updateConfig }) => {
        updateConfig({ markdown: { remarkPlugins: [[remarkReadoffLabels, numberingOfFile]], rehypePlugins: [rehypeMathml, rehypeSidenotes, rehypeFocusableDisplayMath] } });
        // A light test build has no panel (src/integration/lightTestBuild.ts), so no worker either.
        if (command === 'build' && !lightTestBuild) {
          updateConfig({
            vite: {
              plugins: [builtWorkerModule(() => {
                if (!workerPath) throw new Error('the re-run worker was not bundled before the client (astro:build:start)');
                return workerPath;
              })],
            },
          });
        }
      },
      'astro:config:done': ({ config }) => {
        siteNames = { assetsDir: config.build.assets, publicDir: fileURLToPath(config.publicDir) };
        base = config.base.replace(/\/?$/, '/');
      },
      'astro:build:start': async ({ logger }) => {
        await rm(stagingDir(), { recursive: true, force: true });
        contentEntries = await clearInterruptedBuild(path.join(process.cwd(), '.astro'), siteNames);
        if (lightTestBuild) return;
        const started = Date.now();
        const folder = `${siteNames.assetsDir}/rerun`;
        const bundled = await bundleRerunWorker(path.join(stagingDir(), folder));
        workerPath = `${base}${folder}/${bundled.entry}`;
        logger.info(`re-run worker: ${bundled.files} files, ${(bundled.bytes / 1024).toFixed(0)} kB, in ${Date.now() - started} ms`);
      },
      'astro:build:done': async ({ dir, pages, logger }) => {
        const out = fileURLToPath(dir);
        // An out dir outside the working directory: Astro built the site in <cwd>/.astro/ and moved all of that
        // folder over, its content-layer files (collections/, content-modules.mjs, ...) too. They are not the site.
        if (!out.startsWith(process.cwd())) await removeContentLayerFiles(out, contentEntries, pages);
        if (existsSync(stagingDir())) await cp(stagingDir(), out, { recursive: true });
        if (lightTestBuild) return logger.info('search index: left out (READOFF_TEST_LIGHT_BUILD=1, a throwaway test build)');
        const started = Date.now();
        try {
          const { index, errors } = await pagefind.createIndex({});
          if (!index) throw new Error(`pagefind: ${errors.join('; ')}`);
          const added = await index.addDirectory({ path: out });
          if (added.errors.length) throw new Error(`pagefind: ${added.errors.join('; ')}`);
          const written = await index.writeFiles({ outputPath: path.join(out, 'pagefind') });
          if (written.errors.length) throw new Error(`pagefind: ${written.errors.join('; ')}`);
          logger.info(`search index: ${added.page_count} pages in ${Date.now() - started} ms`);
        } finally {
          await pagefind.close();
        }
      },
    },
  };
}
