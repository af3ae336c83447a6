import * as Plot from '@observablehq/plot';
import type { AttentionProjectionResult } from '../../../experiments/superposition/attentionProjection';
import type { PlotSpec } from '../../lib/plotRender';

/**
 * The smallest d_head at which every random token wins its own argmax, against the number of tokens (log scale),
 * one dot per draw and d_resid, with each d_resid's fitted line kArgmax = a + b·ln n.
 */
export function attentionDHeadGrowth(results: AttentionProjectionResult): PlotSpec {
  const rows = results.tokens.map((r) => ({ ...r, resid: `d_resid = ${r.dResid}` }));
  const ns = [...new Set(rows.map((r) => r.n))].sort((a, b) => a - b);
  const lines = results.growth.flatMap((g) => {
    const mine = rows.filter((r) => r.dResid === g.dResid);
    const mx = mine.reduce((s, r) => s + Math.log(r.n), 0) / mine.length;
    const my = mine.reduce((s, r) => s + r.kArgmax, 0) / mine.length;
    return ns.map((n) => ({ n, k: my + g.perLogTokens.estimate * (Math.log(n) - mx), resid: `d_resid = ${g.dResid}` }));
  });
  return {
    width: 640,
    height: 320,
    marginLeft: 50,
    x: { type: 'log', label: 'number of tokens n', ticks: ns },
    y: { label: 'smallest d_head for the argmax', grid: true, zero: true },
    color: { legend: true },
    marks: [
      Plot.line(lines, { x: 'n', y: 'k', stroke: 'resid', strokeDasharray: '4,3' }),
      Plot.dot(rows, { x: 'n', y: 'kArgmax', stroke: 'resid', dx: 0, r: 3 }),
    ],
  };
}

/**
 * Co-occurring features: the share of contexts in which the key sharing a feature with the query wins, against the
 * features per position s, at d_head = d_resid/2 and d_resid, per d_resid.
 */
export function attentionCooccurrence(results: AttentionProjectionResult): PlotSpec {
  const rows = results.cooccurSummary.flatMap((r) => [
    { s: r.s, win: r.winFull, width: `d_head = d_resid = ${r.dResid}` },
    { s: r.s, win: r.winHalf, width: `d_head = d_resid/2 = ${r.dResid / 2}` },
  ]);
  return {
    width: 640,
    height: 300,
    marginLeft: 50,
    x: { label: 'features active per position (s)', ticks: [...new Set(rows.map((r) => r.s))] },
    y: { label: 'share of contexts the target key wins', domain: [0, 1], grid: true },
    color: { legend: true },
    marks: [
      Plot.ruleY([1], { stroke: '#999' }),
      Plot.line(rows, { x: 's', y: 'win', stroke: 'width', marker: 'circle' }),
    ],
  };
}
