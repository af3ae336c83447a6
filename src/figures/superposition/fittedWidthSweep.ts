import * as Plot from '@observablehq/plot';
import type { FittedWidthSweepResult } from '../../../experiments/superposition/fittedWidthSweep';
import type { PlotSpec } from '../../lib/plotRender';
import { PALETTE } from '../palette';

interface MeanSd { mean: number; sd: number }
interface Row { arm: string; m: number; s: number; d: number; fitted: { rms: MeanSd }; kaarel: { rms: MeanSd }; kaarelPredictedRms: number }
interface LocalSlope { arm: string; dFrom: number; dTo: number; fitted: MeanSd; kaarel: MeanSd }

const SERIES = { domain: ['fitted (least squares)', "Kaarel's readoff", "Kaarel's readoff, predicted", 'slope −1/2'], range: [PALETTE.green, PALETTE.blue, PALETTE.blue, '#999'] };

const armLabel = (r: { m: number; s: number }) => `m = ${r.m}, s = ${r.s}`;

/**
 * RMS error against width on log-log axes, one panel per (m, s): the fitted readoff and Kaarel's closed-form readoff
 * (dots ± sd across replicates), Kaarel's predicted RMS (line), and a slope −1/2 guide through the fitted readoff's widest point.
 */
export function fittedWidthRms(results: FittedWidthSweepResult): PlotSpec {
  const measured = results.rows
    .flatMap((r) => [
      { s: armLabel(r), d: r.d, series: SERIES.domain[0], ...r.fitted.rms },
      { s: armLabel(r), d: r.d, series: SERIES.domain[1], ...r.kaarel.rms },
    ])
    .map((r) => ({ ...r, lo: r.mean - r.sd, hi: r.mean + r.sd }));
  const predicted = results.rows.map((r) => ({ s: armLabel(r), d: r.d, y: r.kaarelPredictedRms, series: SERIES.domain[2] }));
  const guide = [...new Set(results.rows.map((r) => r.arm))].flatMap((arm) => {
    const mine = results.rows.filter((r) => r.arm === arm);
    const last = mine[mine.length - 1];
    return mine.map((r) => ({ s: armLabel(r), d: r.d, y: last.fitted.rms.mean * Math.sqrt(last.d / r.d), series: SERIES.domain[3] }));
  });
  const widths = [...new Set(results.rows.map((r) => r.d))];
  return {
    width: 900,
    height: 320,
    marginLeft: 50,
    fx: { label: null, domain: [...new Set(measured.map((r) => r.s))] },
    x: { type: 'log', label: 'width d', ticks: widths, tickFormat: 'd' },
    y: { type: 'log', label: 'RMS error of the AND readoff', grid: true, tickFormat: '~g' },
    color: { legend: true, ...SERIES },
    marks: [
      Plot.line(guide, { x: 'd', y: 'y', fx: 's', stroke: 'series', strokeDasharray: '2,3' }),
      Plot.line(predicted, { x: 'd', y: 'y', fx: 's', stroke: 'series', strokeOpacity: 0.6 }),
      Plot.line(measured.filter((r) => r.series === SERIES.domain[0]), { x: 'd', y: 'mean', fx: 's', stroke: 'series', strokeOpacity: 0.4 }),
      Plot.ruleX(measured, { x: 'd', y1: 'lo', y2: 'hi', fx: 's', stroke: 'series' }),
      Plot.dot(measured, { x: 'd', y: 'mean', fx: 's', stroke: 'series', r: 2.5 }),
      // The fitted exponents over the whole range with their bootstrap intervals, one line per readoff.
      ...[4, 18].map((dy) => Plot.text(slopeLabels(results).filter((l) => l.dy === dy), { fx: 's', text: 'text', frameAnchor: 'top-right', textAnchor: 'end', dx: -2, dy, fontSize: 9, lineAnchor: 'top' })),
    ],
  };
}

/** Per panel: "slope a [lo, hi]" for the fitted and Kaarel's readoff (95% bootstrap over replicates, all widths). */
export function slopeLabels(results: FittedWidthSweepResult) {
  const f = (v: number) => v.toFixed(2).replace('-', '−');
  return results.rows
    .filter((r, i, all) => all.findIndex((o) => o.arm === r.arm) === i)
    .flatMap((r) => {
      const a = results.byArm[r.arm];
      return [
        { s: armLabel(r), dy: 4, text: `fitted: slope ${f(a.fitted.mean)} [${f(a.fittedCi.lo)}, ${f(a.fittedCi.hi)}]` },
        { s: armLabel(r), dy: 18, text: `Kaarel: slope ${f(a.kaarel.mean)} [${f(a.kaarelCi.lo)}, ${f(a.kaarelCi.hi)}]` },
      ];
    });
}

/** Log-log slope between consecutive widths (± sd across replicates), plotted at their geometric mean; dashed: −1/2. */
export function fittedWidthSlopes(results: FittedWidthSweepResult): PlotSpec {
  const label = new Map(results.rows.map((r) => [r.arm, armLabel(r)]));
  const rows = results.localSlopes.flatMap((r) =>
    (['fitted', 'kaarel'] as const).map((k) => ({
      s: label.get(r.arm)!,
      d: Math.sqrt(r.dFrom * r.dTo),
      series: k === 'fitted' ? SERIES.domain[0] : SERIES.domain[1],
      mean: r[k].mean,
      lo: r[k].mean - r[k].sd,
      hi: r[k].mean + r[k].sd,
    })),
  );
  return {
    width: 900,
    height: 280,
    marginLeft: 55,
    fx: { label: null, domain: [...new Set(results.rows.map((r) => label.get(r.arm)!))] },
    x: { type: 'log', label: 'width d (geometric mean of consecutive widths)', ticks: [...new Set(rows.map((r) => r.d))], tickFormat: '.0f' },
    y: { label: 'local slope of log RMS vs log d', grid: true },
    color: { legend: true, domain: SERIES.domain.slice(0, 2), range: SERIES.range.slice(0, 2) },
    marks: [
      Plot.ruleY([-0.5], { stroke: '#333', strokeDasharray: '4,3' }),
      Plot.ruleY([0], { stroke: '#aaa' }),
      Plot.line(rows, { x: 'd', y: 'mean', fx: 's', stroke: 'series' }),
      Plot.ruleX(rows, { x: 'd', y1: 'lo', y2: 'hi', fx: 's', stroke: 'series' }),
      Plot.dot(rows, { x: 'd', y: 'mean', fx: 's', stroke: 'series', r: 2.5 }),
    ],
  };
}
