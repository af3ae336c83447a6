import * as Plot from '@observablehq/plot';
import type { BernoulliCorrectedSweepResult } from '../../../experiments/superposition/bernoulliCorrectedSweep';
import type { PlotSpec } from '../../lib/plotRender';
import { PALETTE } from '../palette';

/** Best RMS over the p grid against width, plain and bias-corrected readoff, one panel per s′, with fitted exponents. */
export function bernoulliCorrectedBest(results: BernoulliCorrectedSweepResult): PlotSpec {
  const rows = results.best.map((b) => ({ ...b, name: b.readoff === 'plain' ? "post's readoff" : 'bias-corrected', panel: `s′ = ${b.sPrime}`, y: b.rms.mean, lo: b.rms.mean - b.rms.sd, hi: b.rms.mean + b.rms.sd }));
  const notes = results.exponents.map((e) => ({
    panel: `s′ = ${e.sPrime}`,
    readoff: e.readoff,
    text: `${e.readoff === 'plain' ? 'post' : 'corrected'}: d^${e.exponent.estimate.toFixed(2)} [${e.exponent.lo.toFixed(2)}, ${e.exponent.hi.toFixed(2)}]`,
  }));
  const dMin = results.setup.dMin;
  return {
    width: 680,
    height: 300,
    marginLeft: 50,
    fx: { label: null },
    x: { type: 'log', label: 'width d', tickFormat: '~s' },
    y: { type: 'log', label: 'best RMS error over p', grid: true },
    color: { legend: true, domain: ["post's readoff", 'bias-corrected'], range: [PALETTE.vermillion, PALETTE.blue] },
    marks: [
      Plot.line(rows, { fx: 'panel', x: 'd', y: 'y', stroke: 'name' }),
      Plot.ruleX(rows, { fx: 'panel', x: 'd', y1: 'lo', y2: 'hi', stroke: 'name' }),
      Plot.dot(rows, { fx: 'panel', x: 'd', y: 'y', stroke: 'name', r: 3 }),
      Plot.text(notes.filter((n) => n.readoff === 'plain'), { fx: 'panel', x: () => dMin, y: () => 0.06, text: 'text', textAnchor: 'start', fontSize: 10 }),
      Plot.text(notes.filter((n) => n.readoff === 'corrected'), { fx: 'panel', x: () => dMin, y: () => 0.045, text: 'text', textAnchor: 'start', fontSize: 10 }),
    ],
  };
}
