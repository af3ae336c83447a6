/**
 * The test files that read the shared quick build of the site (they await it: tests/helpers/siteBuild.ts). The
 * global setup starts that build only when one of them is selected (tests/site/globalSetup.ts), and the sequencer
 * starts them once the build should be ready (tests/helpers/sequencer.ts).
 */
export const SITE_BUILD_FILES = ['tests/site/quickBuild.test.ts', 'tests/site/buildPages.test.ts', 'tests/site/browser.test.ts'];

/** Whether vitest's file filters (`npm test -- <filter>...`: substrings of a file's path) select any of them. */
export function selectsSiteFiles(filters: string[] | undefined): boolean {
  return !filters?.length || SITE_BUILD_FILES.some((f) => filters.some((x) => f.includes(x.replace(/^\.\//, ''))));
}
