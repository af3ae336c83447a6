import { describe, expect, it } from 'vitest';
import { batchedRidgeLeastSquares } from '../../experiments/lib/tfjs';
import { Rng } from '../../experiments/runtime/rng';
import { ridgeLeastSquares } from '../../experiments/superposition/ridgeLeastSquares';
import { createProducts } from '../../experiments/superposition/wasmProducts';

describe('ridgeLeastSquares', () => {
  it("solves as lib/tfjs's batchedRidgeLeastSquares does, bit for bit (ReLU features, several problems and targets)", async () => {
    const { loadBackend } = await import('../../experiments/runtime/backend');
    const { tf } = await loadBackend('wasm');
    const products = await createProducts();
    const rng = new Rng(12, 'ridge');
    for (const [batch, n, d, k] of [[1, 40, 5, 1], [2, 301, 37, 1], [2, 120, 260, 2]]) {
      const H = Float32Array.from({ length: batch * n * d }, () => Math.max(0, rng.normal()));
      const Y = Float32Array.from({ length: batch * n * k }, () => (rng.uniform() < 0.3 ? 1 : 0));
      expect(ridgeLeastSquares(products, H, Y, batch, n, d, k, 1e-3)).toEqual(batchedRidgeLeastSquares(tf, H, Y, batch, n, d, k, 1e-3));
    }
  });
});
