import * as Plot from '@observablehq/plot';
import type { PlotSpec } from '../../lib/plotRender';
import { PALETTE } from '../palette';

/** Figures of Setting A: pure functions of the sae-toy-* and sae-toy-sweep results. */

export const HEAD_LABEL: Record<string, string> = {
  mlp: 'MLP',
  mlpTemp: 'MLP, temperature-matched',
  linear: 'linear head',
  linearTemp: 'linear, temperature-matched',
  noiseMlp: 'MLP trained with input noise',
  untrained: 'untrained MLP',
};
const HEAD_COLORS = { domain: Object.values(HEAD_LABEL), range: [PALETTE.vermillion, '#ff9d9a', PALETTE.blue, '#a0cbe8', PALETTE.green, '#9c9c9c'] };

interface SweepRow { d: number; head: string; comparison: string; ratio: number; lo: number; hi: number }
interface Sweep { rows: SweepRow[]; seedRows?: (SweepRow & { seed: number })[]; scanRows: { d: number; head: string; featurePercentile: number; mixtureRatio: number; spearmanMaxCos: number; partialSpearmanGivenQ: number }[] }

function ratioPanels(results: Sweep, comparisons: string[], title: string): PlotSpec {
  const rows = results.rows.filter((r) => comparisons.includes(r.comparison)).map((r) => ({ ...r, headLabel: HEAD_LABEL[r.head] }));
  const ds = [...new Set(rows.map((r) => r.d))];
  // The other seeds' ratios and intervals, drawn just right of each d (the primary seed is the line).
  const primary = new Set(rows.map((r) => `${r.d}|${r.head}|${r.comparison}|${r.ratio}`));
  const seedRows = (results.seedRows ?? [])
    .filter((r) => comparisons.includes(r.comparison) && !primary.has(`${r.d}|${r.head}|${r.comparison}|${r.ratio}`))
    .map((r) => ({ ...r, headLabel: HEAD_LABEL[r.head], dShifted: r.d * 1.08 }));
  return {
    width: 800,
    height: 300,
    marginLeft: 50,
    marginBottom: 40,
    fx: { label: null, domain: comparisons },
    x: { type: 'log', label: 'd (activation dimension; m = 4d features)', ticks: ds, tickFormat: 'd' },
    y: { type: 'log', label: title, grid: true },
    color: { legend: true, ...HEAD_COLORS },
    marks: [
      Plot.ruleY([1], { stroke: '#333' }),
      Plot.ruleX(rows, { fx: 'comparison', x: 'd', y1: 'lo', y2: 'hi', stroke: 'headLabel', strokeWidth: 1.5 }),
      Plot.line(rows, { fx: 'comparison', x: 'd', y: 'ratio', stroke: 'headLabel', marker: 'circle' }),
      // The other seeds: hollow rings with dashed 95% intervals.
      Plot.ruleX(seedRows, { fx: 'comparison', x: 'dShifted', y1: 'lo', y2: 'hi', stroke: 'headLabel', strokeWidth: 1, strokeDasharray: '2,2' }),
      Plot.dot(seedRows, { fx: 'comparison', x: 'dShifted', y: 'ratio', stroke: 'headLabel', r: 4, strokeWidth: 1 }),
    ],
  };
}

/** A1 against d: the SAE splice's mean KL over each norm-matched baseline's, with 95% bootstrap intervals. */
export function gurneeVsD(results: Sweep): PlotSpec {
  return ratioPanels(results, ['SAE / ε-random', 'norm-corrected SAE / ε-random', 'SAE / cov-random', 'SAE / shuffled error'], 'ratio of mean KL');
}

/** A4 against d: L0-preserving perturbations (rescaled to the SAE error's norm) over ε-random. */
export function predictionBVsD(results: Sweep): PlotSpec {
  return ratioPanels(results, ['SAE latent jitter / ε-random', 'SAE latent swap / ε-random', 'oracle latent jitter / ε-random', 'true-feature jitter / ε-random', 'true-feature swap / ε-random'], 'ratio of mean KL');
}

/** A2 against d: percentile of +e_i among random directions (median over activations), and the mixture ratio. */
export function scanVsD(results: Sweep): PlotSpec {
  const rows = results.scanRows.flatMap((r) => [
    { d: r.d, headLabel: HEAD_LABEL[r.head], stat: 'feature percentile among random (÷100)', v: r.featurePercentile / 100 },
    { d: r.d, headLabel: HEAD_LABEL[r.head], stat: 'mixture ratio', v: r.mixtureRatio },
    { d: r.d, headLabel: HEAD_LABEL[r.head], stat: 'partial ρ(KL, max cos | q)', v: r.partialSpearmanGivenQ },
  ]);
  const ds = [...new Set(rows.map((r) => r.d))];
  return {
    width: 800,
    height: 280,
    marginLeft: 50,
    fx: { label: null },
    x: { type: 'log', label: 'd', ticks: ds, tickFormat: 'd' },
    y: { label: 'value', grid: true },
    color: { legend: true, ...HEAD_COLORS },
    marks: [Plot.ruleY([0, 1], { stroke: '#bbb' }), Plot.line(rows, { fx: 'stat', x: 'd', y: 'v', stroke: 'headLabel', marker: 'circle' })],
  };
}

interface Toy {
  d: number;
  curves: { model: string; metric: string; step: number; value: number }[];
  angle: { head: string; theta: number; kl: number }[];
  line: { head: string; dir: string; t: number; kl: number }[];
  a2: { head: string; radius: number; cls: string; klOverRandom: number; medianPercentile: number; fracAbove95: number }[];
}

/** Training curves: heads' held-out BCE and SAEs' FVU against step. */
export function trainingCurves(results: Toy): PlotSpec {
  const rows = results.curves.filter((c) => c.metric !== 'trainBce').map((c) => ({ ...c, panel: c.metric === 'fvu' ? 'SAE: fraction of variance unexplained' : 'head: held-out BCE per sample' }));
  return {
    width: 800,
    height: 280,
    marginLeft: 50,
    fx: { label: null },
    x: { label: 'Adam step' },
    y: { type: 'log', label: 'loss', grid: true },
    color: { legend: true },
    marks: [Plot.line(rows, { x: 'step', y: 'value', stroke: 'model', fx: 'panel' })],
  };
}

/** A2's angular profile: mean KL at a fixed radius in the plane of an inactive feature e_i (θ = 0) and a random r ⊥ e_i. */
export function angularProfile(results: Toy): PlotSpec {
  const rows = results.angle.map((r) => ({ ...r, headLabel: HEAD_LABEL[r.head] }));
  return {
    width: 800,
    height: 300,
    marginLeft: 50,
    x: { label: 'θ (degrees): 0 = +e_i (turns the feature on), 180 = −e_i', ticks: [0, 90, 180, 270, 360] },
    y: { type: 'log', label: 'mean KL (nats)', grid: true },
    color: { legend: true, ...HEAD_COLORS },
    marks: [Plot.line(rows, { x: 'theta', y: 'kl', stroke: 'headLabel' })],
  };
}

/** A3: KL along a line from x, by distance t, towards turning an inactive feature on, an active one off, or a random direction. */
export function plateauLines(results: Toy): PlotSpec {
  const rows = results.line.filter((r) => r.t > 0).map((r) => ({ ...r, headLabel: HEAD_LABEL[r.head] }));
  return {
    width: 800,
    height: 300,
    marginLeft: 50,
    fx: { label: null, domain: ['+feature (off→on)', '−feature (on→off)', 'random'] },
    x: { type: 'log', label: 't (feature directions have unit norm; log scale: slope 2 = quadratic)', ticks: [0.1, 0.3, 1], tickFormat: '~g' },
    y: { type: 'log', label: 'mean KL (nats)', grid: true },
    color: { legend: true, ...HEAD_COLORS },
    marks: [Plot.line(rows, { fx: 'dir', x: 't', y: 'kl', stroke: 'headLabel' })],
  };
}

/** A2 by radius: each direction class's mean KL over random directions' mean KL, one panel per head. */
const SHORT_LABEL: Record<string, string> = { mlp: 'MLP', mlpTemp: 'MLP, T-matched', linear: 'linear', linearTemp: 'linear, T-matched', noiseMlp: 'MLP, noise-trained', untrained: 'untrained' };

export function scanByRadius(results: Toy): PlotSpec {
  const rows = results.a2.map((r) => ({ ...r, headLabel: SHORT_LABEL[r.head] }));
  return {
    width: 800,
    height: 420,
    marginLeft: 50,
    fx: { label: null, domain: Object.values(SHORT_LABEL) },
    x: { type: 'log', label: 'radius ε', ticks: [0.1, 0.3, 1], tickFormat: '~g' },
    y: { type: 'log', label: 'mean KL ÷ mean KL of random directions', grid: true },
    color: { legend: true },
    marks: [Plot.ruleY([1], { stroke: '#333' }), Plot.line(rows, { x: 'radius', y: 'klOverRandom', stroke: 'cls', fx: 'headLabel', marker: 'circle' })],
  };
}
