import * as Plot from '@observablehq/plot';
import type { JakeReplicationResult } from '../../../experiments/superposition/jakeReplication';
import type { PlotSpec } from '../../lib/plotRender';
import { PALETTE } from '../palette';

type Condition = 'trained' | 'frozen' | 'leastSquares';
type Fn = 'and' | 'xor';
interface MeanSd { mean: number; sd: number }
interface HistRow { d: number; condition: Condition; fn: Fn; target: 0 | 1; x0: number; x1: number; share: number }
interface SummaryRow { d: number; condition: Condition; fn: Fn; target: '0' | '1' | 'balanced'; stat: string; mean: number; sd: number }
interface Ratios { frozenOverTrained: Record<Fn, MeanSd>; xorOverAnd: Record<Condition, MeanSd> }
type Results = JakeReplicationResult;

const CONDITION_LABEL: Record<Condition, string> = { trained: 'trained layer', frozen: 'frozen layer, trained readoff', leastSquares: 'frozen layer, least squares' };
const FN_LABEL: Record<Fn, string> = { and: 'AND', xor: 'XOR' };
const CONDITION_COLORS = { domain: Object.values(CONDITION_LABEL), range: [PALETTE.vermillion, PALETTE.blue, PALETTE.green] };

/** The width the histogram figure shows: the middle one (d = 100 in the full profile). */
export function histogramWidth(results: Pick<Results, 'histogram'>): number {
  const widths = [...new Set(results.histogram.map((r) => r.d))].sort((a, b) => a - b);
  return widths[Math.floor(widths.length / 2)];
}

/** |error| histograms for targets 0 and 1: one column per condition, one row per function, the affine 1/4 dashed. */
export function jakeErrorHistograms(results: JakeReplicationResult): PlotSpec {
  const d = histogramWidth(results);
  const rows = results.histogram
    .filter((r) => r.d === d)
    .map((r) => ({ ...r, cond: CONDITION_LABEL[r.condition], fnLabel: FN_LABEL[r.fn], targetLabel: `target ${r.target}` }));
  const quarter = results.affine.andMinimax;
  return {
    width: 780,
    height: 380,
    marginLeft: 50,
    marginRight: 40,
    fx: { label: `d = ${d}`, domain: Object.values(CONDITION_LABEL) },
    fy: { label: null, domain: ['AND', 'XOR'] },
    x: { label: '|readoff − target| (last bin: all larger)', domain: [0, Math.max(...rows.map((r) => r.x1))] },
    y: { label: 'share of outputs', grid: true },
    color: { legend: true, domain: ['target 0', 'target 1'], range: [PALETTE.blue, PALETTE.orange] },
    marks: [
      Plot.rectY(rows, { x1: 'x0', x2: 'x1', y: 'share', fx: 'cond', fy: 'fnLabel', fill: 'targetLabel', fillOpacity: 0.55, mixBlendMode: 'multiply' }),
      Plot.ruleX([quarter], { stroke: '#333', strokeDasharray: '4,3' }),
      Plot.text([{ cond: CONDITION_LABEL.trained, fnLabel: 'AND' }], { x: quarter, fx: 'cond', fy: 'fnLabel', frameAnchor: 'top', dx: 4, dy: 4, textAnchor: 'start', text: () => 'affine AND: 1/4' }),
      Plot.ruleY([0]),
    ],
  };
}

/** Class-balanced RMS error against width, per condition and function (± sd across replicates); dashed: the best affine readoff's error. */
export function jakeRmsByWidth(results: JakeReplicationResult): PlotSpec {
  const rows = results.summary
    .filter((r) => r.target === 'balanced')
    .map((r) => ({ ...r, cond: CONDITION_LABEL[r.condition], fnLabel: FN_LABEL[r.fn], lo: r.mean - r.sd, hi: r.mean + r.sd }));
  const affine = [
    { fnLabel: 'AND', y: results.affine.andMinimax },
    { fnLabel: 'XOR', y: results.affine.xorMinimax },
  ];
  const widths = [...new Set(rows.map((r) => r.d))].sort((a, b) => a - b);
  return {
    width: 720,
    height: 300,
    marginLeft: 55,
    fx: { label: null, domain: ['AND', 'XOR'] },
    x: { type: 'log', label: 'width d', ticks: widths, tickFormat: 'd' },
    y: { label: 'balanced RMS error', grid: true, domain: [0, Math.max(results.affine.xorMinimax, ...rows.map((r) => r.hi)) * 1.05] },
    color: { legend: true, ...CONDITION_COLORS },
    marks: [
      Plot.ruleY(affine, { y: 'y', fx: 'fnLabel', stroke: '#333', strokeDasharray: '4,3' }),
      Plot.text(affine, { y: 'y', fx: 'fnLabel', frameAnchor: 'left', dy: -6, dx: 4, textAnchor: 'start', text: () => 'best affine readoff' }),
      Plot.line(rows, { x: 'd', y: 'mean', fx: 'fnLabel', stroke: 'cond' }),
      Plot.ruleX(rows, { x: 'd', y1: 'lo', y2: 'hi', fx: 'fnLabel', stroke: 'cond' }),
      Plot.dot(rows, { x: 'd', y: 'mean', fx: 'fnLabel', stroke: 'cond', r: 2.5 }),
    ],
  };
}

/** The comment's two ratio claims against width, ± sd across replicates, with the claimed bounds (1.5 and 2) as lines. */
export function jakeClaimRatios(results: JakeReplicationResult): PlotSpec {
  const rows = Object.entries(results.ratios).flatMap(([key, r]) => {
    const d = Number(key.slice(1));
    return [
      ...(['and', 'xor'] as const).map((fn) => ({ d, panel: 'frozen / trained', series: FN_LABEL[fn], ...r.frozenOverTrained[fn] })),
      ...(['trained', 'frozen', 'leastSquares'] as const).map((c) => ({ d, panel: 'XOR / AND', series: CONDITION_LABEL[c], ...r.xorOverAnd[c] })),
    ].map((row) => ({ ...row, lo: row.mean - row.sd, hi: row.mean + row.sd }));
  });
  const bounds = [
    { panel: 'frozen / trained', y: 1.5, label: 'claim: ≤ 1.5' },
    { panel: 'XOR / AND', y: 2, label: 'claim: ≤ 2' },
  ];
  const widths = [...new Set(rows.map((r) => r.d))].sort((a, b) => a - b);
  return {
    width: 720,
    height: 300,
    marginLeft: 55,
    fx: { label: null, domain: ['frozen / trained', 'XOR / AND'] },
    x: { type: 'log', label: 'width d', ticks: widths, tickFormat: 'd' },
    y: { label: 'ratio of balanced RMS errors', grid: true, domain: [0, 2.3] },
    color: { legend: true, domain: ['AND', 'XOR', ...Object.values(CONDITION_LABEL)], range: [PALETTE.orange, PALETTE.purple, ...CONDITION_COLORS.range] },
    marks: [
      Plot.ruleY([1], { stroke: '#aaa' }),
      Plot.ruleY(bounds, { y: 'y', fx: 'panel', stroke: '#333', strokeDasharray: '4,3' }),
      Plot.text(bounds, { y: 'y', fx: 'panel', frameAnchor: 'left', dy: -6, dx: 4, textAnchor: 'start', text: 'label' }),
      Plot.line(rows, { x: 'd', y: 'mean', fx: 'panel', stroke: 'series' }),
      Plot.ruleX(rows, { x: 'd', y1: 'lo', y2: 'hi', fx: 'panel', stroke: 'series' }),
      Plot.dot(rows, { x: 'd', y: 'mean', fx: 'panel', stroke: 'series', r: 2.5 }),
    ],
  };
}
