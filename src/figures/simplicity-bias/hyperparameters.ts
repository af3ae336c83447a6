import * as Plot from '@observablehq/plot';
import type { z } from 'zod';
import type { hyperparameters } from '../../../experiments/simplicity-bias/hyperparameters';
import type { PlotSpec } from '../../lib/plotRender';
import { PALETTE } from '../palette';

type Results = z.output<(typeof hyperparameters)['result']>;

/** Per network variant: the fitted bound's slope with its 95% interval (left) and two shares (right): P of the constants and blind spots. */
export function hyperparameterDots(results: Results): PlotSpec {
  const slope = 'bound slope (bits of log₂ P per leaf)';
  const shares = 'share';
  const rows = results.variants.flatMap((v) => [
    { label: v.label, panel: slope, what: 'slope', value: v.slope },
    { label: v.label, panel: shares, what: 'P(constants)', value: v.pConstants },
    { label: v.label, panel: shares, what: `blind spots (> ${results.gapBits} bits below)`, value: v.blindSpots },
  ]).filter((r) => r.value !== null);
  const minSlope = Math.min(...rows.filter((r) => r.panel === slope).map((r) => r.value as number));
  // One shared x scale: slopes are drawn shifted onto [0, 1] and labelled by text, so both panels stay readable.
  const scaled = rows.map((r) => ({ ...r, x: r.panel === slope ? (r.value as number) / minSlope : (r.value as number), text: (r.value as number).toFixed(2) }));
  return {
    width: 780,
    height: 320,
    marginLeft: 230,
    marginRight: 30,
    fx: { label: null, domain: [slope, shares] },
    x: { label: `slope panel: slope ÷ steepest slope (${minSlope.toFixed(2)}); share panel: share`, domain: [0, 1.05], grid: true },
    y: { label: null, domain: results.variants.map((v) => v.label) },
    color: { legend: true, domain: ['slope', 'P(constants)', `blind spots (> ${results.gapBits} bits below)`], range: ['#333', PALETTE.orange, PALETTE.vermillion] },
    marks: [
      Plot.ruleY(
        results.variants.filter((v) => v.slopeLo !== null && v.slopeHi !== null).map((v) => ({ label: v.label, panel: slope, x1: v.slopeLo! / minSlope, x2: v.slopeHi! / minSlope })),
        { y: 'label', x1: 'x1', x2: 'x2', fx: 'panel', stroke: '#333' },
      ),
      Plot.dot(scaled, { x: 'x', y: 'label', fx: 'panel', fill: 'what', r: 3.5 }),
      Plot.text(scaled.filter((r) => r.panel === slope), { x: 'x', y: 'label', fx: 'panel', text: 'text', dx: 14, fontSize: 9 }),
    ],
  };
}
