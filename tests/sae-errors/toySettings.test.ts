/**
 * Setting A's dimension sweep: every d (128 included) has both seeds and the same full configuration apart from d and
 * the seed (every head, SAE and control), the sweep collects all of them, and the quick profiles stay small.
 */
import { describe, expect, it } from 'vitest';
import { saeErrorsPage } from '../../experiments/sae-errors';
import { toyConfig } from '../../experiments/sae-errors/toyExperiment';
import { TOY_IDS, TOY_REPLICATE_IDS, toyD128, toyD64, toyReplicates } from '../../experiments/sae-errors/toySettings';
import { toySweep } from '../../experiments/sae-errors/toySweep';

const DS = [16, 32, 64, 128];

describe('Setting A sweep settings', () => {
  it('runs d = 16, 32, 64 and 128, each with seeds 11 and 12, all on the page and upstream of the sweep', () => {
    expect(TOY_IDS).toEqual(DS.map((d) => `sae-toy-d${d}`));
    expect(TOY_REPLICATE_IDS).toEqual(DS.map((d) => `sae-toy-d${d}-seed12`));
    const onPage = saeErrorsPage.experiments.map((e) => e.id);
    for (const id of [...TOY_IDS, ...TOY_REPLICATE_IDS]) {
      expect(onPage).toContain(id);
      expect(toySweep.upstream).toContain(id);
    }
    // Upstreams first: every toy run precedes the sweep on the page.
    expect(onPage.indexOf('sae-toy-sweep')).toBeGreaterThan(Math.max(...[...TOY_IDS, ...TOY_REPLICATE_IDS].map((id) => onPage.indexOf(id))));
  });

  it('gives d = 128 the same full configuration as d = 64, apart from d (same heads, SAEs, controls, budgets)', () => {
    const full = (e: typeof toyD64) => toyConfig.parse(e.profiles.full);
    const { d: d128, ...rest128 } = full(toyD128);
    const { d: d64, ...rest64 } = full(toyD64);
    expect([d64, d128]).toEqual([64, 128]);
    expect(rest128).toEqual(rest64);
    const rep = toyReplicates.find((e) => e.id === 'sae-toy-d128-seed12')!;
    const { seed, ...repRest } = full(rep);
    const { seed: primarySeed, ...primaryRest } = full(toyD128);
    expect([primarySeed, seed]).toEqual([11, 12]);
    expect(repRest).toEqual(primaryRest);
  });

  it("keeps the quick profiles small: every d runs the same heads and SAEs as in full, on fewer steps and rows; d = 128 scans one radius", () => {
    const q128 = toyConfig.parse(toyD128.profiles.quick);
    const q64 = toyConfig.parse(toyD64.profiles.quick);
    const f64 = toyConfig.parse(toyD64.profiles.full);
    expect([q64.d, q128.d]).toEqual([64, 128]);
    expect(q64.headTrain.maxSteps * q64.headTrain.batch).toBeLessThan(f64.headTrain.maxSteps * f64.headTrain.batch / 10);
    expect(q64.saeTrain.steps * q64.saeTrain.batch).toBeLessThan(f64.saeTrain.steps * f64.saeTrain.batch / 10);
    expect(q64.nEval).toBeLessThan(f64.nEval / 10);
    // The page reads four scan radii of d = 64 in quick too; d = 128's scan (most of its cost) has one.
    expect(q64.scan.radii).toHaveLength(4);
    expect(q128.scan.radii).toHaveLength(1);
    const { d: _d128, scan: _s128, ...rest128 } = q128;
    const { d: _d64, scan: _s64, ...rest64 } = q64;
    expect(rest128).toEqual(rest64);
    // The same heads and SAEs as the full profile: the quick run exercises every code path.
    expect(q128.saes).toEqual(toyConfig.parse(toyD128.profiles.full).saes);
    expect(q64.saes).toEqual(f64.saes);
  });
});
