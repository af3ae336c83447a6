// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';
import readoff from './src/integration/readoff.ts';
import site from './src/integration/site.ts';
import { remarkFigureNumbers } from './src/remark/figureNumbers.ts';
import { KATEX_OPTIONS } from './src/remark/mathml.ts';
import { lightTestBuild, lightTestBuildPlugin } from './src/integration/lightTestBuild.ts';

// No request leaves the machine after `npm install` (README): turn off Astro's telemetry and `astro dev`'s
// update check for this project, whatever the machine's own Astro preferences say. Astro reads both
// variables after it has loaded this file, for every command (build, dev, sync, preview).
process.env.ASTRO_TELEMETRY_DISABLED = '1';
process.env.ASTRO_DISABLE_UPDATE_CHECK = 'true';

export default defineConfig({
  // Tests build into a temporary folder; everyone else gets dist/.
  outDir: process.env.READOFF_OUT_DIR || './dist',
  integrations: [readoff(), site(), mdx()],
  markdown: {
    remarkPlugins: [remarkMath, remarkFigureNumbers],
    // KaTeX writes MathML only; src/remark/mathml.ts (run next, by the site integration) says why.
    rehypePlugins: [[rehypeKatex, KATEX_OPTIONS]],
  },
  vite: {
    // The tests' throwaway builds (READOFF_TEST_LIGHT_BUILD=1) leave out the re-run panel's bundle and, as they
    // never read it, the gzip size report (src/integration/lightTestBuild.ts).
    ...(lightTestBuild ? { plugins: [lightTestBuildPlugin()], build: { reportCompressedSize: false } } : {}),
    // Experiments and tfjs never load in the site's bundle; components only read JSON.
    ssr: { external: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node-gpu'] },
    // No worker is bundled by Vite: `astro dev` serves the browser re-run's worker (experiments/browserWorker.ts)
    // from source, and `astro build` has esbuild bundle it (src/rerun/workerBundle.ts, wired in src/integration/site.ts).
  },
});
