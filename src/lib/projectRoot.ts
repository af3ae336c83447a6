/**
 * The project root. Page code is bundled into dist/chunks before it runs, so paths relative to
 * import.meta.url break; the integration records the root when the build starts.
 */
export function projectRoot(): string {
  return process.env.READOFF_ROOT || process.cwd();
}
