import * as Plot from '@observablehq/plot';
import type { BernoulliSweepResult } from '../../../experiments/superposition/bernoulliSweep';
import type { PlotSpec } from '../../lib/plotRender';
import { PALETTE } from '../palette';

interface MeanSd { mean: number; sd: number }
interface CaseRow { bias: MeanSd; variance: MeanSd; biasExact: number; varianceExact: number; biasApprox: number; varianceApprox: number }
interface GridRow { sPrime: number; d: number; p: number; rms: MeanSd; rmsExact: number; cases: Record<'00' | '10' | '11', CaseRow> }
interface BestRow { sPrime: number; d: number; p: MeanSd; rms: MeanSd; pExact: number; rmsExact: number; pApprox: number }
interface TheoryRow { sPrime: number; d: number; pExact: number; rmsExact: number; pApprox: number }
type Results = BernoulliSweepResult;

const sLabel = (s: number) => `s′ = ${s}`;
const dLabel = (d: number) => `d = ${d}`;
const widthColor = (rows: { d: number }[]) => {
  const ds = [...new Set(rows.map((r) => r.d))].sort((a, b) => a - b);
  return { legend: true, type: 'ordinal' as const, domain: ds.map(dLabel), scheme: 'viridis' as const };
};

/** RMS error against p, one panel per s′, one colour per width: dots ± sd across layers, lines the exact closed form. */
export function bernoulliRms(results: BernoulliSweepResult): PlotSpec {
  const rows = results.grid.map((g) => ({ ...g, sL: sLabel(g.sPrime), dL: dLabel(g.d), y: g.rms.mean, lo: g.rms.mean - g.rms.sd, hi: g.rms.mean + g.rms.sd }));
  return {
    width: 760,
    height: 320,
    marginLeft: 55,
    fx: { label: null, domain: [...new Set(rows.map((r) => r.sL))] },
    x: { type: 'log', label: 'connection probability p', ticks: [0.02, 0.05, 0.1, 0.2, 0.4], tickFormat: '~g' },
    y: { type: 'log', label: 'RMS error (four cases)', grid: true, tickFormat: '~g' },
    color: widthColor(rows),
    marks: [
      Plot.line(rows, { x: 'p', y: 'rmsExact', fx: 'sL', stroke: 'dL', strokeOpacity: 0.7 }),
      Plot.ruleX(rows, { x: 'p', y1: 'lo', y2: 'hi', fx: 'sL', stroke: 'dL' }),
      Plot.dot(rows, { x: 'p', y: 'y', fx: 'sL', stroke: 'dL', r: 2.5 }),
    ],
  };
}

/**
 * Variance of the readoff on the (1,0) and (0,1) cases, given a shared neuron, divided by the source's s′(1−p)/(dp),
 * against dp² (the expected number of shared neurons): measured dots ± sd, the exact Var z·E[1/N | N ≥ 1] over the
 * same approximation as a line per width, and 1 (the approximation itself) as a dashed rule.
 */
export function bernoulliVariance(results: BernoulliSweepResult): PlotSpec {
  const rows = results.grid.map((g) => {
    const c = g.cases['10'];
    const scale = c.varianceApprox;
    return {
      sL: sLabel(g.sPrime),
      dL: dLabel(g.d),
      d: g.d,
      dp2: g.d * g.p * g.p,
      y: c.variance.mean / scale,
      // On a log axis a bar cannot reach zero: where mean − sd ≤ 0 it starts at the dot.
      lo: Math.max(c.variance.mean - c.variance.sd, 0) / scale || c.variance.mean / scale,
      hi: (c.variance.mean + c.variance.sd) / scale,
      exact: c.varianceExact / scale,
    };
  });
  return {
    width: 760,
    height: 320,
    marginLeft: 55,
    fx: { label: null, domain: [...new Set(rows.map((r) => r.sL))] },
    x: { type: 'log', label: 'expected shared neurons dp²', tickFormat: '~g' },
    y: { type: 'log', label: 'variance / [s′(1−p)/(dp)]', grid: true, tickFormat: '~g' },
    color: widthColor(rows),
    marks: [
      Plot.ruleY([1], { stroke: '#333', strokeDasharray: '4,3' }),
      Plot.line(rows, { x: 'dp2', y: 'exact', fx: 'sL', stroke: 'dL', strokeOpacity: 0.7 }),
      Plot.ruleX(rows, { x: 'dp2', y1: 'lo', y2: 'hi', fx: 'sL', stroke: 'dL' }),
      Plot.dot(rows, { x: 'dp2', y: 'y', fx: 'sL', stroke: 'dL', r: 2.5 }),
    ],
  };
}

/**
 * The RMS-optimal p against width, one panel per s′: dots ± sd across layers (parabola-refined grid argmin), the
 * exact optimum as a line extended past the swept widths, and the leading-order (2s′d)^(−1/3) dashed.
 */
export function bernoulliBestP(results: BernoulliSweepResult): PlotSpec {
  const pts = results.bestP.map((b) => ({ sL: sLabel(b.sPrime), d: b.d, y: b.p.mean, lo: b.p.mean - b.p.sd, hi: b.p.mean + b.p.sd }));
  const theory = results.bestPTheory.flatMap((t) => [
    { sL: sLabel(t.sPrime), d: t.d, p: t.pExact, kind: 'exact optimum' },
    { sL: sLabel(t.sPrime), d: t.d, p: t.pApprox, kind: '(2s′d)^(−1/3)' },
  ]);
  return {
    width: 760,
    height: 300,
    marginLeft: 55,
    fx: { label: null, domain: [...new Set(pts.map((r) => r.sL))] },
    x: { type: 'log', label: 'width d', tickFormat: '~s' },
    y: { type: 'log', label: 'best p', grid: true, tickFormat: '~g' },
    color: { legend: true, domain: ['exact optimum', '(2s′d)^(−1/3)', 'measured'], range: [PALETTE.blue, '#999', PALETTE.vermillion] },
    marks: [
      Plot.line(theory.filter((r) => r.kind === 'exact optimum'), { x: 'd', y: 'p', fx: 'sL', stroke: 'kind' }),
      Plot.line(theory.filter((r) => r.kind !== 'exact optimum'), { x: 'd', y: 'p', fx: 'sL', stroke: 'kind', strokeDasharray: '4,3' }),
      Plot.ruleX(pts, { x: 'd', y1: 'lo', y2: 'hi', fx: 'sL', stroke: () => 'measured' }),
      Plot.dot(pts, { x: 'd', y: 'y', fx: 'sL', stroke: () => 'measured', r: 2.5 }),
    ],
  };
}
