import type { RunContext } from '../runtime/experiment';

/** Draw `samples` functions and count them; ticks progress and checks the time limit every 20,000 draws. */
export function countFunctions(sample: () => number, samples: number, ctx: RunContext, label: string): Map<number, number> {
  const counts = new Map<number, number>();
  const bar = ctx.progress(label, samples);
  const step = 20000;
  for (let done = 0; done < samples; ) {
    const m = Math.min(step, samples - done);
    for (let i = 0; i < m; i++) {
      const f = sample();
      counts.set(f, (counts.get(f) ?? 0) + 1);
    }
    done += m;
    bar.tick(m);
    ctx.signal.throwIfAborted();
  }
  bar.done();
  return counts;
}

/** The same for n ≤ 4, where every function has a slot in a dense array of 2^(2^n) counts. */
export function countFunctionsDense(sample: () => number, n: number, samples: number, ctx: RunContext, label: string): Uint32Array {
  const counts = new Uint32Array(2 ** (1 << n));
  const bar = ctx.progress(label, samples);
  const step = 50000;
  for (let done = 0; done < samples; ) {
    const m = Math.min(step, samples - done);
    for (let i = 0; i < m; i++) counts[sample()]++;
    done += m;
    bar.tick(m);
    ctx.signal.throwIfAborted();
  }
  bar.done();
  return counts;
}
