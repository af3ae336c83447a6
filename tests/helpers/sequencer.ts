import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { SITE_BUILD_FILES } from './siteFiles';

/**
 * CPU seconds a file takes (rounded, from the suite's READOFF_TEST_CPU_LOG and, for the Chromium files, the machine's
 * busy time, since Chromium's CPU is not in that log). Unknown files count as short. Only the order changes, never
 * what runs.
 */
const SECONDS: Record<string, number> = {
  'tests/site/browser.test.ts': 95,
  'tests/runtime/quickArtifacts.test.ts': 40,
  'tests/site/build.test.ts': 20,
  'tests/runtime/units.test.ts': 13,
  'tests/reliability/processes.test.ts': 11,
  'tests/reliability/buildFailures.test.ts': 10,
  'tests/reliability/network.test.ts': 8,
  'tests/runtime/runner.test.ts': 6,
  'tests/superposition/superpositionInputs.test.ts': 5,
  'tests/runtime/cli.test.ts': 4,
  'tests/site/buildPages.test.ts': 4,
  'tests/runtime/committedArtifacts.test.ts': 3,
  'tests/runtime/statusBoard.test.ts': 3,
  'tests/lib/sampling.test.ts': 3,
  'tests/site/quickBuild.test.ts': 2,
  'tests/runtime/cacheKeyScope.test.ts': 2,
};

/**
 * Core-seconds of other files to hand out before each file that reads the shared quick build starts: the build
 * (about 35 CPU-s, most of one core at raised priority: tests/site/globalSetup.ts) runs meanwhile, and a file that
 * starts before it ends holds a worker while it waits. One file drives Chromium (the browser re-runs are part of
 * browser.test): two side by side cost about a quarter more CPU than one after the other (measured: 192 core-s
 * against about 150).
 */
const START_AFTER: Record<string, number> = {
  'tests/site/browser.test.ts': 60,
  'tests/site/quickBuild.test.ts': 60,
  'tests/site/buildPages.test.ts': 60,
};

/**
 * Longest first, so that the two workers of a 2-core machine finish together instead of one long file running alone
 * at the end; except that each file reading the shared build waits until START_AFTER core-seconds of other files
 * have been handed out.
 */
export class SiteAfterBuildSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const rel = (f: TestSpecification) => path.relative(root, f.moduleId).split(path.sep).join('/');
    const seconds = (f: TestSpecification) => SECONDS[rel(f)] ?? 0;
    const byLength = (a: TestSpecification, b: TestSpecification) => seconds(b) - seconds(a);
    const site = sorted.filter((f) => SITE_BUILD_FILES.includes(rel(f))).sort(byLength);
    const other = sorted.filter((f) => !SITE_BUILD_FILES.includes(rel(f))).sort(byLength);
    const order: TestSpecification[] = [];
    let spent = 0;
    for (const f of other) {
      order.push(...site.filter((s) => !order.includes(s) && spent >= (START_AFTER[rel(s)] ?? 0)));
      order.push(f);
      spent += seconds(f);
    }
    return [...order, ...site.filter((s) => !order.includes(s))];
  }
}
