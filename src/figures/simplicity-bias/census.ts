import * as Plot from '@observablehq/plot';
import type { z } from 'zod';
import type { blindSpotCensus } from '../../../experiments/simplicity-bias/blindSpotCensus';
import type { PlotSpec } from '../../lib/plotRender';
import { PALETTE } from '../palette';

type Results = z.output<(typeof blindSpotCensus)['result']>;
interface Cell { size: number; log2P: number }

/** How many of the 65,536 functions of 4 inputs have each exact formula size. */
export function formulaSizeCounts(results: Results): PlotSpec {
  const rows = results.countBySize.map((count, size) => ({ size, count })).filter((r) => r.size > 0);
  return {
    width: 560,
    height: 220,
    marginLeft: 55,
    x: { label: 'minimal formula size (literal leaves)', type: 'band' },
    y: { label: 'functions', grid: true },
    marks: [Plot.barY(rows, { x: 'size', y: 'count', fill: PALETTE.blue }), Plot.text(rows, { x: 'size', y: 'count', text: 'count', dy: -6, fontSize: 8 }), Plot.ruleY([0])],
  };
}

/**
 * log2 P(f) against exact formula size at n = 4, one panel per map: cells shaded by how many functions fall there,
 * the fitted bound (red), the blind-spot threshold (the first gapBits) below it (dashed), unseen functions as black bars at
 * log2(3/N), and the simple-function cut-off as a vertical rule.
 */
export function censusScatter(results: Results): PlotSpec {
  const gapBits = results.gapBits[0];
  const simpleMaxSize = results.simpleMaxSize;
  const labels = results.maps.map((m) => m.label);
  const cols = 4;
  const col = (d: { map: string }) => labels.indexOf(d.map) % cols;
  const row = (d: { map: string }) => Math.floor(labels.indexOf(d.map) / cols);
  const cells = results.maps.flatMap((m) => m.scatter.map((c) => ({ ...c, map: m.label })));
  const unseen = results.maps.flatMap((m) => m.unseenByScatter.map((u) => ({ ...u, map: m.label, y: results.log2ZeroBound })));
  const sMax = results.maxSize + 0.5;
  const bound = results.maps
    .filter((m) => m.slope !== null && m.intercept !== null)
    .flatMap((m) => [0.5, sMax].flatMap((size) => [
      { map: m.label, size, y: m.slope! * size + m.intercept!, line: 'bound' },
      { map: m.label, size, y: m.slope! * size + m.intercept! - gapBits, line: 'threshold' },
    ]));
  const yMin = Math.min(results.log2ZeroBound, ...cells.map((c) => c.log2P)) - 1;
  return {
    width: 780,
    height: 440,
    marginLeft: 50,
    fx: { axis: null },
    fy: { axis: null },
    x: { label: 'exact formula size', domain: [0.5, sMax], ticks: [1, 4, 8, 12, 16] },
    y: { label: 'log₂ P(f)', domain: [yMin, 1], grid: true },
    color: { type: 'log', scheme: 'blues', label: 'functions per cell' },
    marks: [
      Plot.ruleX(labels.map((map) => ({ map })), { x: simpleMaxSize + 0.5, fx: col, fy: row, stroke: '#aaa' }),
      Plot.rect(cells, { x1: (d: Cell) => d.size - 0.4, x2: (d: Cell) => d.size + 0.4, y1: (d: Cell) => d.log2P - 0.25, y2: (d: Cell) => d.log2P + 0.25, fill: 'functions', fx: col, fy: row }),
      Plot.ruleY(unseen, { x1: (d: Cell) => d.size - 0.4, x2: (d: Cell) => d.size + 0.4, y: 'y', fx: col, fy: row, stroke: 'black', strokeWidth: 2 }),
      Plot.line(bound.filter((b) => b.line === 'bound'), { x: 'size', y: 'y', z: 'map', fx: col, fy: row, stroke: PALETTE.vermillion, clip: true }),
      Plot.line(bound.filter((b) => b.line === 'threshold'), { x: 'size', y: 'y', z: 'map', fx: col, fy: row, stroke: PALETTE.vermillion, strokeDasharray: '3,3', clip: true }),
      Plot.text(labels.map((map) => ({ map })), { fx: col, fy: row, text: 'map', frameAnchor: 'top-right', dx: -3, dy: 3, fontSize: 9, fontWeight: 'bold' }),
    ],
  };
}

/** Share of simple functions certified more than the first gapBits below each map's bound: overall and within entropy strata. */
export function blindSpotBars(results: Results): PlotSpec {
  const groups = [
    ['all', 'all simple'],
    ['lowEntropy', 'low entropy'],
    ['balanced', 'balanced'],
  ] as const;
  const rows = results.maps.flatMap((m) =>
    groups.flatMap(([key, label]) => {
      const st = m[key];
      return st ? [{ map: m.label, group: label, fraction: st.fractionCertified[0], point: st.fractionPoint[0] }] : [];
    }),
  );
  return {
    width: 760,
    height: 300,
    marginLeft: 190,
    marginRight: 95,
    fy: { label: null, domain: groups.map((g) => g[1]) },
    x: { label: `share of simple functions > ${results.gapBits[0]} bits below the bound (bar: certified; tick: point estimate)`, domain: [0, 1], grid: true, tickFormat: '.0%' },
    y: { label: null, domain: results.maps.map((m) => m.label) },
    marks: [
      Plot.barX(rows, { x: 'fraction', y: 'map', fy: 'group', fill: (d: { map: string }) => (d.map.startsWith('MLP') ? PALETTE.vermillion : PALETTE.blue) }),
      Plot.tickX(rows, { x: 'point', y: 'map', fy: 'group', stroke: '#333' }),
      Plot.ruleX([0]),
    ],
  };
}
