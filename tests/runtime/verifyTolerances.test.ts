import { describe, expect, it } from 'vitest';
import { compareArtifacts } from '../../experiments/runtime/verify';
import type { AnyExperiment } from '../../experiments/runtime/experiment';

const def = { id: 'toy', tolerances: { 'timing.*': { measured: true }, 'timing.count': {} } } as unknown as AnyExperiment;
const artifact = (results: unknown) => ({ results, provenance: { backend: 'wasm', cacheKey: 'k' } });

describe('--verify tolerances', () => {
  it('lists a measured field that moved but does not fail on it, nor count it as drift', () => {
    const { summary, rows } = compareArtifacts(def, artifact({ x: 1.5, timing: { seconds: 2, count: 3 } }), artifact({ x: 1.5, timing: { seconds: 7, count: 3 } }));
    expect(summary.ok).toBe(true);
    expect(summary.maxRelDiff).toBe(0);
    expect(rows.map((r) => r.path)).toEqual(['timing.seconds']);
  });
  it('still fails on a result beside it, and on a more specific exact pattern', () => {
    const moved = compareArtifacts(def, artifact({ x: 1.5, timing: { seconds: 2, count: 3 } }), artifact({ x: 1.6, timing: { seconds: 2, count: 4 } }));
    expect(moved.summary.ok).toBe(false);
    expect(moved.rows.filter((r) => !r.ok).map((r) => r.path).sort()).toEqual(['timing.count', 'x']);
  });
});

describe('upstream fingerprints', () => {
  it('ignore the fields an upstream declares measured, and nothing else', async () => {
    const { upstreamFingerprint } = await import('../../experiments/runtime/cacheKey');
    const art = (x: number, seconds: number) => ({ results: { x, timing: { seconds, count: 3 } }, provenance: { sideFiles: {} } });
    expect(upstreamFingerprint(art(1, 2), def.tolerances)).toBe(upstreamFingerprint(art(1, 9), def.tolerances));
    expect(upstreamFingerprint(art(1, 2), def.tolerances)).not.toBe(upstreamFingerprint(art(2, 2), def.tolerances));
    // Without declared tolerances the fingerprint is the whole results, as before.
    expect(upstreamFingerprint(art(1, 2))).not.toBe(upstreamFingerprint(art(1, 9)));
  });
});
