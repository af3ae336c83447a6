import { z } from 'zod';
import { circuitSampler, decisionTreeSampler, polynomialCurveSampler, ptfSampler } from './booleanMaps';
import { NormalStream } from '../lib/normalStream';
import type { Rng } from '../runtime/rng';
import { ACTIVATIONS, createMlpSampler } from './mlpSampler';
import { createRelu2Kernel } from './relu2Kernel';

/** The parameter-function maps the page compares, as config. */
export const mapSpec = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('mlp'),
      /** Hidden widths, e.g. [40, 40]. */
      hidden: z.array(z.number().int().min(1).max(256)).min(1).max(8),
      activation: z.enum(ACTIVATIONS),
      /** Weights ~ N(0, sigmaW²/fan_in). */
      sigmaW: z.number().positive(),
      /** Biases, the output's included, ~ N(0, sigmaB²). */
      sigmaB: z.number().nonnegative(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('ptf'),
      /** Coefficient of the monomial χ_S has variance rho^|S|. */
      rho: z.number().positive().max(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal('circuit'),
      /** Random AND/OR gates; the output is the last. */
      gates: z.number().int().min(1).max(64),
    })
    .strict(),
  z
    .object({
      kind: z.literal('tree'),
      /** Depth of the full random decision tree (at most n). */
      depth: z.number().int().min(1).max(5),
    })
    .strict(),
  z
    .object({
      kind: z.literal('curve'),
      /** Degree of the random polynomial thresholded on a grid. */
      degree: z.number().int().min(0).max(30),
    })
    .strict(),
]);
export type MapSpec = z.infer<typeof mapSpec>;

export function mapLabel(m: MapSpec, n: number): string {
  switch (m.kind) {
    case 'mlp': {
      const arch = [n, ...m.hidden, 1].join('-');
      const act = m.activation === 'relu' ? '' : ` ${m.activation}`;
      const w = m.sigmaW === 1 ? '' : `, σw=${m.sigmaW}`;
      return `MLP ${arch}${act}${w}, σb=${m.sigmaB}`;
    }
    case 'ptf':
      return `PTF ρ=${m.rho}`;
    case 'circuit':
      return `circuit, ${m.gates} gates`;
    case 'tree':
      return `decision tree, depth ${m.depth}`;
    case 'curve':
      return `poly curve, degree ${m.degree}`;
  }
}

/**
 * A sampler for map m at n inputs; discrete choices come from rng, Gaussian parameters from a NormalStream on rng,
 * except for two-layer ReLU networks with σ_w = 1 (the page's hot path): the WebAssembly kernel, which draws its
 * parameters from the fused ziggurat of lib/zigguratNormals.
 */
export async function createSampler(m: MapSpec, n: number, rng: Rng): Promise<() => number> {
  const normal = new NormalStream(rng);
  switch (m.kind) {
    case 'mlp':
      if (m.activation === 'relu' && m.sigmaW === 1 && m.hidden.length === 2 && m.hidden[1] % 4 === 0) {
        return (await createRelu2Kernel(n, m.hidden[0], m.hidden[1], m.sigmaB, rng)).sample;
      }
      return createMlpSampler({ n, hidden: m.hidden, activation: m.activation, sigmaW: m.sigmaW, sigmaB: m.sigmaB }, normal);
    case 'ptf':
      return ptfSampler(n, m.rho, normal);
    case 'circuit':
      return circuitSampler(n, m.gates, rng);
    case 'tree':
      return decisionTreeSampler(n, m.depth, rng);
    case 'curve':
      return polynomialCurveSampler(n, m.degree, normal);
  }
}
