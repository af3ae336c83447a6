import * as Plot from '@observablehq/plot';
import type { VolumeScalingResult } from '../../../experiments/simplicity-bias/volumeScaling';
import type { PlotSpec } from '../../lib/plotRender';
import { PALETTE } from '../palette';

const hex = (t: number) => `0x${t.toString(16).padStart(2, '0')}`;

/**
 * log2 P_ε against log2 ε, one line per NPN class, coloured by the class's sign prior −log2 P(f); the fit range is shaded.
 * ε is the tolerance on the mean squared error, the square of the RMS distance the experiment's grid is written in.
 */
export function volumeCurves(results: VolumeScalingResult): PlotSpec {
  const rows = results.classes.flatMap((c) =>
    results.epsilons.map((e, j) => ({ cls: hex(c.representative), x: 2 * Math.log2(e), y: c.log2PEpsilon[j], prior: c.log2P === null ? null : -c.log2P })),
  );
  const fitMax = 2 * Math.log2(Math.max(...results.epsilons.filter((e) => e <= 0.09)));
  const xs = rows.map((r) => r.x);
  const labels = results.classes.map((c) => ({ cls: hex(c.representative), x: Math.max(...xs), y: c.log2PEpsilon[0] }));
  return {
    width: 620,
    height: 380,
    marginLeft: 55,
    marginRight: 50,
    x: { label: 'log₂ ε (tolerance on the mean squared error from the ±1 table)', grid: true },
    y: { label: 'log₂ P_ε(f)', grid: true },
    color: { label: '−log₂ P(f), sign prior', scheme: 'viridis', unknown: '#999' },
    marks: [
      Plot.rectX([{ x1: Math.min(...xs) - 0.1, x2: fitMax + 0.1 }], { x1: 'x1', x2: 'x2', fill: '#eee' }),
      Plot.line(rows, { x: 'x', y: 'y', z: 'cls', stroke: 'prior' }),
      Plot.dot(rows, { x: 'x', y: 'y', fill: 'prior', r: 2 }),
      Plot.text(labels, { x: 'x', y: 'y', text: 'cls', textAnchor: 'start', dx: 6, fontSize: 8 }),
    ],
  };
}

/** Per class, the two terms of −log2 P_ε at the reference ε against the sign prior −log2 P(f). */
export function volumeTerms(results: VolumeScalingResult): PlotSpec {
  const rows = results.classes
    .filter((c) => c.log2P !== null)
    .flatMap((c) => [
      { x: -c.log2P!, y: c.lambdaTerm, term: `λ·log₂(1/ε), ε = 1/${Math.round(1 / results.referenceEpsilon ** 2)}`, cls: hex(c.representative) },
      { x: -c.log2P!, y: c.constantTerm, term: '−log₂ c', cls: hex(c.representative) },
    ]);
  return {
    width: 520,
    height: 320,
    marginLeft: 50,
    x: { label: '−log₂ P(f), sign prior', grid: true },
    y: { label: 'bits', grid: true },
    color: { legend: true, range: [PALETTE.blue, PALETTE.vermillion] },
    marks: [Plot.dot(rows, { x: 'x', y: 'y', stroke: 'term', r: 3.5 }), Plot.text(rows, { x: 'x', y: 'y', text: 'cls', dy: -8, fontSize: 8, fill: 'term' })],
  };
}
