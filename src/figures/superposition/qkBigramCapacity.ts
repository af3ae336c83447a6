import * as Plot from '@observablehq/plot';
import type { QkBigramCapacityResult } from '../../../experiments/superposition/qkBigramCapacity';
import type { PlotSpec } from '../../lib/plotRender';

/**
 * Capacity K* against d_head·d_resid under both criteria, one point per cell (symbol: features per residual
 * dimension), with each criterion's mean proportionality (dashed) and the naive construction K = d_head (crosses).
 */
export function qkBigramCapacityPlot(results: QkBigramCapacityResult): PlotSpec {
  const rows = results.rows.map((r) => ({ ...r, product: r.dHead * r.dResid, features: `n = ${r.featuresPerDim} d_resid` }));
  const xs = [...new Set(rows.map((r) => r.product))].sort((a, b) => a - b);
  const line = (['lenient', 'strict'] as const).flatMap((criterion) => xs.map((x) => ({ x, y: results[criterion].bigramsPerParameterPair * x, criterion })));
  const naive = [...new Map(rows.map((r) => [`${r.product}/${r.dHead}`, { x: r.product, y: r.naive }])).values()];
  return {
    width: 640,
    height: 360,
    marginLeft: 55,
    x: { type: 'log', label: 'd_head × d_resid' },
    y: { type: 'log', label: 'bigrams checked (K*)', grid: true },
    color: { legend: true, domain: ['lenient', 'strict'] },
    symbol: { legend: true },
    marks: [
      Plot.line(line, { x: 'x', y: 'y', z: 'criterion', stroke: 'criterion', strokeDasharray: '4,3', strokeOpacity: 0.7 }),
      Plot.dot(naive, { x: 'x', y: 'y', symbol: 'times', stroke: '#999' }),
      Plot.dot(rows, { x: 'product', y: 'capacity', stroke: 'criterion', symbol: 'features', r: 4 }),
    ],
  };
}
