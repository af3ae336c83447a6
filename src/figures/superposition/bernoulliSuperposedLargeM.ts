import * as Plot from '@observablehq/plot';
import type { BernoulliSuperposedLargeMResult } from '../../../experiments/superposition/bernoulliSuperposedLargeM';
import type { PlotSpec } from '../../lib/plotRender';
import { PALETTE } from '../palette';

const name = (readoff: string) => (readoff === 'plain' ? "post's readoff" : 'bias-corrected');

/** Best RMS over p against width, per m/d0 panel: superposed features (solid) and the same layers with orthonormal ones (dashed). */
export function bernoulliSuperposedLargeMPlot(results: BernoulliSuperposedLargeMResult): PlotSpec {
  const rows = results.best.map((b) => ({ ...b, name: name(b.readoff), panel: `m/d0 = ${b.ratio}`, series: `${b.readoff}/${b.features}`, y: b.rms.mean, lo: b.rms.mean - b.rms.sd, hi: b.rms.mean + b.rms.sd }));
  const notes = results.exponents
    .filter((e) => e.features === 'superposed')
    .map((e, t) => ({ panel: `m/d0 = ${e.ratio}`, readoff: e.readoff, text: `${name(e.readoff)}: d^${e.exponent.estimate.toFixed(2)} [${e.exponent.lo.toFixed(2)}, ${e.exponent.hi.toFixed(2)}]`, t }));
  const dMin = Math.min(...rows.map((r) => r.d));
  const yMin = Math.min(...rows.map((r) => r.y));
  return {
    width: 680,
    height: 320,
    marginLeft: 50,
    fx: { label: null },
    x: { type: 'log', label: 'width d = d0', tickFormat: '~s' },
    y: { type: 'log', label: 'best RMS error over p', grid: true },
    color: { legend: true, domain: ["post's readoff", 'bias-corrected'], range: [PALETTE.vermillion, PALETTE.blue] },
    marks: [
      Plot.line(rows.filter((r) => r.features === 'superposed'), { fx: 'panel', x: 'd', y: 'y', stroke: 'name', z: 'series' }),
      Plot.line(rows.filter((r) => r.features === 'orthonormal'), { fx: 'panel', x: 'd', y: 'y', stroke: 'name', z: 'series', strokeDasharray: '4,3', strokeOpacity: 0.7 }),
      Plot.ruleX(rows, { fx: 'panel', x: 'd', y1: 'lo', y2: 'hi', stroke: 'name' }),
      Plot.dot(rows.filter((r) => r.features === 'superposed'), { fx: 'panel', x: 'd', y: 'y', stroke: 'name', r: 3 }),
      Plot.text(notes.filter((n) => n.readoff === 'plain'), { fx: 'panel', x: () => dMin, y: () => yMin * 0.8, text: 'text', textAnchor: 'start', fontSize: 10 }),
      Plot.text(notes.filter((n) => n.readoff === 'corrected'), { fx: 'panel', x: () => dMin, y: () => yMin * 0.62, text: 'text', textAnchor: 'start', fontSize: 10 }),
    ],
  };
}
