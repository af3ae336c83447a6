/** Straight-line fits: ordinary least squares on (x, y) and the power law y ≈ a·x^b as a line in log-log space. */

export interface LineFit {
  slope: number;
  intercept: number;
  /** Standard error of the slope from the residuals (NaN with two points). */
  slopeSe: number;
}

/** Ordinary least-squares line through the points whose coordinates are both finite. */
export function fitLine(xs: readonly number[], ys: readonly number[]): LineFit {
  const pts: [number, number][] = [];
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i]) && Number.isFinite(ys[i])) pts.push([xs[i], ys[i]]);
  const n = pts.length;
  if (n < 2) return { slope: NaN, intercept: NaN, slopeSe: NaN };
  const mx = pts.reduce((s, [a]) => s + a, 0) / n;
  const my = pts.reduce((s, [, b]) => s + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const [a, b] of pts) {
    sxx += (a - mx) ** 2;
    sxy += (a - mx) * (b - my);
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let rss = 0;
  for (const [a, b] of pts) rss += (b - intercept - slope * a) ** 2;
  return { slope, intercept, slopeSe: n > 2 ? Math.sqrt(rss / (n - 2) / sxx) : NaN };
}

/** Least-squares line through (log x, log y): y ≈ prefactor · x^exponent. */
export interface PowerLaw {
  exponent: number;
  prefactor: number;
  /** Standard error of the exponent from the residuals (NaN with two points). */
  exponentSe: number;
}

/** Points with a non-positive coordinate have no logarithm and are left out. */
export function fitPowerLaw(xs: readonly number[], ys: readonly number[]): PowerLaw {
  const line = fitLine(xs.map(Math.log), ys.map(Math.log));
  return { exponent: line.slope, prefactor: Math.exp(line.intercept), exponentSe: line.slopeSe };
}

/** Least-squares slope of log y against log x: the exponent of `fitPowerLaw`. */
export function logLogSlope(xs: readonly number[], ys: readonly number[]): number {
  return fitPowerLaw(xs, ys).exponent;
}
