import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { CamtlError, useBackend } from '@camtl/core';

export const BACKENDS = ['auto', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

/** Picks the tfjs backend for a CLI run; "auto" prefers wasm (SIMD) over cpu. */
export async function selectBackend(choice: string): Promise<string> {
  if (!(BACKENDS as readonly string[]).includes(choice)) {
    throw new CamtlError('BAD_INPUT', `unknown backend "${choice}"`, `use one of: ${BACKENDS.join(', ')}`);
  }
  // Production mode also silences tfjs's "install tfjs-node" banner; the CLI
  // reports its own backend choice.
  tf.enableProdMode();
  if (choice === 'auto') {
    try {
      await useBackend('wasm');
      return 'wasm';
    } catch {
      await useBackend('cpu');
      return 'cpu';
    }
  }
  await useBackend(choice);
  return choice;
}
