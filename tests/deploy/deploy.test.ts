import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { parseCli } from '../../experiments/cli';
import { repoRoot } from '../helpers/tempRoot';

// The cluster engines cannot run here. What is checked: each file against its engine's schema (GitHub's workflow
// schema through action-validator, the Kubernetes OpenAPI schema through kubernetes-models, bash's parser for the
// SLURM scripts), and every experiments command in them against the CLI's own argument parser.
const read = (rel: string) => readFileSync(path.join(repoRoot, rel), 'utf8');

/** Arguments after `npm run experiments --` in each command line, with shell variables given sample values. */
function experimentCommands(text: string, vars: Record<string, string>): string[][] {
  const joined = text.replace(/\\\n\s*/g, ' ');
  return [...joined.matchAll(/npm run experiments -- ([^\n;&|]*)/g)].map((m) =>
    m[1]
      .replace(/\$\{\{[^}]*\}\}/g, '1')
      .replace(/\$\(\([^)]*\)\)/g, '1')
      .replace(/\$\{?(\w+)(:-[^}]*)?\}?/g, (_, v) => vars[v] ?? '2')
      .replace(/"/g, '')
      .trim()
      .split(/\s+/)
      .filter(Boolean),
  );
}
const VARS = { READOFF_PROFILE: 'full', SHARDS: '4', FORCE_FLAG: '--force', STORE: '/store', i: '1', dirs: 'a b', SLURM_CPUS_PER_TASK: '2' };

function checkCommands(text: string) {
  const commands = experimentCommands(text, VARS);
  expect(commands.length).toBeGreaterThan(0);
  for (const args of commands) {
    const parsed = parseCli(args.map((a) => a.replace(/\*$/, '1')), {});
    expect(parsed.shard || parsed.mergeFrom || parsed.check, args.join(' ')).toBeTruthy();
  }
  return commands;
}

describe('deploy files', () => {
  it('GitHub Actions workflow: valid against the workflow schema; a matrix of shards, then a merge that builds the site', () => {
    const text = read('.github/workflows/experiments.yml');
    const state = validateWorkflow(text);
    expect(state.errors).toEqual([]);
    const wf = parseYaml(text);
    expect(wf.jobs.shard.strategy.matrix.shard).toHaveLength(Number(wf.env.SHARDS));
    expect(wf.jobs.merge.needs).toBe('shard');
    expect(JSON.stringify(wf.jobs.merge.steps)).toMatch(/npm run build/);
    expect(JSON.stringify(wf.jobs.merge.steps)).toMatch(/"path":"dist\/"/);
    checkCommands(text);
    // The schema check itself can fail.
    expect(validateWorkflow(text.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest')).errors.length).toBeGreaterThan(0);
  });

  it('Kubernetes: an Indexed Job whose completion index is the shard, and a merge Job, valid against the API schema', () => {
    const docs = ['deploy/k8s/experiments-job.yaml', 'deploy/k8s/merge-job.yaml'].flatMap((f) => parseAllDocuments(read(f)).map((d) => d.toJS()));
    for (const doc of docs) {
      const model = doc.kind === 'Job' ? new Job(doc) : doc.kind === 'PersistentVolumeClaim' ? new PersistentVolumeClaim(doc) : undefined;
      expect(model, `unexpected kind ${doc.kind}`).toBeDefined();
      expect(() => model!.validate()).not.toThrow();
    }
    const shards = docs.find((d) => d.metadata.name === 'readoff-experiments');
    expect(shards.spec.completionMode).toBe('Indexed');
    const env = Object.fromEntries(shards.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(shards.spec.completions).toBe(Number(env.SHARDS));
    expect(shards.spec.template.spec.containers[0].args[0]).toMatch(/JOB_COMPLETION_INDEX \+ 1/);
    checkCommands(read('deploy/k8s/experiments-job.yaml') + read('deploy/k8s/merge-job.yaml'));
    const bad = new Job({ ...shards, spec: { ...shards.spec, completions: 'four' } });
    expect(() => bad.validate()).toThrow();
  });

  it('SLURM: an array job over the shards and a merge step chained after it, valid bash', () => {
    for (const f of ['deploy/slurm/experiments.sbatch', 'deploy/slurm/merge.sbatch', 'deploy/slurm/submit.sh']) {
      const r = spawnSync('bash', ['-n', path.join(repoRoot, f)], { encoding: 'utf8' });
      expect(r.status, `${f}: ${r.stderr}`).toBe(0);
    }
    const array = read('deploy/slurm/experiments.sbatch');
    expect(array).toMatch(/^#SBATCH --array=1-4$/m);
    expect(array).toMatch(/: "\$\{SHARDS:=4\}"/);
    expect(read('deploy/slurm/submit.sh')).toMatch(/--dependency="afterok:/);
    checkCommands(array + read('deploy/slurm/merge.sbatch'));
  });
});
