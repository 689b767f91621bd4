import { defineConfig } from 'tsup';
import { tsupBase } from '../../tsup.base.ts';

export default defineConfig({
  ...tsupBase,
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  dts: { entry: { index: 'src/index.ts' } },
  shims: true, // import.meta.url in the CJS build (assets lookup)
  banner: { js: '#!/usr/bin/env node' },
});
