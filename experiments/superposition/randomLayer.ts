import type { Rng } from '../runtime/rng';

/** A frozen first layer with iid N(0, 1) weights: row l holds feature l's weights into the d neurons. */
export function gaussianLayer(rng: Rng, m: number, d: number): Float32Array {
  return rng.fillNormal(new Float32Array(m * d));
}

/**
 * h = ReLU(Σ_{l active} W_l + bias), written into out[offset .. offset+d).
 * With identity feature embeddings the pre-activation is just a sum of s rows.
 */
export function hiddenActivations(W: Float32Array, d: number, active: readonly number[], out: Float32Array, offset = 0, bias = 0): void {
  for (let k = 0; k < d; k++) out[offset + k] = bias;
  for (const l of active) {
    const row = l * d;
    for (let k = 0; k < d; k++) out[offset + k] += W[row + k];
  }
  for (let k = 0; k < d; k++) if (out[offset + k] < 0) out[offset + k] = 0;
}
