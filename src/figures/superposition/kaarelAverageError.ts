import * as Plot from '@observablehq/plot';
import type { KaarelAverageErrorResult } from '../../../experiments/superposition/kaarelAverageError';
import type { PlotSpec } from '../../lib/plotRender';
import { PALETTE } from '../palette';

const SERIES = [
  { key: 'allPairs', stat: 'meanAbs', label: 'mean |error|, all pairs' },
  { key: 'allPairs', stat: 'rms', label: 'RMS, all pairs' },
  { key: 'balanced', stat: 'meanAbs', label: 'mean |error|, cases balanced' },
  { key: 'balanced', stat: 'rms', label: 'RMS, cases balanced' },
  { key: '11', stat: 'meanAbs', label: 'mean |error|, both on (11)' },
] as const;

/** √d × error of Kaarel's sign readoff against s: the comment's statistic (mean |error|) and RMS, with the bound of 10 dashed. */
export function kaarelAverageErrorPlot(results: KaarelAverageErrorResult, bound = 10): PlotSpec {
  const rows = results.rows.flatMap((r) =>
    SERIES.map((s) => {
      const v = s.key === '11' ? r.byCase['11'][s.stat] : r[s.key][s.stat];
      return { s: r.s, series: s.label, mean: v.mean, lo: v.mean - v.sd, hi: v.mean + v.sd, dashed: s.stat === 'rms' };
    }),
  );
  return {
    width: 720,
    height: 340,
    marginLeft: 55,
    x: { type: 'log', label: 'active features s', ticks: results.rows.map((r) => r.s), tickFormat: 'd' },
    y: { type: 'log', label: '√d × error', grid: true, tickFormat: '~g' },
    color: { legend: true, domain: SERIES.map((s) => s.label), range: [PALETTE.blue, PALETTE.sky, PALETTE.vermillion, PALETTE.orange, PALETTE.green] },
    marks: [
      Plot.ruleY([bound], { stroke: '#333', strokeDasharray: '4,3' }),
      Plot.text([bound], { y: (v: number) => v, frameAnchor: 'left', dy: -6, dx: 4, textAnchor: 'start', text: () => 'the comment: "less than 10"' }),
      Plot.line(rows.filter((r) => !r.dashed), { x: 's', y: 'mean', stroke: 'series' }),
      Plot.line(rows.filter((r) => r.dashed), { x: 's', y: 'mean', stroke: 'series', strokeDasharray: '3,2' }),
      Plot.ruleX(rows, { x: 's', y1: 'lo', y2: 'hi', stroke: 'series' }),
      Plot.dot(rows, { x: 's', y: 'mean', stroke: 'series', r: 2.5 }),
    ],
  };
}
