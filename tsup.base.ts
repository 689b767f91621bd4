// The tsup build every @camtl package shares: ESM + CJS + d.ts from src/index.ts.
// Each packages/<name>/tsup.config.ts spreads it and adds what is its own.
import type { Options } from 'tsup';

export const tsupBase: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
};
