import { page } from './browser';
import { activate } from './engine';
import type { AttemptContext, WebAttempt } from './types';

/** The plain JavaScript cpu backend: runs everywhere, slowest. */
export async function tryCpu(ctx: AttemptContext): Promise<WebAttempt> {
  const m = await import('@tensorflow/tfjs-backend-cpu');
  ctx.versions['tfjs-backend-cpu'] = m.version_cpu;
  const on = await activate('cpu');
  if (!on.ok) return on;
  const cores = page.navigator?.hardwareConcurrency;
  return {
    ok: true,
    device: `CPU (JavaScript, one thread${cores ? ` of ${cores} logical cores` : ''})`,
    detail: 'JavaScript, one thread',
    versions: ctx.versions,
  };
}
