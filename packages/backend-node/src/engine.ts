import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@camtl/core';

type Factory = () => tf.KernelBackend | Promise<tf.KernelBackend>;

interface EngineInternals {
  registry: Record<string, tf.KernelBackend>;
  registryFactory: Record<string, { factory: Factory; priority: number }>;
}

function engine(): EngineInternals {
  return tf.engine() as unknown as EngineInternals;
}

/** The backend instance if `name` has been initialised (unlike tf.findBackend, never initialises it). */
export function initializedBackend(name: string): tf.KernelBackend | undefined {
  return engine().registry[name];
}

const STOCK = Symbol.for('camtl.backend-node.stockFactory');

/**
 * Sets the factory of the registered, not yet initialised backend `name` to
 * `make(stock)`, where `stock` is the factory its package registered (never a
 * factory set here before), keeping its priority. `make` returning `stock`
 * puts the package's own factory back. False if `name` is not registered.
 */
export function replaceBackendFactory(name: string, make: (stock: Factory) => Factory): boolean {
  const entry = engine().registryFactory[name];
  if (!entry) return false;
  const current = entry.factory as Factory & { [STOCK]?: Factory };
  const stock = current[STOCK] ?? current;
  const next = make(stock) as Factory & { [STOCK]?: Factory };
  if (next !== stock) next[STOCK] = stock;
  entry.factory = next;
  return true;
}

const QUIET = Symbol.for('camtl.backend-node.quietCpu');

/**
 * Silences tfjs-backend-cpu's "Hi, looks like you are running TensorFlow.js in
 * Node.js … install our node backend" banner, and only that: the cpu factory
 * is wrapped so every cpu backend it creates starts as already used. Unlike
 * `tf.enableProdMode()`, tfjs's other warnings stay visible. Idempotent.
 */
export function silenceCpuBanner(): void {
  const entry = engine().registryFactory.cpu;
  if (!entry || (entry.factory as unknown as Record<symbol, boolean>)[QUIET]) return;
  const original = entry.factory;
  const quiet: Factory = () => {
    const backend = original();
    const mark = (b: tf.KernelBackend) => {
      (b as unknown as { firstUse?: boolean }).firstUse = false;
      return b;
    };
    return backend instanceof Promise ? backend.then(mark) : mark(backend);
  };
  (quiet as unknown as Record<symbol, boolean>)[QUIET] = true;
  entry.factory = quiet;
  const existing = initializedBackend('cpu') as unknown as { firstUse?: boolean } | undefined;
  if (existing) existing.firstUse = false;
}

/**
 * Switches tfjs to `name` through core's `useBackend` (which applies camtl's
 * kernel patches first). When the backend fails to initialise, the error its
 * factory threw is captured and returned as a one-line reason instead of being
 * logged by tfjs and lost; tfjs's own "Initialization of backend … failed"
 * warning is muted for that call only, since the caller reports it.
 */
export async function activate(name: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  const entry = engine().registryFactory[name];
  if (!entry) return { ok: false, reason: `no tfjs backend "${name}" is registered` };
  let failure: unknown;
  const original = entry.factory;
  const capturing: Factory = () => {
    try {
      const b = original();
      return b instanceof Promise
        ? b.catch((e: unknown) => {
            failure = e;
            throw e;
          })
        : b;
    } catch (e) {
      failure = e;
      throw e;
    }
  };
  const alreadyInitialised = !!initializedBackend(name);
  const wasProd = tf.env().getBool('PROD');
  if (!alreadyInitialised) {
    entry.factory = capturing;
    tf.env().set('PROD', true);
  }
  try {
    await useBackend(name);
    return { ok: true };
  } catch (e) {
    const cause = failure ?? e;
    const msg = cause instanceof Error ? cause.message : String((cause as { message?: string })?.message ?? cause);
    return { ok: false, reason: `backend "${name}" failed to initialise: ${msg.split('\n')[0]}` };
  } finally {
    if (!alreadyInitialised) {
      if (entry.factory === capturing) entry.factory = original;
      tf.env().set('PROD', wasProd);
    }
  }
}

/**
 * Runs one small matMul on the active backend and reads it back (async), so a
 * backend that initialises but cannot compute (a broken CUDA setup, a GPU
 * pipeline that fails to compile) is caught at selection. Returns the error's
 * first line, or undefined when the result is right.
 */
export async function firstOperation(): Promise<string | undefined> {
  let out: tf.Tensor | undefined;
  try {
    out = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])));
    const v = Array.from(await out.data());
    if (v.join(',') !== '19,22,43,50') return `a first matMul gave [${v.join(', ')}] instead of [19, 22, 43, 50]`;
    return undefined;
  } catch (e) {
    return ((e as Error)?.message ?? String(e)).split('\n')[0];
  } finally {
    out?.dispose();
  }
}
