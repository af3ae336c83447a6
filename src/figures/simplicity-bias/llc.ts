import * as Plot from '@observablehq/plot';
import type { LlcSgldResult } from '../../../experiments/simplicity-bias/llcSgld';
import type { PlotSpec } from '../../lib/plotRender';
import { PALETTE } from '../palette';

/**
 * λ̂ against −log2 P(f), one panel per localisation γ: dots are targets (mean over seeds and chains, bars ± one sd over
 * seeds); targets never or rarely seen (count < 10) are open circles at their upper value −log2(max(count, 3)/N),
 * so their true position is further right. The dashed line is the constant-rank value rank/2 = 16.
 */
export function llcAgainstPrior(results: LlcSgldResult): PlotSpec {
  const rows = results.gammas.flatMap((g) =>
    results.targets.map((t, i) => ({
      panel: `γ = ${g.gamma} (step factor ${g.stepFactor})`,
      x: -t.log2PRank,
      y: g.lambdaHat[i],
      lo: g.lambdaHat[i] - g.lambdaSd[i],
      hi: g.lambdaHat[i] + g.lambdaSd[i],
      measured: t.count >= 10,
      name: t.name,
    })),
  );
  const rank = results.maxRank / 2;
  return {
    width: 780,
    height: 340,
    marginLeft: 50,
    fx: { label: null },
    x: { label: '−log₂ P(f) under the 5-16-16-1 prior (open: fewer than 10 draws, an upper value)', grid: true },
    y: { label: 'λ̂ (SGLD)', domain: [0, rank + 1], grid: true },
    marks: [
      Plot.ruleY([rank], { stroke: PALETTE.vermillion, strokeDasharray: '4 3' }),
      Plot.text([{ y: rank }], { y: 'y', frameAnchor: 'left', text: () => `rank/2 = ${rank}`, dy: -7, dx: 4, fontSize: 9, fill: PALETTE.vermillion }),
      Plot.ruleX(rows, { x: 'x', y1: 'lo', y2: 'hi', fx: 'panel', stroke: '#777' }),
      Plot.dot(rows.filter((r) => r.measured), { x: 'x', y: 'y', fx: 'panel', fill: PALETTE.blue, r: 3.5, title: 'name' }),
      Plot.dot(rows.filter((r) => !r.measured), { x: 'x', y: 'y', fx: 'panel', stroke: PALETTE.blue, r: 3.5, title: 'name' }),
    ],
  };
}

/** The step-size check: median λ̂ over networks at each step factor, per γ (the plateau rule compares neighbours). */
export function llcStepSizes(results: LlcSgldResult): PlotSpec {
  const rows = results.gammas.flatMap((g) => {
    const factors = [...new Set(results.networks[0].settings.filter((s) => s.gamma === g.gamma).map((s) => s.stepFactor))];
    return factors.map((c) => {
      const values = results.networks
        .map((n) => n.settings.find((s) => s.gamma === g.gamma && s.stepFactor === c)!)
        .map((s) => s.chains.map((ch) => ch.lambdaHat).filter((v): v is number => v !== null))
        .map((v) => v.reduce((a, b) => a + b, 0) / v.length)
        .sort((a, b) => a - b);
      return { gamma: `γ = ${g.gamma}`, c, median: values[values.length >> 1], chosen: c === g.stepFactor };
    });
  });
  return {
    width: 420,
    height: 240,
    marginLeft: 50,
    x: { label: 'step factor c (ε = c/(h_max + γ))', type: 'log', ticks: [0.25, 0.5, 1] },
    y: { label: 'median λ̂ over networks', zero: true, grid: true },
    color: { legend: true, range: [PALETTE.blue, PALETTE.orange] },
    marks: [
      Plot.line(rows, { x: 'c', y: 'median', stroke: 'gamma' }),
      Plot.dot(rows, { x: 'c', y: 'median', stroke: 'gamma', fill: (d: { chosen: boolean; gamma: string }) => (d.chosen ? d.gamma : 'none'), r: 4 }),
    ],
  };
}
