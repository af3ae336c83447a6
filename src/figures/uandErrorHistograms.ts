import * as Plot from '@observablehq/plot';
import type { PlotSpec } from '../lib/plotRender';

interface Row { fn: 'AND' | 'XOR'; target: 0 | 1; x0: number; x1: number; share: number }

/** Error histograms for targets 0 and 1, AND and XOR side by side, with the affine readoff's ±1/4 marked. */
export function uandErrorHistograms(results: { histogram: Row[]; affine: { andMinimax: number } }): PlotSpec {
  const quarter = results.affine.andMinimax;
  const rows = results.histogram.map((r) => ({ ...r, targetLabel: `target ${r.target}` }));
  return {
    width: 720,
    height: 300,
    marginLeft: 50,
    fx: { label: null },
    x: { label: 'readoff − target', domain: [rows[0].x0, rows[rows.length - 1].x1] },
    y: { label: 'share of inputs', grid: true },
    color: { legend: true, domain: ['target 0', 'target 1'], range: ['#4e79a7', '#e6a117'] },
    marks: [
      Plot.rectY(rows, { x1: 'x0', x2: 'x1', y: 'share', fx: 'fn', fill: 'targetLabel', fillOpacity: 0.6, mixBlendMode: 'multiply' }),
      Plot.ruleX([-quarter, quarter], { stroke: '#333', strokeDasharray: '4,3' }),
      Plot.text([{ x: quarter, fn: 'AND' }], { x: 'x', fx: 'fn', frameAnchor: 'top', dx: 4, textAnchor: 'start', text: () => 'affine best ±1/4' }),
      Plot.ruleY([0]),
    ],
  };
}
