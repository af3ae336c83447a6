import { format as d3format } from 'd3-format';

/** Format a number with a d3-format specifier (".3f", ".1%", ",d", ".2~g", ...). */
export function formatNumber(value: number, spec = '.3~g'): string {
  let f;
  try {
    f = d3format(spec);
  } catch {
    throw new Error(`format "${spec}" is not a valid d3-format specifier (examples: ".3f", ".1%", ",d", ".2~g")`);
  }
  return f(value).replace('-', '−');
}
