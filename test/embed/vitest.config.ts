// `npm run test:embed`: the cross-runtime embedding check only (kept out of the
// default `npm test`, since it needs python3 and go and may download wasmtime
// and wazero on its first run). Timeouts allow for that cold setup.

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// VITEST_JSON=path adds vitest's JSON report (used by .ci/run for its counts).
const json = process.env.VITEST_JSON;

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/embed/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    reporters: json ? ['default', 'json'] : ['default'],
    outputFile: json ? { json } : undefined,
  },
});
