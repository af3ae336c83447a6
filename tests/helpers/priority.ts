/**
 * Every test file runs at the niceness of vitest's main process, which the site's global setup raises by 10 once it
 * has started the shared quick build (tests/site/globalSetup.ts): the site files wait for that build, so it gets a
 * core to itself while the other files share what is left. Vitest forks most workers after that, and they inherit
 * it; this catches the first ones, forked before. Only the order in which the CPU is shared changes.
 */
import os from 'node:os';

try {
  const main = os.getPriority(process.ppid);
  if (os.getPriority() < main) os.setPriority(main);
} catch {
  /* no such process, or not allowed: run as we are */
}
