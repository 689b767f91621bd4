import { defineConfig } from 'tsup';
import { tsupBase } from '../../tsup.base.ts';

export default defineConfig({
  ...tsupBase,
  // import.meta.url in the CJS build: the optional packages and the .wasm
  // binaries are resolved from this package's own location.
  shims: true,
  // Never bundle or statically resolve the backends: the optional ones may be
  // absent, and tfjs-backend-webgpu must load after navigator.gpu exists.
  external: [
    '@tensorflow/tfjs-node-gpu',
    '@tensorflow/tfjs-node',
    'webgpu',
    '@tensorflow/tfjs-backend-webgpu',
    '@tensorflow/tfjs-backend-wasm',
    '@tensorflow/tfjs-backend-cpu',
    '@tensorflow/tfjs-core',
    '@camtl/core',
  ],
});
