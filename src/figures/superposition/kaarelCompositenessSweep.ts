import * as Plot from '@observablehq/plot';
import type { KaarelCompositenessSweepResult } from '../../../experiments/superposition/kaarelCompositenessSweep';
import type { PlotSpec } from '../../lib/plotRender';
import { PALETTE } from '../palette';

interface Row { s: number; readoff: 'sign' | 'product' | 'fitted'; k: { mean: number; sd: number }; kPredicted: number | null }

const LABEL = { sign: 'sign readoff', product: 'product readoff', fitted: 'least-squares fit' } as const;

/** Error constant RMS·√d against compositeness s: closed-form readoffs beside their quadrature predictions, and a fitted readoff. */
export function kaarelCompositenessSweep(results: KaarelCompositenessSweepResult): PlotSpec {
  const rows = results.rows.map((r) => ({ ...r, label: LABEL[r.readoff], y: r.k.mean, lo: r.k.mean - r.k.sd, hi: r.k.mean + r.k.sd }));
  const predicted = rows.filter((r) => r.kPredicted !== null);
  const ss = [...new Set(rows.map((r) => r.s))];
  const asymptote = ss.map((s) => ({ s, y: results.theory.kOverSLimit * s }));
  return {
    width: 640,
    height: 320,
    marginLeft: 50,
    x: { type: 'log', label: 'features on, s', ticks: ss, tickFormat: 'd' },
    y: { type: 'log', label: 'RMS error × √d', grid: true, tickFormat: '~g' },
    color: { legend: true, domain: (['sign', 'product', 'fitted'] as const).filter((k) => rows.some((r) => r.readoff === k)).map((k) => LABEL[k]), range: [PALETTE.blue, PALETTE.vermillion, PALETTE.green] },
    marks: [
      Plot.line(asymptote, { x: 's', y: 'y', stroke: '#999', strokeDasharray: '2,3' }),
      Plot.text(asymptote.slice(-1), { x: 's', y: 'y', text: () => 'large-s limit (π√π/2)·s', dy: -8, textAnchor: 'end', fill: '#666' }),
      Plot.line(predicted, { x: 's', y: 'kPredicted', stroke: 'label', strokeOpacity: 0.6 }),
      Plot.line(rows.filter((r) => r.readoff === 'fitted'), { x: 's', y: 'y', stroke: 'label', strokeDasharray: '4,3' }),
      Plot.ruleX(rows, { x: 's', y1: 'lo', y2: 'hi', stroke: 'label' }),
      Plot.dot(rows, { x: 's', y: 'y', stroke: 'label', r: 3 }),
    ],
  };
}
