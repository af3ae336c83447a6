import * as Plot from '@observablehq/plot';
import type { SuperpositionInputsResult } from '../../../experiments/superposition/superpositionInputs';
import type { PlotSpec } from '../../lib/plotRender';
import { PALETTE } from '../palette';

interface MeanSd { mean: number; sd: number }
type Construction = 'gaussian' | 'bernoulli' | 'bernoulliOrthogonal';
interface Curve { construction: Construction; m: number; d: number; q: MeanSd; qPredicted: number }
interface Required { construction: Construction; m: number; d: MeanSd | null; dPredicted: number | null }
type Results = SuperpositionInputsResult;

const LABEL: Record<Construction, string> = {
  gaussian: 'Gaussian layer, sign readoff',
  bernoulli: '0/1 layer, features in superposition',
  bernoulliOrthogonal: '0/1 layer, orthonormal features',
};
const COLOR: Record<Construction, string> = { gaussian: PALETTE.blue, bernoulli: PALETTE.vermillion, bernoulliOrthogonal: PALETTE.green };

/**
 * 99th percentile of |error| against width d = d0, one panel per construction, one colour per m: dots ± sd across
 * replicates, lines the prediction (dashed for the superposed 0/1 layer's reduced model), the threshold as a rule.
 */
export function superpositionInputsQuantile(results: SuperpositionInputsResult): PlotSpec {
  const rows = results.curves.map((c) => ({
    panel: LABEL[c.construction],
    mL: `m = ${c.m}`,
    d: c.d,
    y: c.q.mean,
    lo: c.q.mean - c.q.sd,
    hi: c.q.mean + c.q.sd,
    pred: c.qPredicted,
  }));
  const ms = [...new Set(results.curves.map((c) => c.m))].sort((a, b) => a - b);
  return {
    width: 760,
    height: 300,
    marginLeft: 55,
    fx: { label: null, domain: (Object.keys(LABEL) as Construction[]).map((k) => LABEL[k]).filter((l) => rows.some((r) => r.panel === l)) },
    x: { type: 'log', label: 'width d = d0', tickFormat: '~s', ticks: [1000, 2000, 4000] },
    y: { label: `${Math.round(results.quantile * 100)}th percentile of |error|`, grid: true },
    color: { legend: true, type: 'ordinal', domain: ms.map((m) => `m = ${m}`), range: ['#9ecae1', '#4292c6', '#08519c', '#08306b', '#000000'].slice(-ms.length) },
    marks: [
      Plot.ruleY([results.epsilon], { stroke: '#333', strokeDasharray: '4,3' }),
      Plot.line(rows, { x: 'd', y: 'pred', fx: 'panel', stroke: 'mL', strokeOpacity: 0.6 }),
      Plot.ruleX(rows, { x: 'd', y1: 'lo', y2: 'hi', fx: 'panel', stroke: 'mL' }),
      Plot.dot(rows, { x: 'd', y: 'y', fx: 'panel', stroke: 'mL', r: 2.5 }),
    ],
  };
}

/**
 * Width needed to bring the quantile below the threshold, against m (log-log): dots ± sd per construction, the
 * reduced model of the superposed 0/1 layer as a line carried to far larger m, reference slopes 2/3 (the paper) and
 * 1/2 (the post's summary) through the model's last point, and the line d = m: left of it the features are not in superposition.
 */
export function superpositionInputsScaling(results: SuperpositionInputsResult): PlotSpec {
  const pts = results.required
    .filter((r) => r.d)
    .map((r) => ({ label: LABEL[r.construction], m: r.m, y: r.d!.mean, lo: r.d!.mean - r.d!.sd, hi: r.d!.mean + r.d!.sd }));
  const predicted = results.required
    .filter((r) => r.construction !== 'bernoulli' && r.dPredicted)
    .map((r) => ({ label: LABEL[r.construction], m: r.m, y: r.dPredicted! }));
  const model = results.model.rows.map((r) => ({ m: r.m, y: r.d }));
  const last = model[model.length - 1];
  const mMin = Math.min(...model.map((r) => r.m), ...pts.map((r) => r.m));
  const refNames = [`slope ${results.references.paper.toFixed(2)} (paper)`, `slope ${results.references.postSummary.toFixed(2)} (post summary)`];
  const refs = [results.references.paper, results.references.postSummary].flatMap((k, i) =>
    [mMin, last.m].map((m) => ({ name: refNames[i], m, y: last.y * (m / last.m) ** k })),
  );
  // d = m up to the model's largest width: above this line the features are not in superposition at all.
  const diagonal = [mMin, last.y].map((m) => ({ m, y: m }));
  const keys = Object.keys(LABEL) as Construction[];
  return {
    width: 760,
    height: 380,
    marginLeft: 60,
    x: { type: 'log', label: 'number of features m', tickFormat: '~s' },
    y: { type: 'log', label: 'width d = d0 needed', grid: true, tickFormat: '~s' },
    color: {
      legend: true,
      domain: [...keys.map((k) => LABEL[k]), 'reduced model (0/1, superposed): model-based, not simulated', ...refNames],
      range: [...keys.map((k) => COLOR[k]), PALETTE.vermillion, '#555', '#bbb'],
    },
    marks: [
      Plot.line(diagonal, { x: 'm', y: 'y', stroke: '#ddd' }),
      Plot.text([diagonal[1]], { x: 'm', y: 'y', text: () => 'd = m', textAnchor: 'end', dx: -4, fill: '#999' }),
      Plot.line(refs, { x: 'm', y: 'y', z: 'name', stroke: 'name', strokeDasharray: '2,3' }),
      Plot.line(model, { x: 'm', y: 'y', stroke: () => 'reduced model (0/1, superposed): model-based, not simulated', strokeDasharray: '6,3' }),
      Plot.text([last], { x: 'm', y: 'y', text: () => 'model-based extrapolation', textAnchor: 'end', dy: -10, fill: PALETTE.vermillion }),
      Plot.line(predicted, { x: 'm', y: 'y', stroke: 'label', strokeOpacity: 0.5 }),
      Plot.ruleX(pts, { x: 'm', y1: 'lo', y2: 'hi', stroke: 'label' }),
      Plot.dot(pts, { x: 'm', y: 'y', stroke: 'label', fill: 'label', r: 3 }),
    ],
  };
}
