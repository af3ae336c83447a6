import { describe, expect, it } from 'vitest';
import { summarizeErrors } from '../../experiments/superposition/errorStats';
import { hiddenActivations } from '../../experiments/superposition/randomLayer';

describe('hidden activations and error statistics', () => {
  it('compute ReLU of summed rows by hand', () => {
    const W = Float32Array.from([1, -2, 0.5, /* row 1 */ -3, 1, 0.5, /* row 2 */ 2, 2, -2]);
    const out = new Float32Array(3);
    hiddenActivations(W, 3, [0, 2], out);
    expect(Array.from(out)).toEqual([3, 0, 0]);
    hiddenActivations(W, 3, [0, 1], out, 0, 0.5);
    expect(Array.from(out)).toEqual([0, 0, 1.5]);
  });

  it('summarize hand-computed errors', () => {
    const s = summarizeErrors([0.1, -0.3, 0.2, 0.0, 0.5], 0.25);
    expect(s.mean).toBeCloseTo(0.1, 12);
    expect(s.rms).toBeCloseTo(Math.sqrt((0.01 + 0.09 + 0.04 + 0 + 0.25) / 5), 12);
    expect(s.maxAbs).toBe(0.5);
    expect(s.fracBelow).toBe(0.6);
    expect(s.meanAbs).toBeCloseTo(1.1 / 5, 12);
    expect(summarizeErrors([0.1, -0.3, 0.2, 0.0, 0.5], 0.5).fracBelow).toBe(0.8);
    expect(() => summarizeErrors([0.1], 0)).toThrow(/bound/);
    // |e| sorted: 0, .1, .2, .3, .5; type-7 99th percentile = .3 + .96·(.5 − .3)
    expect(s.p99Abs).toBeCloseTo(0.492, 12);
  });
});
