import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface GitState {
  commit: string | null;
  dirty: boolean | null;
}

export function gitState(root: string): GitState {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    // Untracked files count (a new experiment not yet committed), artifacts do not (they are the output).
    const status = execFileSync('git', ['status', '--porcelain', '--', '.', ':(exclude)artifacts'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return { commit: null, dirty: null };
  }
}

/** The installed @tensorflow/tfjs version, read without loading tfjs (the build must stay fast). */
export function installedTfjsVersion(root: string): string {
  const require = createRequire(`${root}/package.json`);
  const pkgPath = require.resolve('@tensorflow/tfjs/package.json');
  return JSON.parse(readFileSync(pkgPath, 'utf8')).version as string;
}
