import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScaled } from '../helpers/load';
import { projectCopy } from '../helpers/projectCopy';

/**
 * Adding a page, in a copy of the project (sharing node_modules and the quick artifacts) that the tests may break.
 * Its content/ holds only the bibliography, so each build renders just the page a test adds (the experiments are
 * still planned). Light test builds (READOFF_TEST_LIGHT_BUILD=1, src/integration/lightTestBuild.ts): no browser
 * opens them, so they leave out the re-run panel's bundle and the search index. This file does not read the shared
 * quick build (tests/site/quickBuild.test.ts does), so it runs beside that build, in the unit project.
 */

/** A throwaway page with one experiment, added the way the architecture note says: its folders, its MDX, one registry line. */
const THROWAWAY = {
  'experiments/zz-throwaway/index.ts': `import { definePage } from '../runtime/page';\nimport { zzToy } from './zzToy';\nexport const zzThrowawayPage = definePage({ slug: 'zz-throwaway', experiments: [zzToy] });\n`,
  'experiments/zz-throwaway/zzToy.ts': `import { z } from 'zod';\nimport { defineExperiment } from '../runtime/experiment';\nimport { meanSd, meanSdSchema } from '../lib/stats';\nconst result = z.object({ draws: meanSdSchema, points: z.array(z.object({ x: z.number(), y: z.number() })) });\nexport type ZzToyResult = z.output<typeof result>;\nexport const zzToy = defineExperiment({ id: 'zz-toy', title: 't', description: 'd', module: import.meta.url, tensorflow: false, config: z.object({ seed: z.number().int(), n: z.number().int() }).strict(), profiles: { quick: { seed: 1, n: 50 }, full: { seed: 1, n: 500 } }, result, async run(cfg, ctx) { const r = ctx.rng('u'); const xs = Array.from({ length: cfg.n }, () => r.uniform()); if (cfg.n < 0) throw new Error('matrix is singular'); return { draws: meanSd(xs), points: xs.slice(0, 10).map((y, x) => ({ x, y })) }; } });\n`,
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
    t = await projectCopy({ pages: {}, outDirOutside: true });
    for (const [rel, text] of Object.entries(THROWAWAY)) await t.write(rel, text);
    const index = await readFile(path.join(t.root, 'experiments/index.ts'), 'utf8');
    // The one registry line.
    await t.write('experiments/index.ts', index.replace('export const pages: readonly PageDefinition[] = [\n', "import { zzThrowawayPage } from './zz-throwaway/index';\nexport const pages: readonly PageDefinition[] = [\n  zzThrowawayPage,\n"));
  }, 60_000);
  afterAll(() => t.cleanup());

  it('a new page with one experiment builds from its own folders, its MDX and one registry line', async () => {
    await t.write('content/zz-throwaway.mdx', mdx('draws.mean > 0 && draws.sd < 1'));
    // What a build killed midway leaves in .astro/ (issue 8): its assets and public/ files must still be published.
    await t.write('.astro/_astro/killed-build.js', '');
    await t.write('.astro/favicon.svg', '<svg/>');
    const r = await t.buildIt();
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    const html = await readFile(path.join(t.dist, 'zz-throwaway/index.html'), 'utf8');
    expect(html).toContain('class="value"');
    expect(html).toMatch(/<figure class="readoff-figure"[\s\S]*<svg/);
    // Built outside the project: the figure's downloads are published, and nothing staged is left beside the pages.
    const svgLink = html.match(/href="[^"]*(figures\/zz-throwaway\/[^"]+\.svg)"/);
    expect(svgLink, 'a download link in the page').not.toBeNull();
    expect((await readFile(path.join(t.dist, svgLink![1]), 'utf8')).startsWith('<?xml')).toBe(true);
    expect((await readdir(t.dist)).filter((f) => /^(readoff-downloads|site-downloads|collections|content-.*\.mjs|\.astro)$/.test(f))).toEqual([]);
    expect(await readdir(t.dist)).toContain('favicon.svg');
    expect(await readdir(path.join(t.dist, '_astro'))).not.toContain('killed-build.js');
    const manifest = JSON.parse(await readFile(path.join(t.root, '.readoff/manifest.quick.json'), 'utf8'));
    expect(manifest.experiments.find((e: { id: string }) => e.id === 'zz-toy')).toMatchObject({ page: 'zz-throwaway', stale: false, ranThisBuild: true });
  }, loadScaled(240_000));

  it('a failing experiment fails the build before any page renders, naming the experiment and its error', async () => {
    await t.write('content/zz-throwaway.mdx', mdx('draws.mean > 0'));
    await t.write('experiments/zz-throwaway/zzToy.ts', THROWAWAY['experiments/zz-throwaway/zzToy.ts'].replace('cfg.n < 0', 'cfg.n > 0'));
    const r = await t.buildIt();
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/Readoff experiments failed \(exit 1\): error: experiment "zz-toy" failed: matrix is singular/);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/generating static routes/);
  }, loadScaled(240_000));
});
