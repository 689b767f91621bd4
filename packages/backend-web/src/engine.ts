import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@camtl/core';
import type { WebBackendName } from './types';

/**
 * Switches to `name` through core's useBackend (kernel patches first), keeping
 * tfjs's own explanation when initialisation fails: tfjs only logs it, so it is
 * caught from console.warn for the duration of the call (and still printed).
 */
export async function activate(name: WebBackendName): Promise<{ ok: true } | { ok: false; reason: string }> {
  const warnings: string[] = [];
  const original = console.warn;
  const wasProd = tf.env().getBool('PROD');
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
    original.apply(console, args as []);
  };
  // tfjs logs the initialisation error only outside production mode.
  if (wasProd) tf.env().set('PROD', false);
  try {
    await useBackend(name);
    return { ok: true };
  } catch (e) {
    const why = warnings
      .filter((w) => !/^Initialization of backend/.test(w))
      .map(firstLine)
      .find(Boolean);
    return { ok: false, reason: `initialisation failed: ${why ?? firstLine(e)}` };
  } finally {
    console.warn = original;
    if (wasProd) tf.env().set('PROD', true);
  }
}

/** The first non-empty line of an error's message. */
export function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return (msg.split('\n').find((l) => l.trim()) ?? msg).trim();
}
