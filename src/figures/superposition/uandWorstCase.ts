import * as Plot from '@observablehq/plot';
import type { UandWorstCaseResult } from '../../../experiments/superposition/uandWorstCase';
import type { PlotSpec } from '../../lib/plotRender';
import { PALETTE } from '../palette';

const NAMES = { kaarel: "Kaarel's sign readoff", fitted: 'least squares (balanced, every input)', trained: 'trained network' } as const;
const COLOURS = { kaarel: PALETTE.blue, fitted: PALETTE.vermillion, trained: PALETTE.green } as const;

/** Exact worst |error| over every pair and input against width, per method; Kaarel's against the Gaussian-maximum prediction. */
export function uandWorstCasePlot(results: UandWorstCaseResult): PlotSpec {
  const rows = results.rows.map((r) => ({ ...r, name: NAMES[r.method], y: r.worst.mean, lo: r.worst.min, hi: r.worst.max }));
  const predicted = results.rows.filter((r) => r.predictedWorst !== null).map((r) => ({ d: r.d, y: r.predictedWorst! }));
  const rms = results.rows.map((r) => ({ d: r.d, y: r.rms.mean, name: NAMES[r.method] }));
  const eps = results.setup.epsilon;
  return {
    width: 640,
    height: 360,
    marginLeft: 50,
    x: { type: 'log', label: 'width d', tickFormat: '~s' },
    y: { type: 'log', label: 'error over every pair and input', grid: true },
    color: { legend: true, domain: Object.values(NAMES), range: Object.values(COLOURS) },
    marks: [
      Plot.ruleY([eps], { stroke: 'currentColor', strokeDasharray: '4,3' }),
      Plot.text([eps], { x: () => Math.min(...rows.map((r) => r.d)), y: () => eps, text: () => `ε = ${eps}`, dy: -6, textAnchor: 'start' }),
      Plot.line(predicted, { x: 'd', y: 'y', stroke: COLOURS.kaarel, strokeOpacity: 0.6 }),
      Plot.line(rms, { x: 'd', y: 'y', stroke: 'name', strokeDasharray: '2,3', strokeOpacity: 0.7 }),
      Plot.ruleX(rows, { x: 'd', y1: 'lo', y2: 'hi', stroke: 'name' }),
      Plot.dot(rows, { x: 'd', y: 'y', stroke: 'name', fill: 'name', r: 3 }),
    ],
  };
}

/** Trained networks: the exhaustive worst case and the balanced L_p loss against training steps, one line per run. */
export function uandWorstCaseTraining(results: UandWorstCaseResult): PlotSpec {
  const rows = results.training.map((t) => ({ ...t, run: `d = ${t.d}, layer ${t.layer}`, width: `d = ${t.d}` }));
  return {
    width: 640,
    height: 280,
    marginLeft: 50,
    x: { label: 'training steps' },
    y: { label: 'worst |error| (exhaustive)', grid: true },
    color: { legend: true, scheme: 'viridis', domain: [...new Set(rows.map((r) => r.width))] },
    marks: [
      Plot.ruleY([results.setup.epsilon], { strokeDasharray: '4,3' }),
      Plot.line(rows, { x: 'steps', y: 'worst', z: 'run', stroke: 'width' }),
      Plot.dot(rows.filter((r) => r.stoppedByRule), { x: 'steps', y: 'worst', stroke: 'width', symbol: 'square', r: 4 }),
    ],
  };
}
