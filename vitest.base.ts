// The vitest settings every @camtl package shares; each
// packages/<name>/vitest.config.ts merges it with what is its own.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // tfjs backends are process-global; one file per worker keeps them apart,
    // and few workers keep wasm memory in check on 2-core CI machines.
    pool: 'forks',
    maxWorkers: 2,
  },
});
