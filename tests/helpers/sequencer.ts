import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds a file took at rest (rounded, from the suite's own verbose log): the longest start first, so that the two
 * workers of a 2-core machine finish together instead of one long file running alone at the end. Unknown files
 * count as short. Only the order changes, never what runs.
 */
const SECONDS: Record<string, number> = {
  'tests/runtime/quickArtifacts.test.ts': 90,
  'tests/runtime/units.test.ts': 60,
  'tests/reliability/processes.test.ts': 35,
  'tests/reliability/network.test.ts': 17,
  'tests/site/build.test.ts': 40,
  'tests/reliability/buildFailures.test.ts': 15,
  'tests/runtime/runner.test.ts': 12,
  'tests/runtime/committedArtifacts.test.ts': 11,
  'tests/runtime/statusBoard.test.ts': 11,
  'tests/runtime/cacheKeyScope.test.ts': 10,
  'tests/site/browser.test.ts': 60,
  'tests/site/browser-rerun.test.ts': 50,
  'tests/site/buildPages.test.ts': 10,
};

/**
 * The unit project first, the site project last: the site files wait for the quick build that the site's global
 * setup starts in the background (tests/site/globalSetup.ts), which runs meanwhile beside the unit files.
 */
export class SiteLastSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const key = (f: TestSpecification) => [f.project.name === 'site' ? 1 : 0, -(SECONDS[path.relative(root, f.moduleId)] ?? 0)];
    return [...sorted].sort((a, b) => {
      const [ka, kb] = [key(a), key(b)];
      return ka[0] - kb[0] || ka[1] - kb[1];
    });
  }
}
