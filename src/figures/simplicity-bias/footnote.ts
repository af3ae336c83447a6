import * as Plot from '@observablehq/plot';
import type { z } from 'zod';
import type { footnoteStrips } from '../../../experiments/simplicity-bias/footnoteStrips';
import type { PlotSpec } from '../../lib/plotRender';
import { PALETTE } from '../palette';

type Results = z.output<(typeof footnoteStrips)['result']>;

const CODE_LABEL = {
  volumeBits: 'log₂(1/area)',
  massBits: '−log₂ P(random bits land inside)',
  squareBits: 'one dyadic square (2 bits/level)',
  columnBits: 'x alone (one dyadic column)',
} as const;

/** Bits to land inside each strip against log2(1/ε), one panel per strip, one line per code. */
export function stripBits(results: Results): PlotSpec {
  const rows = results.rows.flatMap((r) =>
    (Object.keys(CODE_LABEL) as (keyof typeof CODE_LABEL)[])
      .filter((k) => r[k] !== null)
      .map((k) => ({ strip: r.strip === 'axis' ? 'strip along x = c' : 'strip along y = x', j: r.epsLog2, bits: r[k] as number, code: CODE_LABEL[k] })),
  );
  return {
    width: 700,
    height: 280,
    marginLeft: 50,
    fx: { label: null },
    x: { label: 'log₂(1/ε)' },
    y: { label: 'bits', grid: true },
    color: { legend: true, domain: Object.values(CODE_LABEL), range: ['#333', PALETTE.vermillion, PALETTE.blue, PALETTE.green] },
    marks: [
      Plot.line(rows.filter((r) => r.code !== CODE_LABEL.volumeBits), { x: 'j', y: 'bits', stroke: 'code', fx: 'strip' }),
      Plot.line(rows.filter((r) => r.code === CODE_LABEL.volumeBits), { x: 'j', y: 'bits', stroke: 'code', fx: 'strip', strokeDasharray: '5,3' }),
      Plot.dot(rows, { x: 'j', y: 'bits', stroke: 'code', fx: 'strip', r: 2 }),
    ],
  };
}

/** The maximal dyadic squares inside each strip at one ε: the code's "places to land". */
export function stripSquares(results: Results): PlotSpec {
  const { drawn } = results;
  const rows = [
    ...drawn.axis.map((q) => ({ ...q, strip: 'strip along x = c' })),
    ...drawn.diagonal.map((q) => ({ ...q, strip: 'strip along y = x' })),
  ];
  const eps = 2 ** -drawn.epsLog2;
  const outline = [
    { strip: 'strip along x = c', x1: drawn.c - eps, x2: drawn.c + eps },
  ];
  const w = eps * Math.SQRT2;
  const diag = [
    { strip: 'strip along y = x', x: 0, y: w },
    { strip: 'strip along y = x', x: 1 - w, y: 1 },
    { strip: 'strip along y = x', x: 1, y: 1 },
    { strip: 'strip along y = x', x: 1, y: 1 - w },
    { strip: 'strip along y = x', x: w, y: 0 },
    { strip: 'strip along y = x', x: 0, y: 0 },
  ];
  return {
    width: 520,
    height: 280,
    marginLeft: 30,
    fx: { label: null },
    x: { domain: [0, 1], label: null, ticks: [0, 0.5, 1] },
    y: { domain: [0, 1], label: null, ticks: [0, 0.5, 1] },
    aspectRatio: 1,
    marks: [
      Plot.rect(rows, { x1: 'x', x2: (d: { x: number; s: number }) => d.x + d.s, y1: 'y', y2: (d: { y: number; s: number }) => d.y + d.s, fx: 'strip', fill: (d: { s: number }) => Math.log2(1 / d.s), stroke: 'white', strokeWidth: 0.3 }),
      Plot.rect(outline, { x1: 'x1', x2: 'x2', y1: 0, y2: 1, fx: 'strip', stroke: PALETTE.vermillion, fill: 'none' }),
      Plot.line(diag, { x: 'x', y: 'y', fx: 'strip', stroke: PALETTE.vermillion }),
      Plot.frame(),
    ],
    color: { scheme: 'blues', type: 'linear', reverse: true, label: 'level (bits per axis)' },
  };
}
