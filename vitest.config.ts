import { defineConfig } from 'vitest/config';

// globalSetup starts a real Kafka and a real redis-server for the run
// (test/services/); tests get their addresses with inject().
// VITEST_JSON=path adds vitest's JSON report (used by .ci/run for its counts).
const json = process.env.VITEST_JSON;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/embed/**', 'node_modules/**'],
    globalSetup: ['test/services/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: json ? ['default', 'json'] : ['default'],
    outputFile: json ? { json } : undefined,
  },
});
