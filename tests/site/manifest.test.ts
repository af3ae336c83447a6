import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { numericPaths } from '../../experiments/runtime/schemaPaths';
import { checkNumericPath, nearestPaths } from '../../src/lib/manifest';

const result = z.object({
  and: z.object({ ones: z.object({ rms: z.number(), fracBelowQuarter: z.number() }), label: z.string() }),
  rows: z.array(z.object({ d: z.number().int(), rms: z.object({ mean: z.number(), sd: z.number() }) })),
  byCase: z.record(z.object({ bias: z.number() })),
  maybe: z.number().nullable().optional(),
});
const entry = { id: 'toy', page: 'toy-page', title: 't', module: 'm', profile: 'quick', key: null, backend: null, wallSeconds: null, gitCommit: null, stale: false, ranThisBuild: false, resultPaths: numericPaths(result), configPaths: ['config.d'] };
const manifest = { profile: 'quick', experiments: [entry] };

describe('result paths from the schema', () => {
  it('lists numeric leaves, with # for array indices and * for record keys', () => {
    expect(numericPaths(result).sort()).toEqual(['and.ones.fracBelowQuarter', 'and.ones.rms', 'byCase.*.bias', 'maybe', 'rows.#.d', 'rows.#.rms.mean', 'rows.#.rms.sd']);
  });

  it('accepts valid paths and config paths', () => {
    for (const p of ['and.ones.rms', 'rows.3.rms.mean', 'byCase.11.bias', 'config.d']) expect(() => checkNumericPath('/toy-page/', '<Value>', 'toy', p, manifest)).not.toThrow();
  });

  it('rejects a typo, a non-numeric leaf and an unknown experiment, naming page, path and the nearest valid paths', () => {
    expect(() => checkNumericPath('/toy-page/', '<Value experiment="toy">', 'toy', 'and.ones.rsm', manifest)).toThrow(
      /<Value experiment="toy"> on \/toy-page\/: "and\.ones\.rsm" is not a numeric path of experiment "toy"'s result schema; nearest valid paths: and\.ones\.rms/,
    );
    expect(() => checkNumericPath('/p/', '<Claim>', 'toy', 'and.label', manifest)).toThrow(/not a numeric path/);
    expect(() => checkNumericPath('/p/', '<Claim>', 'toy', 'rows.x.d', manifest)).toThrow(/nearest valid paths: rows\.#\.d/);
    expect(() => checkNumericPath('/p/', '<Claim>', 'toi', 'a', manifest)).toThrow(/unknown experiment "toi"; nearest: toy/);
    expect(nearestPaths('rms', ['a.rms', 'zzzzzz', 'rms.x'], 2)).toEqual(['a.rms', 'rms.x']);
  });
});
