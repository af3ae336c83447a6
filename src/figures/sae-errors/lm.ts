import * as Plot from '@observablehq/plot';
import type { PlotSpec } from '../../lib/plotRender';
import type { LmSpliceResult } from '../../../experiments/sae-errors/lmSplice';
import type { LmTrainResult } from '../../../experiments/sae-errors/lmTrain';
import type { LmReplicateSummaryResult } from '../../../experiments/sae-errors/lmReplicateSummary';
import { PALETTE } from '../palette';

/** Figures of Setting B: pure functions of the sae-lm, sae-lm-splice and sae-lm-replicates results. */

/** The language model's training curve (held-out and training loss against tokens seen) with the n-gram floors. */
export function lmTrainingCurve(results: LmTrainResult): PlotSpec {
  const rows = results.curve.flatMap((c) => [
    { tokens: c.tokens, loss: c.heldOut, series: 'held-out addresses' },
    ...(c.train === null ? [] : [{ tokens: c.tokens, loss: c.train, series: 'training batches (mean since last point)' }]),
  ]);
  const floors = [
    { y: results.floors.unigram, label: `unigram ${results.floors.unigram.toFixed(2)}` },
    { y: results.floors.bigram, label: `bigram ${results.floors.bigram.toFixed(2)}` },
  ];
  return {
    width: 800,
    height: 300,
    marginLeft: 50,
    x: { label: 'characters seen in training' },
    y: { label: 'cross-entropy (nats/char)', grid: true },
    color: { legend: true, domain: ['held-out addresses', 'training batches (mean since last point)'], range: [PALETTE.vermillion, PALETTE.blue] },
    marks: [
      Plot.ruleY(floors, { y: 'y', stroke: '#999', strokeDasharray: '4 3' }),
      Plot.text(floors, { y: 'y', x: results.tokensSeen, text: 'label', textAnchor: 'end', dy: -6, fill: 'currentColor' }),
      Plot.line(rows, { x: 'tokens', y: 'loss', stroke: 'series', marker: 'circle' }),
    ],
  };
}

/** SAE training curves on the residual stream: FVU on recent batches against step. */
export function lmSaeCurves(results: LmSpliceResult): PlotSpec {
  return {
    width: 800,
    height: 260,
    marginLeft: 50,
    x: { label: 'Adam step' },
    y: { type: 'log', label: 'fraction of variance unexplained', grid: true },
    color: { legend: true },
    marks: [Plot.line(results.curves, { x: 'step', y: 'fvu', stroke: 'sae' })],
  };
}

/** B1 against L0: the splice's mean KL over each norm-matched baseline's, with 95% bootstrap intervals over windows. */
export function b1VsL0(results: LmSpliceResult): PlotSpec {
  const rows = results.b1Ratios.map((r) => ({ ...r, family: r.sae.startsWith('topk') ? 'TopK' : 'L1' }));
  return {
    width: 800,
    height: 300,
    marginLeft: 50,
    marginBottom: 40,
    fx: { label: null, domain: ['ε-random', 'cov-random', 'shuffled error', 'norm-corrected over ε-random'] },
    x: { type: 'log', label: 'L0 (active latents per token)', ticks: [4, 8, 16, 32], tickFormat: 'd' },
    y: { type: 'log', label: 'ratio of mean KL (SAE splice ÷ baseline)', grid: true },
    color: { legend: true, domain: ['TopK', 'L1'], range: [PALETTE.vermillion, PALETTE.blue] },
    marks: [
      Plot.ruleY([1], { stroke: 'currentColor' }),
      Plot.ruleX(rows, { fx: 'vs', x: 'l0', y1: 'lo', y2: 'hi', stroke: 'family', strokeWidth: 1.5 }),
      Plot.line(
        rows.filter((r) => r.family === 'TopK'),
        { fx: 'vs', x: 'l0', y: 'ratio', stroke: 'family' },
      ),
      Plot.dot(rows, { fx: 'vs', x: 'l0', y: 'ratio', fill: 'family', r: 3 }),
    ],
  };
}

/** B2: each direction class's mean KL at one position over that of random directions, by radius. */
export function b2ByRadius(results: LmSpliceResult): PlotSpec {
  const rows = results.b2.filter((r) => r.cls !== 'random');
  return {
    width: 800,
    height: 320,
    marginLeft: 50,
    x: { type: 'log', label: 'radius ÷ median SAE error norm', ticks: [...new Set(rows.map((r) => r.radiusMultiple))], tickFormat: '~g' },
    y: { type: 'log', label: 'mean KL ÷ mean KL of random directions', grid: true },
    color: { legend: true },
    marks: [Plot.ruleY([1], { stroke: 'currentColor' }), Plot.line(rows, { x: 'radiusMultiple', y: 'klOverRandom', stroke: 'cls', marker: 'circle' })],
  };
}

/** B3: L0-preserving latent perturbations of the main SAE over each baseline at the same per-token norm. */
export function b3Ratios(results: LmSpliceResult): PlotSpec {
  return {
    width: 800,
    height: 220,
    marginLeft: 140,
    fy: { label: null },
    x: { type: 'log', label: 'ratio of mean KL (latent perturbation ÷ baseline), 95% interval', grid: true },
    y: { label: null },
    color: { legend: true },
    marks: [
      Plot.ruleX([1], { stroke: 'currentColor' }),
      Plot.ruleY(results.b3, { y: 'vs', fy: 'mode', x1: 'lo', x2: 'hi', stroke: 'vs', strokeWidth: 2 }),
      Plot.dot(results.b3, { y: 'vs', fy: 'mode', x: 'ratio', fill: 'vs', r: 4 }),
    ],
  };
}

/** B1 in every replicate (two model seeds × two hooks): the splice over ε-random and over cov-random against L0. */
export function b1Replicates(results: LmReplicateSummaryResult): PlotSpec {
  const rows = results.rows.filter((r) => r.vs === 'ε-random' || r.vs === 'cov-random');
  const runs = results.runs.map((r) => r.label);
  return {
    width: 800,
    height: 300,
    marginLeft: 50,
    marginBottom: 40,
    fx: { label: null, domain: ['ε-random', 'cov-random'] },
    x: { type: 'log', label: 'L0 (active latents per token)', ticks: [4, 8, 16, 32, 64], tickFormat: 'd' },
    y: { type: 'log', label: 'ratio of mean KL (SAE splice ÷ baseline)', grid: true },
    color: { legend: true, domain: runs, range: [PALETTE.vermillion, PALETTE.orange, PALETTE.blue, PALETTE.sky] },
    marks: [
      Plot.ruleY([1], { stroke: 'currentColor' }),
      Plot.ruleX(rows, { fx: 'vs', x: 'l0', y1: 'lo', y2: 'hi', stroke: 'run', strokeWidth: 1.5 }),
      Plot.line(
        rows.filter((r) => r.sae.startsWith('topk')),
        { fx: 'vs', x: 'l0', y: 'ratio', stroke: 'run' },
      ),
      Plot.dot(rows, { fx: 'vs', x: 'l0', y: 'ratio', fill: 'run', symbol: (r: { sae: string }) => (r.sae.startsWith('topk') ? 'circle' : 'square'), r: 3 }),
    ],
  };
}
