import * as Plot from '@observablehq/plot';
import type { KaarelWidthSweepResult } from '../../../experiments/superposition/kaarelWidthSweep';
import type { PlotSpec } from '../../lib/plotRender';
import { PALETTE } from '../palette';

interface MeanSd { mean: number; sd: number }
interface Curve { s: number; d: number; readoff: 'sign' | 'product'; case: string; rms: MeanSd; predictedRms: number; bias: MeanSd }

const READOFF_LABEL = { sign: 'sign readoff', product: 'product readoff' } as const;
const COLORS = { domain: Object.values(READOFF_LABEL), range: [PALETTE.blue, PALETTE.vermillion] };

/** RMS error (pooled over the four balanced cases) against width, one panel per s: dots ± sd across layers, lines the closed form K/√d. */
export function kaarelWidthSweep(results: KaarelWidthSweepResult): PlotSpec {
  const rows = results.curves
    .filter((c) => c.case === 'all')
    .map((c) => ({ ...c, label: READOFF_LABEL[c.readoff], lo: c.rms.mean - c.rms.sd, hi: c.rms.mean + c.rms.sd, sLabel: `s = ${c.s}` }));
  return {
    width: 760,
    height: 300,
    marginLeft: 55,
    fx: { label: null, domain: [...new Set(rows.map((r) => r.sLabel))] },
    x: { type: 'log', label: 'width d', tickFormat: 'd', ticks: [64, 256, 1024, 4096] },
    y: { type: 'log', label: 'RMS error of the AND readoff', grid: true, tickFormat: '~g' },
    color: { legend: true, ...COLORS },
    marks: [
      Plot.line(rows, { x: 'd', y: 'predictedRms', fx: 'sLabel', stroke: 'label', strokeOpacity: 0.6 }),
      Plot.ruleX(rows, { x: 'd', y1: 'lo', y2: 'hi', fx: 'sLabel', stroke: 'label' }),
      Plot.dot(rows, { x: 'd', y: (r) => r.rms.mean, fx: 'sLabel', stroke: 'label', r: 2.5 }),
    ],
  };
}

/** Mean error per case (x_i, x_j) against width, in units of the predicted RMS, one panel per s; zero is the prediction. */
export function kaarelWidthBias(results: KaarelWidthSweepResult): PlotSpec {
  const rows = results.curves
    .filter((c) => c.case !== 'all')
    .map((c) => ({
      ...c,
      label: READOFF_LABEL[c.readoff],
      z: c.bias.mean / c.predictedRms,
      lo: (c.bias.mean - c.bias.sd) / c.predictedRms,
      hi: (c.bias.mean + c.bias.sd) / c.predictedRms,
      sLabel: `s = ${c.s}`,
      caseLabel: `(${c.case[0]},${c.case[1]})`,
    }));
  return {
    width: 760,
    height: 420,
    marginLeft: 55,
    fx: { label: null, domain: [...new Set(rows.map((r) => r.sLabel))] },
    fy: { label: 'case (x_i, x_j)', domain: ['(0,0)', '(1,0)', '(0,1)', '(1,1)'] },
    x: { type: 'log', label: 'width d', tickFormat: 'd', ticks: [64, 256, 1024, 4096] },
    y: { label: 'mean error / predicted RMS', grid: true, ticks: 3 },
    color: { legend: true, ...COLORS },
    marks: [
      Plot.ruleY([0], { stroke: '#333' }),
      Plot.ruleX(rows, { x: 'd', y1: 'lo', y2: 'hi', fx: 'sLabel', fy: 'caseLabel', stroke: 'label' }),
      Plot.dot(rows, { x: 'd', y: 'z', fx: 'sLabel', fy: 'caseLabel', stroke: 'label', r: 2 }),
    ],
  };
}
