import type { AstroIntegration } from 'astro';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentProfile } from '../lib/profile';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Runs (or restores from the cache) every experiment before any page renders, by running the same CLI
 * that `npm run experiments` runs, then copies the artifacts and the sources they were made from into
 * the built site so every figure links to its data and code.
 */
export default function readoff(): AstroIntegration {
  return {
    name: 'readoff',
    hooks: {
      'astro:config:setup': async ({ command, logger }) => {
        process.env.READOFF_ROOT = root;
        if (command !== 'build' && command !== 'dev') return;
        const profile = currentProfile();
        logger.info(`running experiments (${profile} profile)`);
        await runExperimentCli(['--profile', profile, '--jobs', process.env.READOFF_JOBS || '2'], logger);
      },
      'astro:build:done': async ({ dir, logger }) => {
        const out = fileURLToPath(dir);
        const profile = currentProfile();
        const copied = await publishArtifacts(profile, out);
        logger.info(`published ${copied.artifacts} artifacts and ${copied.sources} source files`);
      },
    },
  };
}

function runExperimentCli(args: string[], logger: { info(m: string): void }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'experiments/cli.ts'), ...args], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'pipe'],
      env: process.env,
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) return resolve();
      const lastError = stderr.trim().split('\n').filter((l) => l.startsWith('error:')).pop() ?? stderr.trim().split('\n').pop();
      logger.info('experiments failed; the build stops here');
      reject(new Error(`Readoff experiments failed (exit ${code ?? signal}): ${lastError ?? 'no message'}`));
    });
  });
}

/** Copy artifacts/<profile>/*.json to <out>/artifacts/<profile>/ and each source they hash to <out>/source/<path>.txt. */
async function publishArtifacts(profile: string, out: string) {
  const from = path.join(root, 'artifacts', profile);
  const to = path.join(out, 'artifacts', profile);
  await mkdir(to, { recursive: true });
  const files = (await readdir(from).catch(() => [] as string[])).filter((f) => f.endsWith('.json'));
  const sources = new Set<string>();
  let published = 0;
  for (const f of files) {
    const artifact = JSON.parse(await readFile(path.join(from, f), 'utf8'));
    // An artifact whose experiment module is gone belongs to a removed experiment (the runner warns).
    if (!artifact.provenance?.module || !existsSync(path.join(root, artifact.provenance.module))) continue;
    await cp(path.join(from, f), path.join(to, f));
    published++;
    for (const src of Object.keys(artifact.provenance.keyInputs?.sources ?? {})) sources.add(src);
  }
  for (const src of sources) {
    if (!existsSync(path.join(root, src))) continue;
    const dest = path.join(out, 'source', `${src}.txt`);
    await mkdir(path.dirname(dest), { recursive: true });
    await cp(path.join(root, src), dest);
  }
  return { artifacts: published, sources: sources.size };
}
