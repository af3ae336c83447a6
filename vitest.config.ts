import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['node_modules/**', '.test-tmp/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
  },
});
