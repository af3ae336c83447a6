import * as Plot from '@observablehq/plot';
import type { UandFrozenLayerResult } from '../../../experiments/superposition/uandFrozenLayer';
import type { PlotSpec } from '../../lib/plotRender';
import { PALETTE } from '../palette';

interface Row { fn: 'AND' | 'XOR'; target: 0 | 1; layer: number; x0: number; x1: number; share: number }

/**
 * Error histograms for targets 0 and 1, AND and XOR side by side: bars are the mean share over layers,
 * thin step lines each layer's own histogram (the spread across seeds). The affine readoff's ±1/4 is marked.
 */
export function uandErrorHistograms(results: UandFrozenLayerResult): PlotSpec {
  const quarter = results.affine.andMinimax;
  const label = (t: number) => `target ${t}`;
  const groups = new Map<string, Row[]>();
  for (const r of results.histogram) {
    const key = `${r.fn}|${r.target}|${r.x0}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const mean = [...groups.values()].map((g) => ({ ...g[0], targetLabel: label(g[0].target), share: g.reduce((s, r) => s + r.share, 0) / g.length }));
  const perLayer = results.histogram.map((r) => ({ ...r, targetLabel: label(r.target), mid: (r.x0 + r.x1) / 2, series: `${r.target}/${r.layer}` }));
  const all = results.histogram;
  return {
    width: 720,
    height: 300,
    marginLeft: 50,
    fx: { label: null },
    x: { label: 'readoff − target', domain: [Math.min(...all.map((r) => r.x0)), Math.max(...all.map((r) => r.x1))] },
    y: { label: 'share of inputs', grid: true },
    color: { legend: true, domain: [label(0), label(1)], range: [PALETTE.blue, PALETTE.orange] },
    marks: [
      Plot.rectY(mean, { x1: 'x0', x2: 'x1', y: 'share', fx: 'fn', fill: 'targetLabel', fillOpacity: 0.5, mixBlendMode: 'multiply' }),
      Plot.lineY(perLayer, { x: 'mid', y: 'share', fx: 'fn', z: 'series', stroke: 'targetLabel', strokeWidth: 0.8, curve: 'step' }),
      Plot.ruleX([-quarter, quarter], { stroke: '#333', strokeDasharray: '4,3' }),
      Plot.text([{ x: quarter, fn: 'AND' }], { x: 'x', fx: 'fn', frameAnchor: 'top', dx: 4, textAnchor: 'start', text: () => 'affine best ±1/4' }),
      Plot.ruleY([0]),
    ],
  };
}
