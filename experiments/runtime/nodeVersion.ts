/**
 * The oldest Node this project runs on: the highest minimum that any installed package declares on the
 * Node 20 line (chokidar, css-select and friends need 20.19). Kept equal to package.json "engines".
 */
export const MIN_NODE = '20.19.0';

/** The error to print when `version` (default: this process's) is older than MIN_NODE, else undefined. */
export function nodeVersionProblem(version: string = process.version): string | undefined {
  const have = version.replace(/^v/, '').split('.').map(Number);
  const need = MIN_NODE.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((have[i] ?? 0) > need[i]) return undefined;
    if ((have[i] ?? 0) < need[i]) {
      return `Readoff needs Node ${MIN_NODE} or newer (package.json "engines"); this is Node ${version}. Install a current Node 20 or 22 LTS and run \`npm ci\` again.`;
    }
  }
  return undefined;
}

/** Exit with a clear message on a Node that is too old, before anything else can fail obscurely. */
export function assertNodeVersion(): void {
  const problem = nodeVersionProblem();
  if (problem) {
    console.error(`error: ${problem}`);
    process.exit(1);
  }
}
