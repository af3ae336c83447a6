import { defineConfig } from 'vitest/config';

const exclude = ['node_modules/**', '.test-tmp/**', 'dist/**'];
/** Tests that read the built site. */
const siteBuildTests = ['tests/site/build*.test.ts', 'tests/site/browser*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 300_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/**/*.test.ts'], exclude: [...exclude, ...siteBuildTests] } },
      // The site tests share one quick build of the site, made once by the global setup.
      { extends: true, test: { name: 'site', include: siteBuildTests, exclude, globalSetup: ['tests/site/globalSetup.ts'] } },
    ],
  },
});
