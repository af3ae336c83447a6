/** Least-squares line through (log x, log y): y ≈ prefactor · x^exponent. */
export interface PowerLaw {
  exponent: number;
  prefactor: number;
  /** Standard error of the exponent from the residuals (NaN with two points). */
  exponentSe: number;
}

export function fitPowerLaw(xs: readonly number[], ys: readonly number[]): PowerLaw {
  const pts = xs.map((x, i) => [Math.log(x), Math.log(ys[i])]).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  const n = pts.length;
  if (n < 2) return { exponent: NaN, prefactor: NaN, exponentSe: NaN };
  const mx = pts.reduce((s, [a]) => s + a, 0) / n;
  const my = pts.reduce((s, [, b]) => s + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const [a, b] of pts) {
    sxx += (a - mx) ** 2;
    sxy += (a - mx) * (b - my);
  }
  const exponent = sxy / sxx;
  const intercept = my - exponent * mx;
  let rss = 0;
  for (const [a, b] of pts) rss += (b - intercept - exponent * a) ** 2;
  return { exponent, prefactor: Math.exp(intercept), exponentSe: n > 2 ? Math.sqrt(rss / (n - 2) / sxx) : NaN };
}
