import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectCopy } from '../helpers/projectCopy';

// Issue 8, items 4 (a failed build leaves no server chunks) and 5 (a failing <Claim> holding a failing
// <Value> fails with both messages instead of crashing Node), on a one-experiment project: no real runs.
const toy = `import { z } from 'zod';
import { defineExperiment } from './runtime/experiment';
export const toy = defineExperiment({
  id: 'toy', title: 'toy', description: 'one number', module: import.meta.url, tensorflow: false,
  config: z.object({ seed: z.number().int() }).strict(), profiles: { quick: { seed: 0 }, full: { seed: 0 } },
  result: z.object({ and: z.object({ rms: z.number() }) }),
  async run() { return { and: { rms: 0.25 } }; },
});
`;
const page = (body: string) => `---\ntitle: t\ndescription: d\norder: 1\ncard:\n  question: q?\n  headline: { experiment: toy, path: and.rms, label: l }\n  verdict: { experiment: toy, holds: "and.rms >= 0", text: v }\n---\nimport Claim from '../src/components/Claim.astro';\nimport Value from '../src/components/Value.astro';\n\n${body}\n`;

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath ?? (e as any).path, e.name));
  } catch {
    return [];
  }
}

describe('a build that fails while rendering', () => {
  it('reports a failing <Claim> and the failing <Value> inside it, and leaves no server chunks in dist/', async () => {
    const t = await projectCopy({
      registry: { 'toy.ts': toy }, quickArtifacts: false,
      pages: { 'zz.mdx': page('<Claim experiment="toy" holds="and.rms > 10">AND is <Value experiment="toy" path="and.nope" /> terrible</Claim>') },
    });
    try {
      const r = await t.buildIt();
      const out = `${r.stdout}${r.stderr}`;
      expect(r.status, out).not.toBe(0);
      expect(out).toMatch(/Claim failed on \/zz\/: "and\.rms > 10" does not hold for experiment "toy" \(quick profile\): and\.rms = 0\.25/);
      expect(out).toMatch(/Its text failed too: <Value experiment="toy"> on \/zz\/: "and\.nope" is not a numeric path of experiment "toy"'s result schema; nearest valid paths: and\.rms/);
      // Not a crash: no bare stack trace from an unhandled rejection.
      expect(out).not.toMatch(/^Node\.js v/m);
      const dist = path.join(t.root, 'dist');
      expect(filesUnder(dist).filter((f) => f.endsWith('.mjs'))).toEqual([]);
      const absolute = filesUnder(dist).filter((f) => /\.(m?js|json|html)$/.test(f) && readFileSync(f, 'utf8').includes(t.root));
      expect(absolute).toEqual([]);
    } finally {
      await t.cleanup();
    }
  }, 240_000);
});
