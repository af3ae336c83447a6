import * as Plot from '@observablehq/plot';
import type { KaarelMIndependenceResult } from '../../../experiments/superposition/kaarelMIndependence';
import type { PlotSpec } from '../../lib/plotRender';

interface MeanSd { mean: number; sd: number }
interface Row { m: number; case: string; rms: MeanSd; predictedRms: number; bias: MeanSd; maxAbs: MeanSd }
interface Growth { m: number; n: number; maxAbs: MeanSd; predictedMax: number; sqrtLogLaw: number }

/** RMS, |bias| and the largest error over all evaluations against the number of features m; lines are m-free predictions. */
export function kaarelMIndependence(results: KaarelMIndependenceResult): PlotSpec {
  const all = results.rows.filter((r) => r.case === 'all');
  const nMax = Math.max(...results.maxGrowth.map((g) => g.n));
  const last = results.maxGrowth.filter((g) => g.n === nMax);
  const measured = [
    ...all.map((r) => ({ m: r.m, metric: 'RMS error', y: r.rms.mean, sd: r.rms.sd })),
    ...last.map((g) => ({ m: g.m, metric: `max |error| of ${nMax}`, y: g.maxAbs.mean, sd: g.maxAbs.sd })),
    ...all.map((r) => ({ m: r.m, metric: '|mean error|', y: Math.abs(r.bias.mean), sd: r.bias.sd })),
  ];
  const predicted = [
    ...all.map((r) => ({ m: r.m, metric: 'RMS error', y: r.predictedRms })),
    ...last.map((g) => ({ m: g.m, metric: `max |error| of ${nMax}`, y: g.predictedMax })),
    ...all.map((r) => ({ m: r.m, metric: '|mean error|', y: 0 })),
  ];
  return {
    width: 640,
    height: 320,
    marginLeft: 50,
    x: { type: 'log', label: 'number of features m', tickFormat: '~s' },
    y: { label: 'error of the sign readoff (d = 512, s = 3)', grid: true },
    color: { legend: true, scheme: 'tableau10' },
    marks: [
      Plot.line(predicted, { x: 'm', y: 'y', stroke: 'metric', strokeOpacity: 0.5, strokeDasharray: '5,3' }),
      Plot.ruleX(measured, { x: 'm', y1: (r) => r.y - r.sd, y2: (r) => r.y + r.sd, stroke: 'metric' }),
      Plot.dot(measured, { x: 'm', y: 'y', stroke: 'metric', r: 3 }),
      Plot.ruleY([0]),
    ],
  };
}

/** Running maximum of |error| after N evaluations, one colour per m, against the expected maximum of N Gaussians. */
export function kaarelMaxGrowth(results: KaarelMIndependenceResult): PlotSpec {
  const rows = results.maxGrowth.map((g) => ({ ...g, mLabel: `m = ${g.m}`, y: g.maxAbs.mean }));
  const firstM = rows[0].m;
  const theory = rows.filter((g) => g.m === firstM);
  return {
    width: 640,
    height: 300,
    marginLeft: 50,
    x: { type: 'log', label: 'evaluations N', tickFormat: '~s' },
    y: { label: 'largest |error| so far', grid: true },
    color: { legend: true, scheme: 'viridis', domain: [...new Set(rows.map((g) => g.m))].sort((a, b) => a - b).map((m) => `m = ${m}`) },
    marks: [
      Plot.line(theory, { x: 'n', y: 'predictedMax', stroke: '#333', strokeWidth: 1.5 }),
      Plot.line(theory, { x: 'n', y: 'sqrtLogLaw', stroke: '#333', strokeDasharray: '4,3' }),
      Plot.text(theory.slice(-1), { x: 'n', y: 'sqrtLogLaw', text: () => 'RMS·√(2 ln N)', dx: -4, dy: -8, textAnchor: 'end' }),
      Plot.dot(rows, { x: 'n', y: 'y', stroke: 'mLabel', r: 2.5 }),
    ],
  };
}
