import { rmSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';
import { tsupBase } from '../../tsup.base.ts';

const shared: Options = {
  ...tsupBase,
  // tfjs stays external: tfjs-core is a peer dependency (one engine per process;
  // the gradients its bundles lack come from src/gradients, registerGradients),
  // and the backends @camtl/core/testing imports are the user's to install.
  external: [/^@tensorflow\//],
  // The two builds below share dist/; tsup would clean it in each, concurrently.
  clean: false,
};

export default defineConfig(() => {
  rmSync('dist', { recursive: true, force: true });
  return [
    // ESM: every source module is its own file, so a bundler honouring
    // "sideEffects": false keeps only the modules an import reaches (Rng alone
    // pulls in no tfjs-core), and the main entry and @camtl/core/testing share
    // them: a test and the code under test see one module instance.
    {
      ...shared,
      // Test-only modules (helpers, fixture readers, fast-check fuzzing) are not published.
      entry: ['src/**/*.ts', '!src/**/*.test.ts', '!src/**/test-helpers.ts', '!src/testing/{fuzz,fixtures,load}.ts'],
      format: ['esm'],
      splitting: true,
      dts: { entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' } },
    },
    // CJS: the main entry only; @camtl/core/testing is ESM only, since a CJS
    // copy of it would be a second instance of core.
    { ...shared, entry: { index: 'src/index.ts' }, format: ['cjs'] },
  ];
});
