import { defineConfig } from 'tsup';
import { tsupBase } from '../tsup.base.ts';

// Two programs, not a library: the CLI and the worker it forks once per
// (config, backend). ESM only and no .d.ts, since nothing imports them.
export default defineConfig({
  ...tsupBase,
  entry: { cli: 'src/cli.ts', worker: 'src/worker.ts' },
  format: ['esm'],
  dts: false,
  banner: { js: '#!/usr/bin/env node' },
});
