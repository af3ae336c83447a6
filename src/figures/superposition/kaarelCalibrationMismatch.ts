import * as Plot from '@observablehq/plot';
import type { KaarelCalibrationMismatchResult } from '../../../experiments/superposition/kaarelCalibrationMismatch';
import type { PlotSpec } from '../../lib/plotRender';

interface Row { sTest: number; readoff: string; case: string; target: number; mean: { mean: number; sd: number }; predictedMean: number }

const LABEL: Record<string, string> = { 'and-sign': 'AND, sign', 'and-product': 'AND, product', feature: 'x_i alone', xor: 'XOR' };

/** Mean readoff per case against the test compositeness s′, constants calibrated at one s; lines are the predictions, ticks the targets. */
export function kaarelCalibrationMismatch(results: KaarelCalibrationMismatchResult): PlotSpec {
  const sCal = results.constants.sCal;
  const rows = results.rows.map((r) => ({
    ...r,
    panel: LABEL[r.readoff] ?? r.readoff,
    caseLabel: `(${r.case[0]},${r.case[1]})`,
    y: r.mean.mean,
    lo: r.mean.mean - r.mean.sd,
    hi: r.mean.mean + r.mean.sd,
  }));
  return {
    width: 760,
    height: 300,
    marginLeft: 45,
    fx: { label: null, domain: Object.values(LABEL).filter((l) => rows.some((r) => r.panel === l)) },
    x: { label: 'features on at test, s′', ticks: [...new Set(rows.map((r) => r.sTest))], tickFormat: 'd' },
    y: { label: 'mean readoff', grid: true },
    color: { legend: true, scheme: 'tableau10', domain: ['(0,0)', '(1,0)', '(0,1)', '(1,1)'] },
    marks: [
      Plot.ruleX([sCal], { stroke: '#bbb', strokeDasharray: '3,3' }),
      Plot.line(rows, { x: 'sTest', y: 'predictedMean', fx: 'panel', stroke: 'caseLabel', z: (r) => `${r.caseLabel}`, strokeOpacity: 0.6 }),
      Plot.ruleX(rows, { x: 'sTest', y1: 'lo', y2: 'hi', fx: 'panel', stroke: 'caseLabel' }),
      Plot.dot(rows, { x: 'sTest', y: 'y', fx: 'panel', stroke: 'caseLabel', r: 2.5 }),
    ],
  };
}
