import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { themeSafe } from './plotTheme';

export type PlotSpec = Plot.PlotOptions;

/** Render a Plot spec to an SVG (or figure) string at build time, with a server-side DOM. */
export function renderPlot(spec: PlotSpec, description: string): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const node = Plot.plot({ ...themeSafe(spec), ariaDescription: description, document: document as unknown as Document });
  return (node as unknown as { outerHTML: string }).outerHTML;
}
