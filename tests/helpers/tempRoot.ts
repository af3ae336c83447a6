import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A scratch project root inside the repo, so `zod` and friends resolve from its node_modules. */
export async function makeTempRoot(files: Record<string, string> = {}): Promise<{ root: string; write(rel: string, text: string): Promise<void>; cleanup(): Promise<void> }> {
  await mkdir(path.join(repoRoot, '.test-tmp'), { recursive: true });
  const root = await mkdtemp(path.join(repoRoot, '.test-tmp', 'root-'));
  const write = async (rel: string, text: string) => {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), text);
  };
  for (const [rel, text] of Object.entries(files)) await write(rel, text);
  return { root, write, cleanup: () => rm(root, { recursive: true, force: true }) };
}
