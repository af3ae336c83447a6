import { spawnSync } from 'node:child_process';
import { projectRoot } from './projectRoot';

function git(args: string[]): string | undefined {
  const r = spawnSync('git', args, { cwd: projectRoot(), encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}

const memo = new Map<string, string | undefined>();
const cached = (key: string, f: () => string | undefined) => {
  if (!memo.has(key)) memo.set(key, f());
  return memo.get(key);
};

/** The commit the site is built from (short hash, "+ changes" when the tree is dirty), if in git. */
export function buildCommit(): string | undefined {
  return cached('head', () => {
    const head = git(['rev-parse', '--short=10', 'HEAD']);
    if (!head) return undefined;
    return git(['status', '--porcelain', '--untracked-files=no']) ? `${head} + uncommitted changes` : head;
  });
}

/** Date (YYYY-MM-DD) of the last commit that changed a file, if in git. */
export function lastChanged(file: string): string | undefined {
  return cached(`date:${file}`, () => git(['log', '-1', '--format=%cs', '--', file]));
}
