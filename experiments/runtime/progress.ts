/** Progress for long experiments: a bar with ETA on a terminal, a plain line every few seconds otherwise. */

export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
  /** The terminal's width, where known: a status board cuts its lines to it, so that none wraps. */
  columns?: number;
}

export interface ProgressOptions {
  sink: ProgressSink;
  /** Milliseconds clock, injectable for tests. */
  now?: () => number;
  /** Minimum interval between plain (non-terminal) lines. */
  plainIntervalMs?: number;
  /** Called on every update so long loops notice an abort. */
  onTick?: () => void;
}

export interface ProgressBar {
  /** Advance by `n` units of work. */
  tick(n?: number): void;
  /** Finish: clears the bar and prints a summary line. */
  done(): void;
}

export type ProgressFactory = (label: string, total: number) => ProgressBar;

export function createProgressFactory(prefix: string, opts: ProgressOptions): ProgressFactory {
  const now = opts.now ?? (() => Date.now());
  const interval = opts.plainIntervalMs ?? 5000;
  return (label, total) => {
    const start = now();
    let done = 0;
    let lastDraw = -Infinity;
    let lastPlain = start;
    let first: { t: number; done: number } | undefined;
    const render = (final: boolean) => {
      const t = now();
      const elapsed = (t - start) / 1000;
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      const pct = `${Math.round(frac * 100)}%`.padStart(4);
      const counts = `${done}/${total}`;
      const eta = estimateSeconds(t, start, first, done, total);
      const time = final ? `${elapsed.toFixed(1)}s` : `ETA ${eta === undefined ? '…' : formatSeconds(eta)}`;
      if (opts.sink.isTTY) {
        const width = 24;
        const filled = Math.round(frac * width);
        const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
        opts.sink.write(`\r\x1b[2K${prefix} ${label} ${bar} ${pct} ${counts} ${time}${final ? '\n' : ''}`);
      } else if (final || t - lastPlain >= interval) {
        lastPlain = t;
        opts.sink.write(`${prefix} ${label} ${pct} (${counts}) ${time}\n`);
      }
      lastDraw = t;
    };
    return {
      tick(n = 1) {
        done += n;
        first ??= { t: now(), done };
        opts.onTick?.();
        if (now() - lastDraw >= 100) render(false);
      },
      done() {
        done = Math.max(done, total);
        render(true);
      },
    };
  };
}

/**
 * Seconds left, or undefined while no estimate means anything yet. The rate is measured from the first tick,
 * not from the start: the time before it is set-up (data, compiled kernels), and counting it made the first
 * estimates of a two-minute run read over an hour. A few coarse ticks (a fifth done) use the whole run.
 */
export function estimateSeconds(t: number, start: number, first: { t: number; done: number } | undefined, done: number, total: number): number | undefined {
  if (done >= total) return 0;
  if (first && t - first.t >= 1000 && done > first.done) return ((total - done) * (t - first.t)) / (done - first.done) / 1000;
  if (total > 0 && done / total >= 0.2 && t > start) return ((total - done) * (t - start)) / done / 1000;
  return undefined;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.ceil(s)}s`;
  return `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, '0')}s`;
}

/**
 * Several workers' bars on one terminal: one line per key (a worker), redrawn in place; log lines are printed above
 * the block. Feed it what each worker's bar writes (`sinkFor(key)`); off a terminal it passes plain lines through.
 */
export interface StatusBoard {
  /** A sink for one worker's bars: its latest line replaces the previous one; a finished line goes to the log above. */
  sinkFor(key: string): ProgressSink;
  /** Show `text` as a key's line until its bar draws (a unit that started and has not ticked yet). Terminal only. */
  set(key: string, text: string): void;
  /** A log line, printed above the bars. */
  log(line: string): void;
  /** Drop a key's line (its unit finished). */
  remove(key: string): void;
  /** Drop every line (the run ended), leaving the log. */
  clear(): void;
}

export function createStatusBoard(out: ProgressSink): StatusBoard {
  const lines = new Map<string, string>();
  let drawn = 0;
  const erase = () => {
    if (drawn) out.write(`\x1b[${drawn}A\r\x1b[J`);
    drawn = 0;
  };
  // A line wider than the terminal would wrap, and the cursor-up count would no longer cover the block.
  const fit = (l: string) => (out.columns && out.columns > 1 && l.length >= out.columns ? `${l.slice(0, out.columns - 2)}…` : l);
  const draw = () => {
    for (const l of lines.values()) out.write(`${fit(l)}\n`);
    drawn = lines.size;
  };
  const redraw = (change: () => void) => {
    erase();
    change();
    draw();
  };
  return {
    sinkFor(key) {
      return {
        isTTY: out.isTTY,
        get columns() {
          return out.columns;
        },
        write(text) {
          if (!out.isTTY) return out.write(text);
          // eslint-disable-next-line no-control-regex
          const line = text.replace(/\r|\x1b\[2K/g, '');
          redraw(() => {
            if (line.endsWith('\n')) {
              // A finished bar or a log line: keep it in the log above.
              out.write(line);
              lines.delete(key);
            } else lines.set(key, line);
          });
        },
      };
    },
    set(key, text) {
      if (out.isTTY) redraw(() => lines.set(key, text));
    },
    log(line) {
      if (!out.isTTY) return out.write(`${line}\n`);
      redraw(() => out.write(`${line}\n`));
    },
    remove(key) {
      if (lines.has(key) && out.isTTY) redraw(() => lines.delete(key));
    },
    clear() {
      if (out.isTTY) redraw(() => lines.clear());
    },
  };
}
