import * as Plot from '@observablehq/plot';
import type { z } from 'zod';
import type { priorResult } from '../../../experiments/simplicity-bias/priorRun';
import type { PlotSpec } from '../../lib/plotRender';
import { PALETTE } from '../palette';

type PriorResults = z.output<typeof priorResult>;
interface Cell { k: number; log2P: number }

/**
 * log2 P(f) against C_LZ, one panel per map: squares are (C_LZ, ½-bit) cells shaded by how many functions fall
 * there, the red line is the fitted upper envelope, and the grey band is the region of counts under 10.
 */
export function priorScatter(results: PriorResults): PlotSpec {
  const cells = results.maps.flatMap((m) => m.scatter.map((c) => ({ ...c, map: m.label })));
  const labels = results.maps.map((m) => m.label);
  const kMax = Math.max(...cells.map((c) => c.k)) + 2;
  const yMin = Math.min(...cells.map((c) => c.log2P)) - 1;
  const lines = results.maps
    .filter((m) => m.lz.slope !== null && m.lz.intercept !== null)
    .flatMap((m) => [0, kMax].map((k) => ({ map: m.label, k, y: m.lz.slope! * k + m.lz.intercept! })));
  const floors = results.maps.map((m) => ({ map: m.label, y1: yMin, y2: m.log2TrustFloor }));
  // The two constant functions (C_LZ = n) are the brightest point of most maps but only two functions: label them.
  const constants = results.maps.flatMap((m) => {
    const cell = m.scatter.filter((c) => c.k === results.n).sort((a, b) => b.log2P - a.log2P)[0];
    return cell ? [{ map: m.label, k: cell.k, y: cell.log2P }] : [];
  });
  const cols = Math.min(3, labels.length);
  return {
    width: cols === 1 ? 560 : 780,
    height: cols === 1 ? 340 : 220 * Math.ceil(labels.length / cols) + 40,
    marginLeft: 55,
    ...(labels.length > 1 ? { fx: { axis: null }, fy: { axis: null } } : {}),
    x: { label: 'C_LZ (Lempel-Ziv complexity of the truth table)', domain: [0, kMax] },
    y: { label: 'log₂ P(f)', domain: [yMin, 0.5], grid: true },
    color: { type: 'log', scheme: 'blues', label: 'functions per cell' },
    marks: facetMarks(labels, cols, [
      [floors, (data, fx, fy) => Plot.rectY(data, { x1: 0, x2: kMax, y1: 'y1', y2: 'y2', fill: '#eee', fx, fy })],
      [cells, (data, fx, fy) => Plot.rect(data, { x1: (d: Cell) => d.k - 1, x2: (d: Cell) => d.k + 1, y1: (d: Cell) => d.log2P - 0.25, y2: (d: Cell) => d.log2P + 0.25, fill: 'functions', fx, fy })],
      [constants, (data, fx, fy) => Plot.text(data, { x: 'k', y: 'y', text: () => 'constants', textAnchor: 'start', dx: 8, fontSize: 9, fx, fy })],
      [lines, (data, fx, fy) => Plot.line(data, { x: 'k', y: 'y', z: 'map', stroke: PALETTE.vermillion, strokeWidth: 1.5, fx, fy, clip: true })],
    ]),
  };
}

type MarkMaker = (data: any[], fx?: any, fy?: any) => Plot.Markish;

/** Lays panels out in a grid of `cols` columns by each row's map label (Plot's fx/fy channels). */
function facetMarks(labels: string[], cols: number, layers: [any[], MarkMaker][]): Plot.Markish[] {
  if (labels.length === 1) return layers.map(([data, make]) => make(data));
  const col = (d: { map: string }) => labels.indexOf(d.map) % cols;
  const row = (d: { map: string }) => Math.floor(labels.indexOf(d.map) / cols);
  return [
    ...layers.map(([data, make]) => make(data, col, row)),
    Plot.text(labels.map((map) => ({ map })), { fx: col, fy: row, text: 'map', frameAnchor: 'top-right', dx: -4, dy: 4, fontWeight: 'bold' }),
  ];
}

/** Rank-frequency (Zipf) curves, one per map, on log-log axes; the dashed line is P ∝ 1/rank through rank 1. */
export function zipfPlot(results: PriorResults): PlotSpec {
  const rows = results.maps.flatMap((m) => m.zipf.map((z) => ({ ...z, map: m.label })));
  const first = results.maps[0];
  const p1 = first.zipf[0]?.p ?? 1;
  const maxRank = Math.max(...rows.map((r) => r.rank));
  const ref = [1, maxRank].map((rank) => ({ rank, p: p1 / rank }));
  return {
    width: 620,
    height: 320,
    marginLeft: 60,
    x: { type: 'log', label: 'rank', tickFormat: '~s' },
    y: { type: 'log', label: 'P(f)', tickFormat: '.0e', grid: true },
    color: { legend: true },
    marks: [
      Plot.line(ref, { x: 'rank', y: 'p', stroke: '#999', strokeDasharray: '4,3' }),
      Plot.line(rows, { x: 'rank', y: 'p', stroke: 'map' }),
    ],
  };
}
