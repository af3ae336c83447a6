import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LoadedBackend } from '../../experiments/runtime/backend';
import { computeUnit } from '../../experiments/runtime/execute';
import { defineExperiment } from '../../experiments/runtime/experiment';
import { WHOLE } from '../../experiments/runtime/units';

// A unit's record keeps CPU seconds beside wall seconds: waiting (a sleep here, a busy machine in practice) adds wall
// time but no CPU time, so budgets can be judged on a loaded machine.
const spinThenSleep = defineExperiment({
  id: 'toy-spin-sleep', title: 'spin, then sleep', description: '0.3 s of computing, then 0.4 s of waiting', module: import.meta.url,
  config: z.object({ seed: z.number().int() }).strict(), profiles: { quick: { seed: 0 }, full: { seed: 0 } },
  result: z.object({ x: z.number() }),
  async run() {
    const cpu0 = process.cpuUsage();
    let x = 0;
    for (;;) {
      for (let i = 0; i < 1e5; i++) x += Math.sqrt(i);
      const c = process.cpuUsage(cpu0);
      if (c.user + c.system > 300_000) break;
    }
    await new Promise((r) => setTimeout(r, 400));
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
    expect(outcome.cpuSeconds).toBeGreaterThanOrEqual(0.3);
    expect(outcome.cpuSeconds).toBeLessThan(0.6);
    expect(outcome.wallSeconds).toBeGreaterThanOrEqual(0.7);
  });
});
