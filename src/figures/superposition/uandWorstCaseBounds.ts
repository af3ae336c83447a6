import * as Plot from '@observablehq/plot';
import type { UandWorstCaseBoundsResult } from '../../../experiments/superposition/uandWorstCaseBounds';
import type { PlotSpec } from '../../lib/plotRender';
import { PALETTE } from '../palette';

const NAMES = { kaarel: "Kaarel's sign readoff", fitted: 'least squares (balanced, every input)' } as const;

/** Per m: the found lower bound (dots with the layers' range), the exact worst case where enumerated (rings), the proved upper bound (crosses). */
export function uandWorstCaseBoundsPlot(results: UandWorstCaseBoundsResult): PlotSpec {
  const rows = results.rows.map((r) => ({ ...r, name: NAMES[r.method], panel: `m = ${r.m}`, lo: r.lower.min, hi: r.lower.max, y: r.lower.mean }));
  const exact = rows.filter((r) => r.exact !== null).map((r) => ({ ...r, y: r.exact!.mean }));
  const upper = rows.map((r) => ({ ...r, y: r.upper.mean }));
  const eps = results.setup.epsilon;
  return {
    width: 680,
    height: 340,
    marginLeft: 50,
    fx: { label: null },
    x: { type: 'log', label: 'width d', tickFormat: '~s' },
    y: { type: 'log', label: 'worst |error| over every pair and input', grid: true },
    color: { legend: true, domain: Object.values(NAMES), range: [PALETTE.blue, PALETTE.vermillion] },
    marks: [
      Plot.ruleY([eps], { stroke: 'currentColor', strokeDasharray: '4,3' }),
      Plot.line(rows, { fx: 'panel', x: 'd', y: 'y', stroke: 'name' }),
      Plot.ruleX(rows, { fx: 'panel', x: 'd', y1: 'lo', y2: 'hi', stroke: 'name' }),
      Plot.dot(rows, { fx: 'panel', x: 'd', y: 'y', fill: 'name', r: 3 }),
      Plot.dot(exact, { fx: 'panel', x: 'd', y: 'y', stroke: 'name', r: 6 }),
      Plot.dot(upper, { fx: 'panel', x: 'd', y: 'y', stroke: 'name', symbol: 'times', r: 4 }),
    ],
  };
}
