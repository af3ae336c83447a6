import * as Plot from '@observablehq/plot';
import type { UandDepthResult } from '../../../experiments/superposition/uandDepth';
import type { PlotSpec } from '../../lib/plotRender';
import { PALETTE } from '../palette';

/** AND error (RMS and 99th percentile) against the number of stacked layers, raw and re-thresholded, one panel per width. */
export function uandDepthPlot(results: UandDepthResult): PlotSpec {
  const rows = results.rows.flatMap((r) => [
    { layer: r.layer, panel: `d = ${r.d}`, series: `${r.mode === 'raw' ? 'raw' : 're-thresholded'}, RMS`, mode: r.mode, y: r.andRms.mean, sd: r.andRms.sd },
    { layer: r.layer, panel: `d = ${r.d}`, series: `${r.mode === 'raw' ? 'raw' : 're-thresholded'}, 99th pct`, mode: r.mode, y: r.andQ99.mean, sd: r.andQ99.sd },
  ]);
  return {
    width: 680,
    height: 300,
    marginLeft: 50,
    fx: { label: null },
    x: { label: 'layer', ticks: results.setup.depth, tickFormat: 'd' },
    y: { type: 'log', label: '|error| of the AND readoffs', grid: true },
    color: { legend: true, domain: ['raw, RMS', 'raw, 99th pct', 're-thresholded, RMS', 're-thresholded, 99th pct'], range: [PALETTE.vermillion, PALETTE.orange, PALETTE.blue, PALETTE.sky] },
    marks: [
      Plot.line(rows, { fx: 'panel', x: 'layer', y: 'y', stroke: 'series' }),
      Plot.ruleX(rows, { fx: 'panel', x: 'layer', y1: (r) => r.y - r.sd, y2: (r) => r.y + r.sd, stroke: 'series' }),
      Plot.dot(rows, { fx: 'panel', x: 'layer', y: 'y', stroke: 'series', r: 3 }),
    ],
  };
}
