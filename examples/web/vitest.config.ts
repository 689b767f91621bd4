import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.base.ts';

// One file, one worker: the end-to-end test drives a browser and must not share the machine.
export default mergeConfig(
  base,
  defineConfig({
    test: { include: ['e2e.test.ts'], maxWorkers: 1, testTimeout: 240_000, hookTimeout: 16 * 60_000 },
  }),
);
