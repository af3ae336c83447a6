import * as Plot from '@observablehq/plot';
import type { QkBigramCapacityResult } from '../../../experiments/superposition/qkBigramCapacity';
import type { PlotSpec } from '../../lib/plotRender';

interface Row { dResid: number; dHead: number; repeat: number; capacity: number; naive: number }

/** Capacity K* against d_head·d_resid, one point per repeat, with the fitted proportionality and the naive K = d_head. */
export function qkBigramCapacityPlot(results: QkBigramCapacityResult): PlotSpec {
  const rows = results.rows.map((r) => ({ ...r, product: r.dHead * r.dResid, resid: `d_resid = ${r.dResid}` }));
  const xs = [...new Set(rows.map((r) => r.product))].sort((a, b) => a - b);
  const line = xs.map((x) => ({ x, y: results.bigramsPerParameterPair * x }));
  const naive = rows.map((r) => ({ x: r.product, y: r.naive }));
  return {
    width: 640,
    height: 340,
    marginLeft: 55,
    x: { type: 'log', label: 'd_head × d_resid' },
    y: { type: 'log', label: 'bigrams checked at 95% (K*)', grid: true },
    color: { legend: true },
    marks: [
      Plot.line(line, { x: 'x', y: 'y', stroke: '#999', strokeDasharray: '4,3' }),
      Plot.dot(naive, { x: 'x', y: 'y', symbol: 'times', stroke: '#999' }),
      Plot.dot(rows, { x: 'product', y: 'capacity', fill: 'resid', r: 4, fillOpacity: 0.8 }),
    ],
  };
}
