/**
 * "Re-run in your browser", loaded on a reader's click: a form made from the experiment's config schema (seed and
 * knobs, their bounds, quick-profile defaults, the source's doc comments), the run in a Web Worker
 * (experiments/browserWorker.ts, the one way the browser reaches experiments) with progress, cancel and the
 * experiment's time limit, the figure redrawn by the build's own figure spec beside the published one, a
 * provenance line, and every claim on the page that reads the experiment re-checked against the reader's numbers.
 */
import type { FormField } from '../../experiments/runtime/configForm';
import type { WorkerReply, WorkerRequest } from '../../experiments/browserWorker';
import type { RerunData } from '../lib/rerunOffer';
import { themeSafe } from '../lib/plotTheme';
import { sitePath } from '../lib/sitePath';
import { fieldDocs } from './configDocs';
import { checkLive } from './liveClaims';
import { startWorker } from './worker';
import css from './panel.css?inline';

type FigureData = RerunData;

type Describe = Extract<WorkerReply, { type: 'describe' }>;
type Done = Extract<WorkerReply, { type: 'done' }>;

/** What a finished re-run leaves on its figure element (the tests read it). */
export interface RerunRecord {
  config: Done['config'];
  results: unknown;
  backend: string;
  backendDetail: string;
  wallSeconds: number;
  claims: Record<string, boolean | null>;
}

const figureModules = import.meta.glob('../figures/**/*.ts');

// One worker for the page, made on first use; cancel ends it (an experiment's loop cannot be interrupted otherwise).
let worker: Worker | undefined;
let nextReq = 1;
const listeners = new Map<number, (m: WorkerReply) => void>();
let busy: string | undefined;

function getWorker(): Worker {
  if (worker) return worker;
  worker = startWorker();
  worker.onmessage = (e: MessageEvent<WorkerReply>) => {
    const l = listeners.get(e.data.req);
    if (e.data.type === 'describe' || e.data.type === 'done' || e.data.type === 'error') listeners.delete(e.data.req);
    l?.(e.data);
  };
  worker.onerror = (e) => {
    for (const [req, l] of listeners) l({ type: 'error', req, id: '', message: `the re-run worker failed: ${e.message || 'could not start'}` });
    listeners.clear();
  };
  return worker;
}

function request(msg: { type: 'describe'; id: string } | { type: 'run'; id: string; config: unknown }, onReply: (m: WorkerReply) => void): number {
  const req = nextReq++;
  listeners.set(req, onReply);
  getWorker().postMessage({ ...msg, req } as WorkerRequest);
  return req;
}

function stopWorker(why: string) {
  worker?.terminate();
  worker = undefined;
  const pending = [...listeners];
  listeners.clear();
  for (const [req, l] of pending) l({ type: 'error', req, id: '', message: why });
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6))));

function boundsText(f: FormField): string {
  if (f.kind !== 'number' && f.kind !== 'numbers') return '';
  const lo = f.min === undefined ? '' : `${f.minExclusive ? '>' : '≥'} ${fmt(f.min)}`;
  const hi = f.max === undefined ? '' : `${f.maxExclusive ? '<' : '≤'} ${fmt(f.max)}`;
  const each = f.kind === 'numbers' ? `up to ${f.maxItems} values, each ` : '';
  const range = [lo, hi].filter(Boolean).join(', ');
  return range || each ? `${each}${range}${f.integer ? (range ? ', integer' : 'integer') : ''}` : f.integer ? 'integer' : '';
}

function inBounds(f: Extract<FormField, { kind: 'number' | 'numbers' }>, v: number): boolean {
  if (!Number.isFinite(v) || (f.integer && !Number.isInteger(v))) return false;
  if (f.min !== undefined && (f.minExclusive ? v <= f.min : v < f.min)) return false;
  return !(f.max !== undefined && (f.maxExclusive ? v >= f.max : v > f.max));
}

function setPath(obj: Record<string, any>, path: string[], value: unknown) {
  let cur = obj;
  for (const p of path.slice(0, -1)) cur = cur[p] ??= {};
  cur[path[path.length - 1]] = value;
}

/** The form's inputs, one per editable field; fixed fields listed apart. */
function buildFields(fields: FormField[], docs: Map<string, string>): { box: HTMLElement; read: () => { config: Record<string, unknown>; errors: string[] } } {
  const box = el('div', { class: 'rerun-fields' });
  const fixed: FormField[] = [];
  const readers: ((config: Record<string, unknown>, errors: string[]) => void)[] = [];
  for (const f of fields) {
    const name = f.path.join('.');
    if (f.kind === 'fixed') {
      fixed.push(f);
      readers.push((c) => setPath(c, f.path, f.value));
      continue;
    }
    const id = `rerun-${Math.random().toString(36).slice(2)}-${name.replace(/\W/g, '_')}`;
    let input: HTMLInputElement | HTMLSelectElement;
    if (f.kind === 'boolean') {
      input = el('input', { type: 'checkbox', id, name });
      input.checked = f.value;
      readers.push((c) => setPath(c, f.path, (input as HTMLInputElement).checked));
    } else if (f.kind === 'enum') {
      input = el('select', { id, name }, ...f.options.map((o) => el('option', { value: o }, o)));
      input.value = f.value;
      readers.push((c) => setPath(c, f.path, input.value));
    } else if (f.kind === 'number') {
      input = el('input', { type: 'number', id, name, step: f.integer ? '1' : 'any', value: String(f.value), required: '' });
      if (f.min !== undefined && !f.minExclusive) input.setAttribute('min', String(f.min));
      if (f.max !== undefined && !f.maxExclusive) input.setAttribute('max', String(f.max));
      readers.push((c, errors) => {
        const v = Number(input.value);
        if (input.value.trim() === '' || !inBounds(f, v)) errors.push(`${name}: ${input.value || '(empty)'} is outside ${boundsText(f)}`);
        setPath(c, f.path, v);
      });
    } else {
      input = el('input', { type: 'text', id, name, value: f.value.join(', '), inputmode: 'decimal' });
      readers.push((c, errors) => {
        const vs = input.value.split(/[\s,]+/).filter(Boolean).map(Number);
        if (vs.length < f.minItems || vs.length > f.maxItems || !vs.every((v) => inBounds(f, v))) errors.push(`${name}: "${input.value}" must be ${f.minItems}–${f.maxItems} values, each ${boundsText(f).replace(/^up to \d+ values, each /, '')}`);
        setPath(c, f.path, vs);
      });
    }
    const doc = docs.get(f.path[f.path.length - 1]);
    const bounds = boundsText(f);
    box.append(el('div', { class: 'rerun-field' }, el('label', { for: id }, el('code', {}, name)), input, el('span', { class: 'rerun-help' }, [doc, bounds && `(${bounds})`].filter(Boolean).join(' '))));
  }
  if (fixed.length) {
    box.append(
      el('details', { class: 'rerun-fixed' }, el('summary', {}, `Fixed in this form (${fixed.length}): ${fixed.map((f) => f.path.join('.')).join(', ')}`),
        el('pre', {}, JSON.stringify(Object.fromEntries(fixed.map((f) => [f.path.join('.'), f.value])), null, 1))),
    );
  }
  return {
    box,
    read: () => {
      const config: Record<string, unknown> = {};
      const errors: string[] = [];
      for (const r of readers) r(config, errors);
      return { config, errors };
    },
  };
}

/** Draw the reader's figure with the build's spec and theme rules, beside the published one. */
async function drawFigure(fig: HTMLElement, data: FigureData, results: unknown, label: string): Promise<void> {
  const [file, name] = data.figure.split('#');
  const load = figureModules[`../figures/${file}`];
  if (!load) throw new Error(`figure module ${file} is not in this site's bundle`);
  const [mod, Plot] = await Promise.all([load() as Promise<Record<string, (r: unknown) => any>>, import('@observablehq/plot')]);
  const published = fig.querySelector<HTMLElement>(':scope > .plot:not(.rerun-plot)')!;
  const node = Plot.plot({ ...themeSafe(mod[name](results)), ariaDescription: published.getAttribute('aria-label') ?? '' });
  node.querySelectorAll('g[aria-label]').forEach((g) => g.removeAttribute('aria-label'));
  let mine = fig.querySelector<HTMLElement>(':scope > .rerun-plot');
  if (!mine) {
    mine = el('div', { class: 'plot rerun-plot', role: 'img', 'aria-label': `Your run: ${published.getAttribute('aria-label') ?? ''}` });
    published.after(mine);
    const toggle = el('div', { class: 'rerun-toggle', role: 'group', 'aria-label': 'Which figure to show' });
    const modes = [['both', 'Both'], ['published', 'Published'], ['mine', 'Your run']] as const;
    for (const [mode, label] of modes) {
      const b = el('button', { type: 'button', 'data-mode': mode, 'aria-pressed': String(mode === 'both') }, label);
      b.addEventListener('click', () => {
        fig.dataset.rerunShow = mode;
        toggle.querySelectorAll('button').forEach((x) => x.setAttribute('aria-pressed', String(x === b)));
      });
      toggle.append(b);
    }
    published.before(toggle);
    fig.dataset.rerunShow = 'both';
  }
  mine.replaceChildren(el('p', { class: 'rerun-plot-label' }, label), node);
}

function describeRun(d: Done, quick: Record<string, unknown>): string {
  const changed = flatDiff(d.config, quick);
  return `Your run: ${d.backend} (${d.backendDetail}), TensorFlow.js ${d.tfjsVersion}, seed ${d.config.seed}, ` +
    `${changed.length ? `quick profile with ${changed.join(', ')}` : 'quick profile as published'}, ${d.wallSeconds.toFixed(1)} s in your browser.`;
}

function flatDiff(a: unknown, b: unknown, at = ''): string[] {
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a)) {
    return Object.keys(a as object).flatMap((k) => flatDiff((a as any)[k], (b as any)[k], at ? `${at}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${at} = ${Array.isArray(a) ? `[${a.join(', ')}]` : String(a)}`];
}

/** Mark each claim of the page that reads this experiment with its verdict on the reader's run; list them. */
function checkClaims(data: FigureData, d: Done, list: HTMLElement): Record<string, boolean | null> {
  const out: Record<string, boolean | null> = {};
  const items: HTMLElement[] = [];
  for (const c of data.claims) {
    const span = document.getElementById(c.id);
    const holds = span?.dataset.claim;
    if (!span || !holds) continue;
    const v = checkLive(holds, d);
    out[c.id] = v.holds;
    const values = Object.entries(v.values).map(([k, x]) => `${k} = ${fmt(x)}`).join(', ');
    const scope = c.profiles && !c.profiles.includes('quick') ? ` The page checks it in the ${c.profiles.join(', ')} profile only; your run is quick-sized.` : '';
    const verdict = v.holds === null ? 'cannot be checked on your run' : v.holds ? 'holds for your run' : 'does not hold for your run';
    const title = `${verdict} (seed ${d.config.seed}): ${holds}${values ? `; ${values}` : ''}${v.error ? `; ${v.error}` : ''}.${scope}`;
    span.querySelector(':scope > .claim-live')?.remove();
    const mark = el('sup', { class: `claim-live ${v.holds === null ? 'unknown' : v.holds ? 'holds' : 'fails'}`, 'data-live': v.holds === null ? 'unknown' : v.holds ? 'holds' : 'fails', title, 'aria-label': `${verdict}, seed ${d.config.seed}` }, v.holds === null ? '?' : v.holds ? '✓ yours' : '✗ yours');
    span.append(mark);
    // The sentence as read: without the TeX source KaTeX keeps in the MathML (<annotation>) and without the marks.
    const copy = span.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('annotation, sup').forEach((x) => x.remove());
    const sentence = (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
    items.push(el('li', {}, el('a', { href: `#${c.id}` }, sentence.length > 140 ? `${sentence.slice(0, 137)}…` : sentence), ': ', el('span', { class: v.holds ? 'holds' : 'fails' }, verdict), values ? ` (${values})` : '', v.error ? ` (${v.error})` : '', scope));
  }
  list.replaceChildren(...(items.length ? [el('p', {}, `Claims on this page that read ${data.experiment}, checked against your run:`), el('ul', {}, ...items)] : [el('p', {}, `No claim on this page reads ${data.experiment}.`)]));
  return out;
}

let styled = false;

export async function togglePanel(fig: HTMLElement, bar: HTMLElement, button: HTMLButtonElement): Promise<void> {
  const existing = bar.nextElementSibling?.classList.contains('rerun-panel') ? (bar.nextElementSibling as HTMLElement) : undefined;
  if (existing) {
    existing.hidden = !existing.hidden;
    button.setAttribute('aria-expanded', String(!existing.hidden));
    return;
  }
  if (!styled) {
    document.head.append(el('style', {}, css));
    styled = true;
  }
  const panel = el('div', { class: 'rerun-panel', 'data-state': 'loading' });
  const status = el('div', { class: 'rerun-status', role: 'status', 'aria-live': 'polite' }, 'Loading the experiment…');
  panel.append(status);
  bar.after(panel);
  button.setAttribute('aria-expanded', 'true');
  const setState = (s: string) => (panel.dataset.state = s);
  let data: FigureData;
  try {
    const r = await fetch(fig.dataset.rerun!);
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    data = (await r.json()) as FigureData;
  } catch (err) {
    setState('error');
    status.textContent = `Could not load this figure's re-run details (${fig.dataset.rerun}): ${(err as Error).message}`;
    return;
  }

  const docsPromise = fetch(sitePath(`source/${data.module}.txt`)).then((r) => (r.ok ? r.text() : '')).catch(() => '').then(fieldDocs);
  request({ type: 'describe', id: data.experiment }, async (m) => {
    if (m.type === 'error') {
      setState('error');
      status.textContent = m.message;
      return;
    }
    if (m.type !== 'describe') return;
    const desc = m as Describe;
    const docs = await docsPromise;
    const quick: Record<string, unknown> = {};
    for (const f of desc.fields) setPath(quick, f.path, f.value);
    const { box, read } = buildFields(desc.fields, docs);
    const limit = desc.timeLimitSeconds ?? 120;
    const run = el('button', { type: 'submit', class: 'rerun-run' }, 'Run');
    const cancel = el('button', { type: 'button', class: 'rerun-cancel', disabled: '' }, 'Cancel');
    const reset = el('button', { type: 'reset' }, 'Quick-profile values');
    const form = el('form', { class: 'rerun-form' },
      el('p', {}, `Runs ${desc.id} (${desc.title}) here, in a Web Worker, with the quick profile's values below. `,
        data.nodeSeconds !== undefined ? `It took ${data.nodeSeconds.toFixed(1)} s in Node when this page was built; ` : '',
        `a run stops after ${limit} s. Sizes may go up to twice their quick value.`),
      box, el('div', { class: 'rerun-actions' }, run, cancel, reset));
    const progress = el('progress', { max: '1', value: '0' });
    const progressText = el('span', {});
    const provenance = el('p', { class: 'rerun-provenance' });
    const claimList = el('div', { class: 'rerun-claims' });
    const links = el('p', { class: 'rerun-links' });
    panel.replaceChildren(form, el('div', { class: 'rerun-progress' }, progress, ' ', progressText), status, provenance, links, claimList);
    setState('idle');
    status.textContent = '';

    let timer: ReturnType<typeof setInterval> | undefined;
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const finish = (state: string) => {
      clearInterval(timer);
      clearTimeout(watchdog);
      busy = undefined;
      run.disabled = false;
      cancel.disabled = true;
      setState(state);
    };
    cancel.addEventListener('click', () => {
      stopWorker('cancelled');
    });
    // A field outside its bounds stops the submit before it happens (the browser points at the field and fires
    // 'invalid' instead): the status names every such field, and the state says so (tests wait on it).
    form.addEventListener('invalid', () => {
      status.textContent = [...form.querySelectorAll<HTMLInputElement>('input:invalid')].map((i) => `${i.name}: ${i.validationMessage}`).join('; ');
      setState('invalid');
    }, true);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const { config, errors } = read();
      if (errors.length) {
        status.textContent = errors.join('; ');
        setState('invalid');
        return;
      }
      if (busy) {
        status.textContent = `Another re-run (${busy}) is in progress on this page; cancel it or wait.`;
        return;
      }
      busy = desc.id;
      run.disabled = true;
      cancel.disabled = false;
      setState('running');
      status.textContent = 'Loading TensorFlow.js and the experiment…';
      progress.value = 0;
      progressText.textContent = '';
      const t0 = performance.now();
      let last = '';
      timer = setInterval(() => (status.textContent = `${last}${last ? ' · ' : ''}${((performance.now() - t0) / 1000).toFixed(1)} s`), 250);
      // The worker stops itself at the limit whenever the experiment ticks; this catches one that never does.
      watchdog = setTimeout(() => stopWorker(`time limit of ${limit}s exceeded`), (limit + 10) * 1000);
      request({ type: 'run', id: desc.id, config }, async (r) => {
        if (r.type === 'progress') {
          progress.value = r.total ? r.done / r.total : 0;
          last = `${r.label}: ${r.done}/${r.total}`;
          progressText.textContent = last;
        } else if (r.type === 'error') {
          finish(r.message === 'cancelled' ? 'cancelled' : 'error');
          status.textContent = r.message === 'cancelled' ? 'Cancelled.' : `The run failed: ${r.message}`;
        } else if (r.type === 'done') {
          clearInterval(timer);
          status.textContent = 'Drawing…';
          try {
            await drawFigure(fig, data, r.results, `Your run: seed ${r.config.seed}, ${r.backend}, ${r.wallSeconds.toFixed(1)} s`);
            provenance.textContent = describeRun(r, quick);
            const claims = checkClaims(data, r, claimList);
            const blob = new Blob([JSON.stringify({ experiment: desc.id, profile: 'quick', config: r.config, backend: r.backend, wallSeconds: r.wallSeconds, results: r.results }, null, 1)], { type: 'application/json' });
            links.replaceChildren(el('a', { href: URL.createObjectURL(blob), download: `${desc.id}-seed${r.config.seed}.json` }, 'your results (JSON)'));
            (fig as HTMLElement & { readoffRerun?: RerunRecord }).readoffRerun = { config: r.config, results: r.results, backend: r.backend, backendDetail: r.backendDetail, wallSeconds: r.wallSeconds, claims };
            status.textContent = `Done in ${r.wallSeconds.toFixed(1)} s.`;
            finish('done');
          } catch (err) {
            finish('error');
            status.textContent = `Your run finished but its figure failed to draw: ${(err as Error).message}`;
          }
        }
      });
    });
  });
}
