import * as Plot from '@observablehq/plot';
import type { AffineBaselineResult } from '../../../experiments/superposition/affineBaseline';
import type { PlotSpec } from '../../lib/plotRender';

interface Fit { fn: 'AND' | 'XOR'; q: number; p: number; onesError: number; maxAbsError: number; closedFormMseOnesError: number | null }

/** Worst-case error of the loss-optimal affine AND readoff against feature density q, one line per loss exponent p. */
export function affineLpFits(results: AffineBaselineResult): PlotSpec {
  const rows = results.lpFits.filter((f) => f.fn === 'AND').map((f) => ({ ...f, loss: `p = ${f.p}` }));
  const closed = rows.filter((r) => r.closedFormMseOnesError !== null).map((r) => ({ q: r.q, y: -r.closedFormMseOnesError! }));
  return {
    width: 640,
    height: 300,
    marginLeft: 50,
    x: { type: 'log', label: 'q, probability that a feature is on', tickFormat: '~g' },
    y: { label: 'worst-case |error| of the affine AND readoff', domain: [0, 1], grid: true },
    color: { legend: true, scheme: 'viridis' },
    marks: [
      Plot.ruleY([results.andMinimax.maxAbsError], { stroke: '#333', strokeDasharray: '4,3' }),
      Plot.text([{ q: rows[0].q, y: results.andMinimax.maxAbsError }], { x: 'q', y: 'y', text: () => 'minimax 1/4', dy: -8, textAnchor: 'start' }),
      Plot.line(closed, { x: 'q', y: 'y', stroke: '#aaa', strokeWidth: 6, strokeOpacity: 0.5 }),
      Plot.line(rows, { x: 'q', y: 'maxAbsError', stroke: 'loss', marker: 'circle' }),
    ],
  };
}
