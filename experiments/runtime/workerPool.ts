import { fork, type ChildProcess } from 'node:child_process';
import { backendFor, type BackendRequest } from './backend';
import { computeUnit, unitName, type UnitOutcome, type UnitTask } from './execute';
import type { AnyExperiment } from './experiment';
import { exitWithParent, killWithMe } from './lifeline';

/**
 * Long-lived worker processes for a run: each loads tsx, tfjs and its backend once, then computes unit after unit,
 * of any experiment. tfjs runs one thread per process in Node, so processes are how a run uses every core.
 */
type ToWorker = { type: 'task'; id: number; task: UnitTask; backend: BackendRequest; tty: boolean };
type FromWorker = { type: 'started'; id: number } | { type: 'progress'; id: number; text: string } | { type: 'done'; id: number; outcome: UnitOutcome };

interface Slot {
  index: number;
  child: ChildProcess;
  busy?: { id: number; task: UnitTask; resolve(o: UnitOutcome): void; deadline?: () => number; timer?: NodeJS.Timeout; timedOut: boolean };
  stopping: boolean;
}

export class WorkerPool {
  private slots = new Set<Slot>();
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly script: string,
    private readonly opts: {
      cwd: string;
      backend: BackendRequest;
      heapMegabytes?: number;
      /** Progress and log text of a unit, sent to the parent (which owns the terminal) instead of printed by the worker. */
      onOutput?: (worker: number, task: UnitTask, text: string) => void;
      /** Workers draw their bars for a terminal (redrawn lines, for a status board) instead of plain lines. */
      tty?: boolean;
      /** A unit started computing on a worker (after the worker's start-up), and when it ended, however it ended. */
      onStart?: (worker: number, task: UnitTask) => void;
      onEnd?: (worker: number, task: UnitTask) => void;
    },
  ) {}

  /**
   * Compute one unit on an idle worker (starting one if none is idle). `deadline` is asked for when the unit starts
   * (a worker's start-up does not count against a time limit). Resolves with a failure, never rejects.
   */
  run(task: UnitTask, deadline?: () => number): Promise<UnitOutcome> {
    if (this.closed) return Promise.resolve({ ok: false, message: `${unitName(task.experiment, task.unit)} was not run: the run is stopping` });
    const slot = [...this.slots].find((s) => !s.busy && !s.stopping) ?? this.spawn();
    return new Promise((resolve) => {
      const id = this.nextId++;
      slot.busy = { id, task, resolve, timedOut: false, deadline };
      slot.child.send({ type: 'task', id, task, backend: this.opts.backend, tty: Boolean(this.opts.tty) } satisfies ToWorker);
    });
  }

  /** Kill every worker now (after a failure, or when the run ends). */
  close(): void {
    this.closed = true;
    for (const s of this.slots) {
      s.stopping = true;
      s.child.kill('SIGKILL');
    }
  }

  private spawn(): Slot {
    const execArgv = ['--import', 'tsx'];
    if (this.opts.heapMegabytes) execArgv.push(`--max-old-space-size=${this.opts.heapMegabytes}`);
    // Each worker in a session of its own: Linux's autogroup scheduling shares the CPU between sessions, so workers
    // left in the CLI's session would split one share between them on a busy machine. They still die with the run
    // (lifeline.ts: a watchdog in each worker, and the CLI kills them on exit and on signals).
    const child = fork(this.script, [], { execArgv, cwd: this.opts.cwd, env: process.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: true });
    killWithMe(child);
    let index = 0;
    while ([...this.slots].some((s) => s.index === index)) index++;
    const slot: Slot = { index, child, stopping: false };
    this.slots.add(slot);
    child.on('message', (raw) => {
      const m = raw as FromWorker;
      if (slot.busy?.id !== m.id) return;
      const busy = slot.busy;
      if (m.type === 'progress') {
        if (this.opts.onOutput) this.opts.onOutput(slot.index, busy.task, m.text);
        else process.stdout.write(m.text);
        return;
      }
      if (m.type === 'started') {
        this.opts.onStart?.(slot.index, busy.task);
        // The worker stops a unit at its limit when the unit ticks progress or checks its signal; a unit that never
        // does is killed here, at the same moment: no grace period.
        const at = busy.deadline?.();
        if (at !== undefined && Number.isFinite(at)) {
          busy.timer = setTimeout(() => {
            busy.timedOut = true;
            slot.stopping = true;
            slot.child.kill('SIGKILL');
          }, Math.max(0, at - performance.now()));
        }
        return;
      }
      slot.busy = undefined;
      clearTimeout(busy.timer);
      this.opts.onEnd?.(slot.index, busy.task);
      busy.resolve(m.outcome);
    });
    child.on('exit', (code, signal) => {
      this.slots.delete(slot);
      const busy = slot.busy;
      if (!busy) return;
      slot.busy = undefined;
      clearTimeout(busy.timer);
      this.opts.onEnd?.(slot.index, busy.task);
      const who = unitName(busy.task.experiment, busy.task.unit);
      let message: string;
      if (busy.timedOut) message = `${who} failed: time limit of ${busy.task.limitSeconds}s exceeded (its worker was stopped: the experiment neither ticked its progress bar nor checked ctx.signal in time)`;
      else if (this.closed) message = `${who} was stopped: another unit failed`;
      else if (signal === 'SIGKILL') message = `${who} failed: its worker process was killed by the operating system (SIGKILL), most likely for running out of memory`;
      else if (signal === 'SIGABRT' || code === 134) message = `${who} failed: its worker process ran out of JavaScript heap memory (raise it with NODE_OPTIONS=--max-old-space-size=MB)`;
      else message = `${who} failed: its worker process exited with ${signal ?? `code ${code}`}`;
      busy.resolve({ ok: false, message });
    });
    return slot;
  }
}

/** Body of a worker process: compute the units the parent sends, one at a time, until the parent goes away. */
export function serveWorker(registry: readonly AnyExperiment[]): void {
  exitWithParent();
  process.on('disconnect', () => process.exit(1));
  let queue = Promise.resolve();
  process.on('message', (raw) => {
    const m = raw as ToWorker;
    if (m?.type !== 'task') return;
    queue = queue.then(async () => {
      let outcome: UnitOutcome;
      const def = registry.find((d) => d.id === m.task.experiment);
      if (!def) {
        outcome = { ok: false, message: `worker: unknown experiment "${m.task.experiment}"` };
      } else {
        try {
          const backend = await backendFor(def, m.backend);
          process.send!({ type: 'started', id: m.id } satisfies FromWorker);
          const send = (text: string) => process.send!({ type: 'progress', id: m.id, text } satisfies FromWorker);
          outcome = await computeUnit(def, m.task, { backend, sink: { write: send, isTTY: m.tty }, log: (l) => send(`${l}\n`) });
        } catch (err: any) {
          outcome = { ok: false, message: `${unitName(m.task.experiment, m.task.unit)} failed: ${err?.message ?? err}` };
        }
      }
      process.send!({ type: 'done', id: m.id, outcome } satisfies FromWorker);
    });
  });
}
