/**
 * What a reader can download from a figure: the data its marks draw (JSON and CSV, one row per datum with the
 * mark it belongs to) and the drawing itself as a standalone SVG. Files are staged under
 * `<root>/.readoff/site-downloads/` while pages render and copied into the built site by the site integration.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PlotSpec } from './plotRender';
import { projectRoot } from './projectRoot';

export type Row = Record<string, string | number | boolean | null>;

/** Marks may be nested arrays, null, or render functions; keep the ones that carry data. */
function flatMarks(marks: unknown): { name: string; data: unknown }[] {
  const out: { name: string; data: unknown }[] = [];
  const visit = (m: unknown) => {
    if (Array.isArray(m)) return m.forEach(visit);
    if (m && typeof m === 'object' && 'data' in m) {
      const name = (m as any).ariaLabel ?? (m as any).constructor?.name?.toLowerCase() ?? 'mark';
      out.push({ name: String(name), data: (m as any).data });
    }
  };
  visit(marks);
  return out;
}

function cell(v: unknown): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

/** The rows every mark of a Plot spec draws, tagged with the mark's index and kind. */
export function figureRows(spec: PlotSpec): Row[] {
  const rows: Row[] = [];
  flatMarks(spec.marks).forEach(({ name, data }, i) => {
    if (data == null || typeof (data as any)[Symbol.iterator] !== 'function') return;
    for (const d of data as Iterable<unknown>) {
      const row: Row = { mark: `${i + 1}:${name}` };
      if (d && typeof d === 'object' && !Array.isArray(d)) for (const [k, v] of Object.entries(d)) row[k] = cell(v);
      else row.value = cell(d);
      rows.push(row);
    }
  });
  return rows;
}

export function toCsv(rows: Row[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const quote = (v: Row[string]) => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.join(','), ...rows.map((r) => columns.map((c) => quote(r[c])).join(','))].join('\n') + '\n';
}

/** Light-theme values of the variables the inline figures use, so a downloaded SVG looks right on its own. */
const STANDALONE_STYLE = 'svg{color:#1d1d1f;background:#fff;--plot-background:#fff;font-family:system-ui,sans-serif}';

/** Every <svg> in the rendered figure (the plot, and a ramp legend if any) as one standalone SVG document. */
export function standaloneSvg(rendered: string): string {
  const svgs = rendered.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
  // The largest is the chart; legends are small.
  const main = svgs.sort((a, b) => b.length - a.length)[0] ?? '<svg></svg>';
  const withNs = main.replace(/^<svg(?![^>]*xmlns=)/, '<svg xmlns="http://www.w3.org/2000/svg"');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${withNs.replace(/(<svg[^>]*>)/, `$1<style>${STANDALONE_STYLE}</style>`)}\n`;
}

/**
 * Not under `.astro/`: when the out dir is outside the working directory, Astro builds into `<cwd>/.astro/`, then
 * copies that whole folder into the out dir and deletes it, before the site integration could publish the downloads.
 */
export function stagingDir(): string {
  return path.join(projectRoot(), '.readoff', 'site-downloads');
}

/** Stage the downloads of one figure; returns their site paths (`figures/<page>/<id>.<ext>`). */
export function stageFigureDownloads(page: string, figureId: string, spec: PlotSpec, rendered: string) {
  const safe = figureId.replace(/[^\w.-]+/g, '-');
  const rel = `figures/${page}/${safe}`;
  const dir = path.join(stagingDir(), 'figures', page);
  mkdirSync(dir, { recursive: true });
  const rows = figureRows(spec);
  writeFileSync(path.join(stagingDir(), `${rel}.json`), `${JSON.stringify(rows, null, 1)}\n`);
  writeFileSync(path.join(stagingDir(), `${rel}.csv`), toCsv(rows));
  writeFileSync(path.join(stagingDir(), `${rel}.svg`), standaloneSvg(rendered));
  return { json: `${rel}.json`, csv: `${rel}.csv`, svg: `${rel}.svg`, rows: rows.length };
}
