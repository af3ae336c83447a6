import { describe, expect, it } from 'vitest';
import { createProgressFactory, createStatusBoard } from '../../experiments/runtime/progress';

function fakeClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('progress', () => {
  it('on a terminal, redraws one bar in place with percentage and ETA', () => {
    const clock = fakeClock();
    const out: string[] = [];
    const bar = createProgressFactory('[exp]', { sink: { write: (s) => out.push(s), isTTY: true }, now: clock.now })('pairs', 10);
    clock.advance(2000);
    bar.tick(4); // 4 of 10 in 2 s: 3 s to go
    expect(out.at(-1)).toMatch(/^\r\x1b\[2K\[exp\] pairs \[#{10}\.{14}\]  40% 4\/10 ETA 3s$/);
    clock.advance(3000);
    bar.tick(6);
    bar.done();
    expect(out.at(-1)).toMatch(/100% 10\/10 5\.0s\n$/);
  });

  it('off a terminal, prints a plain line at most every interval, and a final line', () => {
    const clock = fakeClock();
    const out: string[] = [];
    const bar = createProgressFactory('[exp]', { sink: { write: (s) => out.push(s), isTTY: false }, now: clock.now, plainIntervalMs: 5000 })('steps', 100);
    for (let i = 0; i < 50; i++) {
      clock.advance(200);
      bar.tick();
    }
    // 10 s elapsed: lines at 5 s and 10 s only.
    expect(out).toEqual(['[exp] steps  25% (25/100) ETA 15s\n', '[exp] steps  50% (50/100) ETA 10s\n']);
    bar.done();
    expect(out.at(-1)).toBe('[exp] steps 100% (100/100) 10.0s\n');
    expect(out.every((l) => !l.includes('\r'))).toBe(true);
  });

  it('shows no ETA until it means something, and does not count set-up time before the first tick (issue 8, item 6)', () => {
    const clock = fakeClock();
    const out: string[] = [];
    const bar = createProgressFactory('[exp]', { sink: { write: (s) => out.push(s), isTTY: true }, now: clock.now })('steps', 1000);
    // 60 s of set-up, then 0.1 s per step: about 100 s in all, not 1000 minutes.
    clock.advance(60_000);
    bar.tick();
    expect(out.at(-1)).toMatch(/ETA …$/);
    for (let i = 0; i < 10; i++) {
      clock.advance(100);
      bar.tick();
    }
    expect(out.at(-1)).toMatch(/ETA 1m39s$/);
  });

  it('calls the abort check on every tick', () => {
    let checks = 0;
    const bar = createProgressFactory('[x]', { sink: { write: () => {}, isTTY: false }, onTick: () => checks++ })('n', 3);
    bar.tick();
    bar.tick();
    expect(checks).toBe(2);
  });
});

describe('status board (several workers on one terminal)', () => {
  it('keeps one line per running experiment, redrawn in place, with log lines above', () => {
    let screen = '';
    const board = createStatusBoard({ write: (s) => (screen += s), isTTY: true });
    const clock = fakeClock();
    const a = createProgressFactory('[a]', { sink: board.sinkFor('a'), now: clock.now })('steps', 10);
    const b = createProgressFactory('[b]', { sink: board.sinkFor('b'), now: clock.now })('pairs', 4);
    clock.advance(1000);
    a.tick(5);
    b.tick(1);
    board.log('running c');
    clock.advance(1000);
    a.tick(1);
    // Interpret the cursor moves: what the terminal shows now.
    const rows: string[] = [];
    let row = 0;
    for (const part of screen.split(/(\x1b\[\d+A\r\x1b\[J|\n)/)) {
      const up = /^\x1b\[(\d+)A/.exec(part);
      if (up) {
        row -= Number(up[1]);
        rows.length = row;
      } else if (part === '\n') row++;
      else if (part) rows[row] = (rows[row] ?? '') + part;
    }
    expect(rows.filter(Boolean)).toEqual([
      'running c',
      expect.stringMatching(/^\[a\] steps \[#+\.+\]  60% 6\/10 ETA/),
      expect.stringMatching(/^\[b\] pairs \[#+\.+\]  25% 1\/4 ETA/),
    ]);
  });

  it('off a terminal, passes plain lines through', () => {
    const out: string[] = [];
    const board = createStatusBoard({ write: (s) => out.push(s), isTTY: false });
    board.sinkFor('a').write('[a] steps  50% (5/10) ETA 3s\n');
    board.log('finished a');
    expect(out).toEqual(['[a] steps  50% (5/10) ETA 3s\n', 'finished a\n']);
  });
});
