import type { AstroIntegration } from 'astro';
import { existsSync, readdirSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { remarkReadoffLabels } from '../remark/labels';
import { numberingOfFile } from '../remark/parts';
import { rehypeFocusableDisplayMath, rehypeSidenotes } from '../remark/sidenotes';
import { stagingDir } from '../lib/figureDownloads';
import { projectRoot } from '../lib/projectRoot';
import * as pagefind from 'pagefind';

/**
 * The reader's site: adds the writeups' numbering (continued across a writeup's parts), cross-reference and sidenote plugins, publishes the figures'
 * downloads staged while pages rendered, and builds the offline search index (Pagefind) over the finished pages.
 */
export default function site(): AstroIntegration {
  let dotAstroEntries: string[] = [];
  return {
    name: 'readoff-site',
    hooks: {
      'astro:config:setup': ({ updateConfig }) => {
        updateConfig({ markdown: { remarkPlugins: [[remarkReadoffLabels, numberingOfFile]], rehypePlugins: [rehypeSidenotes, rehypeFocusableDisplayMath] } });
      },
      'astro:build:start': async () => {
        await rm(stagingDir(), { recursive: true, force: true });
        dotAstroEntries = existsSync(dotAstroDir()) ? readdirSync(dotAstroDir()) : [];
      },
      'astro:build:done': async ({ dir, logger }) => {
        const out = fileURLToPath(dir);
        // An out dir outside the working directory: Astro built the site in <cwd>/.astro/ and moved all of that
        // folder over, its content-layer files (collections/, content-modules.mjs, ...) too. They are not the site.
        if (!out.startsWith(process.cwd())) {
          for (const entry of dotAstroEntries) await rm(path.join(out, entry), { recursive: true, force: true });
        }
        if (existsSync(stagingDir())) await cp(stagingDir(), out, { recursive: true });
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

const dotAstroDir = () => path.join(projectRoot(), '.astro');
