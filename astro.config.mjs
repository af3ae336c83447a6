// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';
import readoff from './src/integration/readoff.ts';
import site from './src/integration/site.ts';
import { remarkFigureNumbers } from './src/remark/figureNumbers.ts';

export default defineConfig({
  // Tests build into a temporary folder; everyone else gets dist/.
  outDir: process.env.READOFF_OUT_DIR || './dist',
  integrations: [readoff(), site(), mdx()],
  markdown: {
    remarkPlugins: [remarkMath, remarkFigureNumbers],
    rehypePlugins: [rehypeKatex],
  },
  vite: {
    // Experiments and tfjs never load in the site's bundle; components only read JSON.
    ssr: { external: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node-gpu'] },
  },
});
