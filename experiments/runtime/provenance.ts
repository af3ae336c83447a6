import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface GitState {
  commit: string | null;
  dirty: boolean | null;
  /** Root-relative paths of the files that HEAD holds unchanged (null outside git). */
  committed?: string[] | null;
}

export function gitState(root: string): GitState {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 }).toString();
  try {
    const commit = git('rev-parse', 'HEAD').trim();
    // Untracked files count (a new experiment not yet committed), artifacts do not (they are the output).
    const status = git('status', '--porcelain', '--', '.', ':(exclude)artifacts');
    const tracked = git('ls-files', '-z', '--', '.').split('\0').filter(Boolean);
    const changed = new Set(git('diff', '--name-only', '--relative', '-z', 'HEAD', '--', '.').split('\0').filter(Boolean));
    return { commit, dirty: status.trim().length > 0, committed: tracked.filter((f) => !changed.has(f)) };
  } catch {
    return { commit: null, dirty: null, committed: null };
  }
}

/** Whether the commit names the code that made an artifact: every one of its sources committed unchanged. */
export function sourcesCommitted(git: GitState, sources: Record<string, string>): boolean | null {
  if (!git.committed) return null;
  const committed = new Set(git.committed);
  return Object.keys(sources).every((f) => committed.has(f));
}

/** The installed @tensorflow/tfjs version, read without loading tfjs (the build must stay fast). */
export function installedTfjsVersion(root: string): string {
  const require = createRequire(`${root}/package.json`);
  const pkgPath = require.resolve('@tensorflow/tfjs/package.json');
  return JSON.parse(readFileSync(pkgPath, 'utf8')).version as string;
}
