import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // tfjs-core's gradient registrations live in extensionless ESM files that plain
  // Node cannot resolve; bundling them makes dist/ work from Node (ESM and CJS).
  // They register on tfjs's global engine, so a bundled copy is harmless.
  noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
});
