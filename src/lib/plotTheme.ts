import type * as Plot from '@observablehq/plot';

/**
 * Sequential schemes whose ends vanish on one of the two themes (viridis's near-black purple on the dark
 * background, its yellow on the light one). Figures draw them from the middle of the ramp instead, unless the
 * spec sets a range itself. Shared by the build's renderer and the browser re-run's, so both draw one figure alike.
 */
const RAMPS_WITH_INVISIBLE_ENDS = new Set(['viridis', 'magma', 'inferno', 'plasma', 'cividis', 'turbo']);
const THEME_SAFE_RANGE: [number, number] = [0.22, 0.85];

export function themeSafe(spec: Plot.PlotOptions): Plot.PlotOptions {
  const color = spec.color as { scheme?: unknown; range?: unknown; type?: string } | undefined;
  if (!color || typeof color.scheme !== 'string' || color.range !== undefined || !RAMPS_WITH_INVISIBLE_ENDS.has(color.scheme.toLowerCase())) return spec;
  return { ...spec, color: { ...color, range: THEME_SAFE_RANGE } as Plot.PlotOptions['color'] };
}

/** The figure as a whole carries the alt text (role="img"); Plot's labels on <g> groups are not valid ARIA there. */
export function withoutGroupLabels(svg: string): string {
  return svg.replace(/(<g\b[^>]*?)\saria-label="[^"]*"/g, '$1');
}
