import { defineConfig } from 'tsup';
import { tsupBase } from '../../tsup.base.ts';

export default defineConfig({
  ...tsupBase,
  // tfjs-core's gradient registrations live in extensionless ESM files that plain
  // Node cannot resolve; bundling them makes dist/ work from Node (ESM and CJS).
  // They register on tfjs's global engine, so a bundled copy is harmless.
  noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
});
