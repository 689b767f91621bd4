import * as tf from '@tensorflow/tfjs-core';
import type { Attempt } from '@camtl/core';
import { activate } from './engine';

/** The plain-JS cpu backend: always there, slowest. */
export async function tryCpu(): Promise<Attempt> {
  let cpu: typeof import('@tensorflow/tfjs-backend-cpu');
  try {
    cpu = await import('@tensorflow/tfjs-backend-cpu');
  } catch (e) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-cpu failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
  const on = await activate('cpu');
  if (!on.ok) return { ok: false, reason: on.reason };
  return {
    ok: true,
    device: 'CPU (plain JavaScript)',
    detail: 'plain JS',
    versions: { 'tfjs-core': tf.version_core, 'tfjs-backend-cpu': cpu.version_cpu },
  };
}
