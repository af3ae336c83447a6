import { fitPowerLaw } from './fits';

/**
 * A power law y ≈ a·x^b through the last `tail` points of every unit in `idx` (pooled; a bootstrap passes resampled
 * units), and the x where it reaches `target`: the exponent b and x = (target/a)^(1/b).
 */
export function tailPowerLaw(xs: readonly number[], perUnit: readonly (readonly number[])[], idx: ArrayLike<number>, target: number, tail: number): { exponent: number; xAtTarget: number } {
  const px: number[] = [];
  const py: number[] = [];
  for (let t = 0; t < idx.length; t++) {
    for (let w = xs.length - tail; w < xs.length; w++) {
      px.push(xs[w]);
      py.push(perUnit[idx[t]][w]);
    }
  }
  const fit = fitPowerLaw(px, py);
  return { exponent: fit.exponent, xAtTarget: (target / fit.prefactor) ** (1 / fit.exponent) };
}
