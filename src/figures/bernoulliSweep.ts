import * as Plot from '@observablehq/plot';
import type { PlotSpec } from '../lib/plotRender';

interface MeanSd { mean: number; sd: number }
interface CaseRow { bias: MeanSd; variance: MeanSd; biasExact: number; varianceExact: number; biasApprox: number; varianceApprox: number }
interface GridRow { sPrime: number; d: number; p: number; rms: MeanSd; rmsExact: number; cases: Record<'00' | '10' | '11', CaseRow> }
interface BestRow { sPrime: number; d: number; p: MeanSd; rms: MeanSd; pExact: number; rmsExact: number; pApprox: number }
interface TheoryRow { sPrime: number; d: number; pExact: number; rmsExact: number; pApprox: number }
interface Results { grid: GridRow[]; bestP: BestRow[]; bestPTheory: TheoryRow[] }

const sLabel = (s: number) => `s′ = ${s}`;
const dLabel = (d: number) => `d = ${d}`;
const widthColor = (rows: { d: number }[]) => {
  const ds = [...new Set(rows.map((r) => r.d))].sort((a, b) => a - b);
  return { legend: true, type: 'ordinal' as const, domain: ds.map(dLabel), scheme: 'viridis' as const };
};

/** RMS error against p, one panel per s′, one colour per width: dots ± sd across layers, lines the exact closed form. */
export function bernoulliRms(results: Results): PlotSpec {
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
 * Variance of the readoff on the (1,0) and (0,1) cases, given a shared neuron, against dp² (the expected number of
 * shared neurons): measured dots, the exact Var z·E[1/N | N ≥ 1] as a solid line per width, the source's s′(1−p)/(dp)
 * dashed. Both are divided by Var z = s′p(1−p): the exact curve becomes E[1/N | N ≥ 1] and the approximation 1/(dp²).
 */
export function bernoulliVariance(results: Results): PlotSpec {
  const rows = results.grid.map((g) => {
    const varZ = g.sPrime * g.p * (1 - g.p);
    const c = g.cases['10'];
    return {
      sL: sLabel(g.sPrime),
      dL: dLabel(g.d),
      d: g.d,
      dp2: g.d * g.p * g.p,
      y: c.variance.mean / varZ,
      // On a log axis a bar cannot reach zero: where mean − sd ≤ 0 it starts at the dot.
      lo: Math.max(c.variance.mean - c.variance.sd, 0) / varZ || c.variance.mean / varZ,
      hi: (c.variance.mean + c.variance.sd) / varZ,
      exact: c.varianceExact / varZ,
      approx: c.varianceApprox / varZ,
    };
  });
  const approx = rows.map((r) => ({ dp2: r.dp2, approx: r.approx, sL: r.sL })).sort((a, b) => a.dp2 - b.dp2);
  return {
    width: 760,
    height: 320,
    marginLeft: 55,
    fx: { label: null, domain: [...new Set(rows.map((r) => r.sL))] },
    x: { type: 'log', label: 'expected shared neurons dp²', tickFormat: '~g' },
    y: { type: 'log', label: 'variance / Var z', grid: true, tickFormat: '~g' },
    color: widthColor(rows),
    marks: [
      Plot.line(approx, { x: 'dp2', y: 'approx', fx: 'sL', stroke: '#333', strokeDasharray: '4,3' }),
      Plot.line(rows, { x: 'dp2', y: 'exact', fx: 'sL', stroke: 'dL', strokeOpacity: 0.7 }),
      Plot.ruleX(rows, { x: 'dp2', y1: 'lo', y2: 'hi', fx: 'sL', stroke: 'dL' }),
      Plot.dot(rows, { x: 'dp2', y: 'y', fx: 'sL', stroke: 'dL', r: 2.5 }),
      Plot.text([{ sL: rows[0].sL }], { fx: 'sL', frameAnchor: 'top-right', dx: -4, dy: 4, text: () => 'dashed: 1/(dp²)', fontSize: 10 }),
    ],
  };
}

/**
 * The RMS-optimal p against width, one panel per s′: dots ± sd across layers (parabola-refined grid argmin), the
 * exact optimum as a line extended past the swept widths, and the leading-order (2s′d)^(−1/3) dashed.
 */
export function bernoulliBestP(results: Results): PlotSpec {
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
    color: { legend: true, domain: ['exact optimum', '(2s′d)^(−1/3)', 'measured'], range: ['#4e79a7', '#999', '#e15759'] },
    marks: [
      Plot.line(theory.filter((r) => r.kind === 'exact optimum'), { x: 'd', y: 'p', fx: 'sL', stroke: 'kind' }),
      Plot.line(theory.filter((r) => r.kind !== 'exact optimum'), { x: 'd', y: 'p', fx: 'sL', stroke: 'kind', strokeDasharray: '4,3' }),
      Plot.ruleX(pts, { x: 'd', y1: 'lo', y2: 'hi', fx: 'sL', stroke: () => 'measured' }),
      Plot.dot(pts, { x: 'd', y: 'y', fx: 'sL', stroke: () => 'measured', r: 2.5 }),
    ],
  };
}
