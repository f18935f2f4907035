import { defineConfig } from 'vitest/config';

// VITEST_JSON=path adds vitest's JSON report (used by .ci/run for its counts).
const json = process.env.VITEST_JSON;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/embed/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: json ? ['default', 'json'] : ['default'],
    outputFile: json ? { json } : undefined,
  },
});
