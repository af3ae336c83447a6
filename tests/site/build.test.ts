import { spawnSync } from 'node:child_process';
import { cp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseHTML } from 'linkedom';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { makeTempRoot, repoRoot } from '../helpers/tempRoot';

/** The quick-profile build made once by tests/site/globalSetup.ts. */
const out = inject('siteOut');
const build = inject('siteBuild');
let page: Document;

beforeAll(async () => {
  if (build.status === 0) page = parseHTML(await readFile(path.join(out, 'superposition/index.html'), 'utf8')).document as unknown as Document;
});

describe('quick-profile site build', () => {
  it('succeeds', () => {
    expect(build.status, build.log).toBe(0);
  });

  it('renders figures as inline SVG with numbered captions and provenance links that resolve', async () => {
    const figures = [...page.querySelectorAll('figure.readoff-figure')];
    expect(figures.length).toBeGreaterThan(0);
    figures.forEach((fig, i) => {
      expect(fig.querySelector('.plot svg')).not.toBeNull();
      expect(fig.querySelector('figcaption')!.textContent).toContain(`Figure ${i + 1}.`);
    });
    for (const a of page.querySelectorAll('.provenance-card a[href^="/"]')) {
      const href = a.getAttribute('href')!;
      expect(existsSync(path.join(out, href)), href).toBe(true);
    }
    expect(page.querySelector('.provenance-card summary')!.textContent!.replace(/\s+/g, ' ')).toMatch(/quick profile · (wasm|node|node-gpu|cpu) · seed \d+/);
  });

  it('renders math with KaTeX, styled from the site itself (no CDN)', async () => {
    expect(page.querySelectorAll('.katex').length).toBeGreaterThan(5);
    expect(page.querySelector('.katex-display')).not.toBeNull();
    const html = await readFile(path.join(out, 'superposition/index.html'), 'utf8');
    expect(html).not.toMatch(/cdn\.jsdelivr|unpkg\.com|cdnjs/);
    const css = (await readdir(path.join(out, '_astro'))).filter((f) => f.endsWith('.css'));
    const cssText = (await Promise.all(css.map((f) => readFile(path.join(out, '_astro', f), 'utf8')))).join('');
    expect(cssText).toContain('KaTeX_Main');
    expect((await readdir(path.join(out, '_astro'))).some((f) => f.startsWith('KaTeX_Main-Regular') && f.endsWith('.woff2'))).toBe(true);
  });

  it('prints values read from the artifacts, and shows the quick-profile banner', async () => {
    const values = [...page.querySelectorAll('.value')];
    expect(values.length).toBeGreaterThanOrEqual(2);
    const artifact = JSON.parse(await readFile(path.join(repoRoot, 'artifacts/quick/uand-frozen-layer.json'), 'utf8'));
    const v = values.find((e) => e.getAttribute('data-path') === 'and.ones.fracBelowQuarter')!;
    expect(v.textContent).toBe(`${(artifact.results.and.ones.fracBelowQuarter * 100).toFixed(1)}%`);
    expect(page.querySelector('.profile-banner')!.textContent).toMatch(/Quick profile/);
    expect(page.querySelectorAll('.claim').length).toBeGreaterThan(0);
  });
});

/** A valid home-page card for test pages (the card is required frontmatter). */
const CARD = 'card:\n  question: q?\n  headline: { experiment: uand-frozen-layer, path: and.all.rms, label: l }\n  verdict: { experiment: uand-frozen-layer, holds: "and.all.rms < 10", text: v }\n';

/** A copy of the project (sharing node_modules and the quick artifacts) that a test may break. */
async function projectCopy() {
  const t = await makeTempRoot();
  for (const item of ['src', 'content', 'experiments', 'astro.config.mjs', 'package.json', 'tsconfig.json']) await cp(path.join(repoRoot, item), path.join(t.root, item), { recursive: true });
  await cp(path.join(repoRoot, 'artifacts/quick'), path.join(t.root, 'artifacts/quick'), { recursive: true });
  await symlink(path.join(repoRoot, 'node_modules'), path.join(t.root, 'node_modules'));
  const buildIt = () => spawnSync('npx', ['astro', 'build'], { cwd: t.root, encoding: 'utf8', env: { ...process.env, READOFF_PROFILE: 'quick', READOFF_OUT_DIR: path.join(t.root, 'dist') }, timeout: 200_000 });
  return { ...t, buildIt };
}

describe('build failures', () => {
  it('a claim that stops holding fails the build, naming the condition and the values', async () => {
    const t = await projectCopy();
    try {
      await writeFile(
        path.join(t.root, 'content/zz-false-claim.mdx'),
        `---\ntitle: t\ndescription: d\norder: 99\n${CARD}---\nimport Claim from '../src/components/Claim.astro';\n\n<Claim experiment="uand-frozen-layer" holds="and.all.rms > 10">AND is terrible</Claim>\n`,
      );
      const r = t.buildIt();
      expect(r.status).not.toBe(0);
      expect(`${r.stdout}${r.stderr}`).toMatch(/Claim failed on \/zz-false-claim\/: "and\.all\.rms > 10" does not hold for experiment "uand-frozen-layer" \(quick profile\): and\.all\.rms = 0\.\d+/);
    } finally {
      await t.cleanup();
    }
  }, 240_000);

  it('a failing experiment fails the build before any page renders, naming the experiment and its error', async () => {
    const t = await projectCopy();
    try {
      await writeFile(
        path.join(t.root, 'experiments/zzFail.ts'),
        `import { z } from 'zod';\nimport { defineExperiment } from './runtime/experiment';\nexport const zzFail = defineExperiment({ id: 'zz-fail', title: 'f', description: 'f', module: import.meta.url, config: z.object({ seed: z.number() }), profiles: { quick: { seed: 0 }, full: { seed: 0 } }, result: z.object({}), async run() { throw new Error('matrix is singular'); } });\n`,
      );
      const index = await readFile(path.join(t.root, 'experiments/index.ts'), 'utf8');
      await writeFile(path.join(t.root, 'experiments/index.ts'), `${index.replace('export const registry: readonly AnyExperiment[] = [', "import { zzFail } from './zzFail';\nexport const registry: readonly AnyExperiment[] = [zzFail, ")}`);
      const r = t.buildIt();
      expect(r.status).not.toBe(0);
      expect(`${r.stdout}${r.stderr}`).toMatch(/Readoff experiments failed \(exit 1\): error: experiment "zz-fail" failed: matrix is singular/);
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/generating static routes/);
    } finally {
      await t.cleanup();
    }
  }, 240_000);
});
