// Part of @camtl/core/testing: run a suite on every backend available here.
// CAMTL_TEST_BACKENDS=cpu,wasm narrows or widens it.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe } from 'vitest';
import { useBackend } from '../backend';

export const TEST_BACKENDS: string[] = (process.env.CAMTL_TEST_BACKENDS ?? 'cpu,wasm')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

export function describeEachBackend(title: string, body: (backend: string) => void): void {
  for (const backend of TEST_BACKENDS) {
    describe(`${title} [${backend}]`, () => {
      beforeAll(async () => {
        await useBackend(backend);
      });
      body(backend);
    });
  }
}
