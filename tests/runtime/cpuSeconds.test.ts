import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LoadedBackend } from '../../experiments/runtime/backend';
import { computeUnit } from '../../experiments/runtime/execute';
import { defineExperiment } from '../../experiments/runtime/experiment';
import { WHOLE } from '../../experiments/runtime/units';

// A unit's record keeps CPU seconds beside wall seconds: waiting (a sleep here, a busy machine in practice) adds wall
// time but no CPU time, so budgets can be judged on a loaded machine.
const spinThenSleep = defineExperiment({
  id: 'toy-spin-sleep', title: 'spin, then sleep', description: '0.3 s of spinning, then 0.5 s of waiting', module: import.meta.url, tensorflow: false,
  config: z.object({ seed: z.number().int() }).strict(), profiles: { quick: { seed: 0 }, full: { seed: 0 } },
  result: z.object({ x: z.number() }),
  async run() {
    const t0 = performance.now();
    let x = 0;
    while (performance.now() - t0 < 300) for (let i = 0; i < 1e4; i++) x += Math.sqrt(i);
    await new Promise((r) => setTimeout(r, 500));
    return { x: Number.isFinite(x) ? 1 : 0 };
  },
});

describe('unit timing', () => {
  it('records CPU seconds apart from wall seconds', async () => {
    const backend = { tf: {} as never, name: 'cpu', tfjsVersion: '0', skipped: [], summary: 'cpu' } satisfies LoadedBackend;
    const outcome = await computeUnit(spinThenSleep, {
      experiment: spinThenSleep.id, config: { seed: 0 }, unit: WHOLE, key: 'k', profile: 'quick', upstreams: {},
    }, { backend, sink: { write: () => {}, isTTY: false }, log: () => {} });
    if (!outcome.ok) throw new Error(outcome.message);
    expect(outcome.wallSeconds).toBeGreaterThanOrEqual(0.8);
    // The spin counts (less of it on a busy machine), the sleep does not (helper threads of the process may add a little).
    expect(outcome.cpuSeconds).toBeGreaterThan(0.02);
    expect(outcome.cpuSeconds).toBeLessThan(outcome.wallSeconds - 0.3);
  });
});
