import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.base.ts';

// One worker: the Node runner and the browser runner both drive SwiftShader
// (a software GPU using every core); running them side by side on a 2-core
// machine only makes both slower.
export default mergeConfig(
  base,
  defineConfig({
    test: { maxWorkers: 1, testTimeout: 10 * 60_000, hookTimeout: 15 * 60_000 },
  }),
);
