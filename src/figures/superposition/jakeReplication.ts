import * as Plot from '@observablehq/plot';
import type { JakeReplicationResult } from '../../../experiments/superposition/jakeReplication';
import type { PlotSpec } from '../../lib/plotRender';
import { PALETTE } from '../palette';

type Condition = 'trained' | 'frozen' | 'leastSquares';
type Fn = 'and' | 'xor';
type Results = JakeReplicationResult;
type LossResult = Results['byLoss'][string];

const CONDITIONS: Condition[] = ['trained', 'frozen', 'leastSquares'];
const CONDITION_LABEL: Record<Condition, string> = { trained: 'trained layer', frozen: 'frozen layer, trained readoff', leastSquares: 'frozen layer, least squares' };
const FN_LABEL: Record<Fn, string> = { and: 'AND', xor: 'XOR' };
const CONDITION_COLORS = { domain: Object.values(CONDITION_LABEL), range: [PALETTE.vermillion, PALETTE.blue, PALETTE.green] };
const widthOf = (key: string) => Number(key.slice(1));

/** The first loss setting's results (the only one in jake-replication). */
function mainLoss(results: Results): [string, LossResult] {
  const [first] = Object.entries(results.byLoss);
  if (!first) throw new Error('jake figures: the result has no loss settings');
  return first;
}

/** The width the histogram figure shows: the middle one (d = 100 in the full profile). */
export function histogramWidth(results: Results): number {
  const widths = Object.keys(mainLoss(results)[1].byWidth).map(widthOf).sort((a, b) => a - b);
  return widths[Math.floor(widths.length / 2)];
}

/** Pooled |error| counts of one (loss, width, condition, function) as shares per bin. */
export function histogramRows(results: Results, loss: string, d: number) {
  const bins = Object.values(results.histograms)[0]?.zeros.length ?? 0;
  return CONDITIONS.flatMap((c) =>
    (['and', 'xor'] as const).flatMap((fn) => {
      const h = results.histograms[`${loss}/d${d}/${c}/${fn}`];
      if (!h) return [];
      return (['zeros', 'ones'] as const).flatMap((cls, target) => {
        const counts = h[cls];
        const total = counts.reduce((a, b) => a + b, 0);
        return counts.map((n, b) => ({ cond: CONDITION_LABEL[c], fnLabel: FN_LABEL[fn], targetLabel: `target ${target}`, b, share: total ? n / total : 0 }));
      });
    }),
  ).map((r) => ({ ...r, bins }));
}

/** |error| histograms for targets 0 and 1: one column per condition, one row per function; dashed: each function's affine bound. */
export function jakeErrorHistograms(results: Results, histMax = 1.3): PlotSpec {
  const d = histogramWidth(results);
  const [loss] = mainLoss(results);
  const raw = histogramRows(results, loss, d);
  const binWidth = histMax / (raw[0]?.bins ?? 1);
  const rows = raw.map((r) => ({ ...r, x0: r.b * binWidth, x1: (r.b + 1) * binWidth }));
  const bounds = [
    { fnLabel: 'AND', x: results.affine.andMinimax, label: 'affine AND: 1/4' },
    { fnLabel: 'XOR', x: results.affine.xorMinimax, label: 'affine XOR: 1/2' },
  ];
  return {
    width: 780,
    height: 380,
    marginLeft: 50,
    marginRight: 40,
    fx: { label: `d = ${d}`, domain: Object.values(CONDITION_LABEL) },
    fy: { label: null, domain: ['AND', 'XOR'] },
    x: { label: '|readoff − target| (last bin: all larger)', domain: [0, histMax] },
    y: { label: 'share of outputs', grid: true },
    color: { legend: true, domain: ['target 0', 'target 1'], range: [PALETTE.blue, PALETTE.orange] },
    marks: [
      Plot.rectY(rows, { x1: 'x0', x2: 'x1', y: 'share', fx: 'cond', fy: 'fnLabel', fill: 'targetLabel', fillOpacity: 0.55, mixBlendMode: 'multiply' }),
      Plot.ruleX(bounds, { x: 'x', fy: 'fnLabel', stroke: '#333', strokeDasharray: '4,3' }),
      Plot.text(bounds.map((b) => ({ ...b, cond: CONDITION_LABEL.trained })), { x: 'x', fx: 'cond', fy: 'fnLabel', frameAnchor: 'top', dx: 4, dy: 4, textAnchor: 'start', text: 'label' }),
      Plot.ruleY([0]),
    ],
  };
}

/** Class-balanced RMS error against width, per condition and function (± sd across replicates); dashed: the best affine readoff's error. */
export function jakeRmsByWidth(results: Results): PlotSpec {
  const [, main] = mainLoss(results);
  const rows = Object.entries(main.byWidth).flatMap(([key, w]) =>
    CONDITIONS.flatMap((c) =>
      (['and', 'xor'] as const).map((fn) => {
        const s = w[c][fn].balancedRms;
        return { d: widthOf(key), cond: CONDITION_LABEL[c], fnLabel: FN_LABEL[fn], mean: s.mean, lo: s.mean - s.sd, hi: s.mean + s.sd };
      }),
    ),
  );
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

/** The comment's ratio claims against width, ± sd across replicates: frozen/trained for balanced RMS and for the largest error, and XOR/AND. */
export function jakeClaimRatios(results: Results): PlotSpec {
  const [, main] = mainLoss(results);
  const rows = Object.entries(main.ratios).flatMap(([key, r]) => {
    const d = widthOf(key);
    return [
      ...(['and', 'xor'] as const).map((fn) => ({ d, panel: 'frozen / trained', series: `${FN_LABEL[fn]}, RMS`, ...r.frozenOverTrained[fn] })),
      ...(['and', 'xor'] as const).map((fn) => ({ d, panel: 'frozen / trained', series: `${FN_LABEL[fn]}, largest error`, ...r.frozenOverTrainedMax[fn] })),
      ...CONDITIONS.map((c) => ({ d, panel: 'XOR / AND', series: CONDITION_LABEL[c], ...r.xorOverAnd[c] })),
    ].map((row) => ({ ...row, lo: row.mean - row.sd, hi: row.mean + row.sd }));
  });
  const widths = [...new Set(rows.map((r) => r.d))].sort((a, b) => a - b);
  const series = ['AND, RMS', 'XOR, RMS', 'AND, largest error', 'XOR, largest error', ...Object.values(CONDITION_LABEL)];
  return {
    width: 720,
    height: 300,
    marginLeft: 55,
    fx: { label: null, domain: ['frozen / trained', 'XOR / AND'] },
    x: { type: 'log', label: 'width d', ticks: widths, tickFormat: 'd' },
    y: { label: 'ratio', grid: true, domain: [0, Math.max(2.3, ...rows.map((r) => r.hi))] },
    color: { legend: true, domain: series, range: [PALETTE.orange, PALETTE.purple, PALETTE.sky, '#999', ...CONDITION_COLORS.range] },
    marks: [
      Plot.ruleY([1], { stroke: '#aaa' }),
      Plot.line(rows, { x: 'd', y: 'mean', fx: 'panel', stroke: 'series' }),
      Plot.ruleX(rows, { x: 'd', y1: 'lo', y2: 'hi', fx: 'panel', stroke: 'series' }),
      Plot.dot(rows, { x: 'd', y: 'mean', fx: 'panel', stroke: 'series', r: 2.5 }),
    ],
  };
}

const QUANTITIES = [
  { key: 'balancedRms', label: 'balanced RMS' },
  { key: 'maxAbs', label: 'largest |error|' },
  { key: 'onesFracBelow', label: '1s below bound' },
  { key: 'layerChange', label: 'layer moved' },
] as const;

/**
 * Every reported quantity against training steps (log axis), for the trained and frozen conditions: one line per
 * width through the checkpoints to the end of training (the last point, at the median step count where runs stopped).
 */
export function jakeTrainingLength(results: Results, loss?: string): PlotSpec {
  const [key, main] = loss ? [loss, results.byLoss[loss]] : mainLoss(results);
  if (!main) throw new Error(`jakeTrainingLength: no loss setting ${key}`);
  const rows = Object.entries(main.curves).flatMap(([curve, c]) => {
    const [dKey, fn, condition] = curve.split('/') as [string, Fn, Condition];
    const d = widthOf(dKey);
    const points = [...c.checkpoints.filter((p) => p.step < c.final.step), c.final];
    return points.flatMap((p) =>
      QUANTITIES.map((q) => ({ d, series: `${CONDITION_LABEL[condition]}, d = ${d}`, cond: CONDITION_LABEL[condition], fnLabel: FN_LABEL[fn], quantity: q.label, step: p.step, value: p[q.key] })),
    );
  });
  return {
    width: 780,
    height: 720,
    marginLeft: 60,
    marginRight: 110,
    fx: { label: null, domain: ['AND', 'XOR'] },
    fy: { label: null, domain: QUANTITIES.map((q) => q.label) },
    x: { type: 'log', label: 'training steps (batch 100)', tickFormat: '~s' },
    // One y scale for every row (Plot facets share it): from 0 to the largest value, so no row spills into the next.
    y: { label: null, grid: true, domain: [0, Math.max(1, ...rows.map((r) => r.value)) * 1.05] },
    color: { legend: true, domain: CONDITION_COLORS.domain.slice(0, 2), range: CONDITION_COLORS.range.slice(0, 2) },
    marks: [
      Plot.line(rows, { x: 'step', y: 'value', fx: 'fnLabel', fy: 'quantity', stroke: 'cond', z: 'series', strokeOpacity: 0.8 }),
      Plot.dot(rows, { x: 'step', y: 'value', fx: 'fnLabel', fy: 'quantity', stroke: 'cond', symbol: (r: { d: number }) => `d = ${r.d}`, r: 2.5 }),
    ],
    symbol: { legend: true },
  };
}

/** Per loss setting: balanced RMS, largest |error| and the share of 1-targets below the affine bound, for the three conditions. */
export function jakeLossSweep(results: Results): PlotSpec {
  const stats = [
    { label: 'balanced RMS', pick: (s: LossResult['widest']['stats']['trained']['and']) => s.balancedRms },
    { label: 'largest |error|', pick: (s: LossResult['widest']['stats']['trained']['and']) => s.maxAbs },
    { label: '1s below bound', pick: (s: LossResult['widest']['stats']['trained']['and']) => s.ones.fracBelow },
  ];
  const lossLabel = (l: LossResult) => `p = ${l.p}${l.onesWeight === 1 ? '' : `, ones ×${l.onesWeight}`}`;
  const losses = Object.values(results.byLoss);
  const rows = losses.flatMap((l) =>
    CONDITIONS.flatMap((c) =>
      (['and', 'xor'] as const).flatMap((fn) =>
        stats.map((st) => {
          const v = st.pick(l.widest.stats[c][fn]);
          return { loss: lossLabel(l), cond: CONDITION_LABEL[c], fnLabel: FN_LABEL[fn], stat: st.label, mean: v.mean, lo: v.mean - v.sd, hi: v.mean + v.sd };
        }),
      ),
    ),
  );
  return {
    width: 780,
    height: 560,
    marginLeft: 60,
    marginRight: 110,
    marginBottom: 50,
    fx: { label: null, domain: ['AND', 'XOR'] },
    fy: { label: null, domain: stats.map((s) => s.label) },
    x: { label: 'loss', domain: losses.map(lossLabel), padding: 0.3 },
    y: { label: null, grid: true, domain: [0, Math.max(1, ...rows.map((r) => r.hi)) * 1.05] },
    color: { legend: true, ...CONDITION_COLORS },
    // The three conditions side by side within each loss: a constant offset per condition.
    marks: CONDITIONS.flatMap((c, i) => {
      const mine = rows.filter((r) => r.cond === CONDITION_LABEL[c]);
      const dx = (i - 1) * 8;
      return [
        Plot.ruleX(mine, { x: 'loss', y1: 'lo', y2: 'hi', fx: 'fnLabel', fy: 'stat', stroke: 'cond', dx }),
        Plot.dot(mine, { x: 'loss', y: 'mean', fx: 'fnLabel', fy: 'stat', stroke: 'cond', fill: 'cond', r: 3, dx }),
      ];
    }),
  };
}
