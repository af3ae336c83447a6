import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

export type PlotSpec = Plot.PlotOptions;

/**
 * Sequential schemes whose ends vanish on one of the two themes (viridis's near-black purple on the dark
 * background, its yellow on the light one). Figures draw them from the middle of the ramp instead, unless the
 * spec sets a range itself.
 */
const RAMPS_WITH_INVISIBLE_ENDS = new Set(['viridis', 'magma', 'inferno', 'plasma', 'cividis', 'turbo']);
const THEME_SAFE_RANGE: [number, number] = [0.22, 0.85];

function themeSafe(spec: PlotSpec): PlotSpec {
  const color = spec.color as { scheme?: unknown; range?: unknown; type?: string } | undefined;
  if (!color || typeof color.scheme !== 'string' || color.range !== undefined || !RAMPS_WITH_INVISIBLE_ENDS.has(color.scheme.toLowerCase())) return spec;
  return { ...spec, color: { ...color, range: THEME_SAFE_RANGE } as PlotSpec['color'] };
}

/** Render a Plot spec to an SVG (or figure) string at build time, with a server-side DOM. */
export function renderPlot(spec: PlotSpec, description: string): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const node = Plot.plot({ ...themeSafe(spec), ariaDescription: description, document: document as unknown as Document });
  return (node as unknown as { outerHTML: string }).outerHTML;
}
