import { spawnSync } from 'node:child_process';
import { cp, readdir, readFile, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteBuild } from '../helpers/siteBuild';
import { makeTempRoot, repoRoot } from '../helpers/tempRoot';

/**
 * The quick-profile build made once by tests/site/globalSetup.ts; every writeup page is checked: every page unit of
 * the build manifest, and every part of a writeup split over several pages (content/*.mdx).
 */
const { out, build } = await siteBuild();
/** Slug → parsed page, for every MDX page in content/. */
const pages = new Map<string, Document>();
/** The page units that list experiments in the build manifest. */
let manifestPages: string[] = [];

beforeAll(async () => {
  if (build.status !== 0) return;
  const manifest = JSON.parse(await readFile(path.join(repoRoot, '.readoff/manifest.quick.json'), 'utf8')) as { experiments: { page: string | null }[] };
  manifestPages = [...new Set(manifest.experiments.map((e) => e.page).filter((p): p is string => Boolean(p)))];
  for (const file of (await readdir(path.join(repoRoot, 'content'))).filter((f) => f.endsWith('.mdx'))) {
    const slug = file.replace(/\.mdx$/, '');
    pages.set(slug, parseHTML(await readFile(path.join(out, slug, 'index.html'), 'utf8')).document as unknown as Document);
  }
});

describe('quick-profile site build', () => {
  it('succeeds, and renders a page for every page in the registry', () => {
    expect(build.status, build.log).toBe(0);
    expect(pages.size).toBeGreaterThan(0);
    expect([...pages.keys()]).toContain('superposition');
    expect([...pages.keys()]).toEqual(expect.arrayContaining(manifestPages));
  });

  it('sends nothing over the network: no DNS lookup, no connection (README: no network after npm install)', () => {
    expect(build.network ?? '').toBe('');
  });

  it('renders figures as inline SVG with numbered captions and provenance links that resolve, on every page', async () => {
    for (const [slug, page] of pages) {
      const figures = [...page.querySelectorAll('figure.readoff-figure')];
      expect(figures.length, slug).toBeGreaterThan(0);
      // Numbered in order from 1, or, on a later part of a writeup, from where the earlier parts end (buildPages.test.ts).
      const laterPart = /^Part [2-9]/.test(page.querySelector('.title-block .parts [aria-current="page"]')?.textContent ?? '');
      const first = laterPart ? Number(/Figure (\d+)\./.exec(figures[0].querySelector('figcaption')!.textContent!)![1]) : 1;
      figures.forEach((fig, i) => {
        expect(fig.querySelector('.plot svg'), `${slug} figure ${first + i}`).not.toBeNull();
        expect(fig.querySelector('figcaption')!.textContent).toContain(`Figure ${first + i}.`);
      });
      for (const a of page.querySelectorAll('.provenance-card a[href^="/"]')) {
        const href = a.getAttribute('href')!;
        expect(existsSync(path.join(out, href)), `${slug}: ${href}`).toBe(true);
      }
      expect(page.querySelector('.provenance-card summary')!.textContent!.replace(/\s+/g, ' ')).toMatch(/quick profile · (wasm|node|node-gpu|cpu) · seed \d+/);
    }
  });

  it('renders math with KaTeX, styled from the site itself (no CDN)', async () => {
    for (const [slug, page] of pages) {
      expect(page.querySelectorAll('.katex').length, slug).toBeGreaterThan(0);
      const html = await readFile(path.join(out, slug, 'index.html'), 'utf8');
      expect(html, slug).not.toMatch(/cdn\.jsdelivr|unpkg\.com|cdnjs/);
    }
    const css = (await readdir(path.join(out, '_astro'))).filter((f) => f.endsWith('.css'));
    const cssText = (await Promise.all(css.map((f) => readFile(path.join(out, '_astro', f), 'utf8')))).join('');
    expect(cssText).toContain('KaTeX_Main');
    expect((await readdir(path.join(out, '_astro'))).some((f) => f.startsWith('KaTeX_Main-Regular') && f.endsWith('.woff2'))).toBe(true);
  });

  it('prints values read from the artifacts, and shows the quick-profile banner, on every page', async () => {
    for (const [slug, page] of pages) {
      for (const v of page.querySelectorAll('.value')) {
        const artifact = JSON.parse(await readFile(path.join(repoRoot, 'artifacts/quick', `${v.getAttribute('data-experiment')}.json`), 'utf8'));
        const dotted = v.getAttribute('data-path')!;
        const value = dotted.split('.').slice(dotted.startsWith('config.') ? 1 : 0).reduce((o: any, k) => o[k], dotted.startsWith('config.') ? artifact.config : artifact.results);
        // The title carries the printed number (after any `scale`, which here is ±1 at most).
        const shown = Number(/= (\S+) \(/.exec(v.getAttribute('title')!)?.[1]);
        expect(Math.abs(shown), `${slug}: ${dotted}`).toBe(Math.abs(value));
      }
      expect(page.querySelector('.profile-banner')!.textContent, slug).toMatch(/Quick profile/);
    }
    const sp = pages.get('superposition')!;
    const artifact = JSON.parse(await readFile(path.join(repoRoot, 'artifacts/quick/uand-frozen-layer.json'), 'utf8'));
    const v = [...sp.querySelectorAll('.value')].find((e) => e.getAttribute('data-path') === 'and.ones.fracBelow')!;
    expect(v.textContent).toBe(`${(artifact.results.and.ones.fracBelow * 100).toFixed(1)}%`);
    expect(sp.querySelectorAll('.claim').length).toBeGreaterThan(0);
  });
});

/**
 * A copy of the project (sharing node_modules and the quick artifacts) that a test may break. Its content/ holds
 * only the bibliography, so each build renders just the page a test adds (the experiments are still planned).
 */
async function projectCopy() {
  const t = await makeTempRoot();
  for (const item of ['src', 'experiments', 'astro.config.mjs', 'package.json', 'tsconfig.json']) await cp(path.join(repoRoot, item), path.join(t.root, item), { recursive: true });
  await cp(path.join(repoRoot, 'content'), path.join(t.root, 'content'), { recursive: true, filter: (f) => !f.endsWith('.mdx') });
  await cp(path.join(repoRoot, 'artifacts/quick'), path.join(t.root, 'artifacts/quick'), { recursive: true });
  await symlink(path.join(repoRoot, 'node_modules'), path.join(t.root, 'node_modules'));
  const buildIt = (env: Record<string, string> = {}) => spawnSync('npx', ['astro', 'build'], { cwd: t.root, encoding: 'utf8', env: { ...process.env, READOFF_PROFILE: 'quick', READOFF_OUT_DIR: path.join(t.root, 'dist'), ...env }, timeout: 200_000 });
  return { ...t, buildIt };
}

/** A throwaway page with one experiment, added the way the architecture note says: its folders, its MDX, one registry line. */
const THROWAWAY = {
  'experiments/zz-throwaway/index.ts': `import { definePage } from '../runtime/page';\nimport { zzToy } from './zzToy';\nexport const zzThrowawayPage = definePage({ slug: 'zz-throwaway', experiments: [zzToy] });\n`,
  'experiments/zz-throwaway/zzToy.ts': `import { z } from 'zod';\nimport { defineExperiment } from '../runtime/experiment';\nimport { meanSd, meanSdSchema } from '../lib/stats';\nconst result = z.object({ draws: meanSdSchema, points: z.array(z.object({ x: z.number(), y: z.number() })) });\nexport type ZzToyResult = z.output<typeof result>;\nexport const zzToy = defineExperiment({ id: 'zz-toy', title: 't', description: 'd', module: import.meta.url, config: z.object({ seed: z.number().int(), n: z.number().int() }).strict(), profiles: { quick: { seed: 1, n: 50 }, full: { seed: 1, n: 500 } }, result, async run(cfg, ctx) { const r = ctx.rng('u'); const xs = Array.from({ length: cfg.n }, () => r.uniform()); if (cfg.n < 0) throw new Error('matrix is singular'); return { draws: meanSd(xs), points: xs.slice(0, 10).map((y, x) => ({ x, y })) }; } });\n`,
  'src/figures/zz-throwaway/zzToy.ts': `import * as Plot from '@observablehq/plot';\nimport type { ZzToyResult } from '../../../experiments/zz-throwaway/zzToy';\nimport type { PlotSpec } from '../../lib/plotRender';\nexport function zzToyPlot(results: ZzToyResult): PlotSpec { return { marks: [Plot.dot(results.points, { x: 'x', y: 'y' })] }; }\n`,
  'content/zz-throwaway.mdx': `---\ntitle: t\ndescription: d\norder: 99\ncard:\n  question: q?\n  headline: { experiment: zz-toy, path: draws.mean, label: l }\n  verdict: { experiment: zz-toy, holds: "draws.sd >= 0", text: v }\n---\nimport Figure from '../src/components/Figure.astro';\nimport Value from '../src/components/Value.astro';\nimport Claim from '../src/components/Claim.astro';\nimport { zzToyPlot } from '../src/figures/zz-throwaway/zzToy.ts';\n\nThe mean is <Value experiment="zz-toy" path="draws.mean" /> and $x^2$. <Claim experiment="zz-toy" holds="CONDITION">CLAIM</Claim>\n\n<Figure experiment="zz-toy" plot={zzToyPlot} alt="dots">Ten draws.</Figure>\n`,
};

// Two builds of one project copy. A <Claim> that fails, or names a path its result schema lacks, fails the build in
// tests/reliability/buildFailures.test.ts (a one-experiment project: the same components and the same render step,
// without planning and bundling the whole registry twice more); the messages are checked in componentErrors.test.ts.
describe('adding a page, and build failures (one project copy, builds that render only the throwaway page)', () => {
  let t: Awaited<ReturnType<typeof projectCopy>>;
  const mdx = (condition: string) => THROWAWAY['content/zz-throwaway.mdx'].replace('CONDITION', condition).replace('CLAIM', 'a claim');
  beforeAll(async () => {
    t = await projectCopy();
    for (const [rel, text] of Object.entries(THROWAWAY)) await t.write(rel, text);
    const index = await readFile(path.join(t.root, 'experiments/index.ts'), 'utf8');
    // The one registry line.
    await t.write('experiments/index.ts', index.replace('export const pages: readonly PageDefinition[] = [\n', "import { zzThrowawayPage } from './zz-throwaway/index';\nexport const pages: readonly PageDefinition[] = [\n  zzThrowawayPage,\n"));
  }, 60_000);
  afterAll(() => t.cleanup());

  it('a new page with one experiment builds from its own folders, its MDX and one registry line', async () => {
    await t.write('content/zz-throwaway.mdx', mdx('draws.mean > 0 && draws.sd < 1'));
    const r = t.buildIt();
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    const html = await readFile(path.join(t.root, 'dist/zz-throwaway/index.html'), 'utf8');
    expect(html).toContain('class="value"');
    expect(html).toMatch(/<figure class="readoff-figure"[\s\S]*<svg/);
    const manifest = JSON.parse(await readFile(path.join(t.root, '.readoff/manifest.quick.json'), 'utf8'));
    expect(manifest.experiments.find((e: { id: string }) => e.id === 'zz-toy')).toMatchObject({ page: 'zz-throwaway', stale: false, ranThisBuild: true });
  }, 240_000);

  it('a failing experiment fails the build before any page renders, naming the experiment and its error', async () => {
    await t.write('content/zz-throwaway.mdx', mdx('draws.mean > 0'));
    await t.write('experiments/zz-throwaway/zzToy.ts', THROWAWAY['experiments/zz-throwaway/zzToy.ts'].replace('cfg.n < 0', 'cfg.n > 0'));
    const r = t.buildIt();
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/Readoff experiments failed \(exit 1\): error: experiment "zz-toy" failed: matrix is singular/);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/generating static routes/);
  }, 240_000);
});
