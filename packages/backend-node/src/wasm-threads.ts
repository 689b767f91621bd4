// Multi-threaded wasm in Node. tfjs-backend-wasm 4.22 turns threads off in Node
// (flags_wasm.ts: `if (ENV.get('IS_NODE')) return false`), and forcing its flag
// fails: tfjs hands emscripten the pthread worker script as a `blob:` URL, which
// Node's Worker rejects (ERR_WORKER_PATH). Its threaded-SIMD build is an ordinary
// emscripten pthreads build that runs in Node, though. Here it is started with
// the worker script written to a file, and wrapped in tfjs's own BackendWasm.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from '@camtl/core';

type WasmPackage = typeof import('@tensorflow/tfjs-backend-wasm');
type Factory = () => tf.KernelBackend | Promise<tf.KernelBackend>;

/** tfjs-backend-wasm caps XNNPACK's pool at 8 threads (and preloads 8 workers). */
export const WASM_MAX_THREADS = 8;

const localRequire = createRequire(import.meta.url);

/**
 * The thread count for `wasmThreads` (or CAMTL_WASM_THREADS): 'auto' (the
 * default) is min(2, os.availableParallelism()); a number (or a string of
 * digits) must be an integer from 1 to 8. 1 is tfjs's single-threaded SIMD
 * build, as shipped. `name` is what an error calls the setting.
 */
export function resolveWasmThreads(
  requested: number | 'auto' | string = 'auto',
  cores: number = os.availableParallelism(),
  name = 'wasmThreads',
): number {
  if (requested === 'auto') return Math.max(1, Math.min(2, cores));
  const n = typeof requested === 'string' && /^\d+$/.test(requested.trim()) ? Number(requested) : requested;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > WASM_MAX_THREADS) {
    throw new CamtlError(
      'BAD_INPUT',
      `${name} must be 'auto' or an integer from 1 to ${WASM_MAX_THREADS}, got ${JSON.stringify(requested)}`,
      `'auto' uses min(2, os.availableParallelism()) = ${Math.max(1, Math.min(2, cores))} here`,
    );
  }
  return n;
}

/** The files of tfjs-backend-wasm's threaded-SIMD build, resolved from this package's location. */
export function threadedWasmFiles(): { factory: string; workerSource: string; binary: string } {
  const dist = path.dirname(localRequire.resolve('@tensorflow/tfjs-backend-wasm'));
  const out = path.join(dist, '..', 'wasm-out');
  return {
    // The emscripten module factory; the workers also load it (`mainScriptUrlOrBlob`).
    factory: path.join(out, 'tfjs-backend-wasm-threaded-simd.js'),
    // A CJS module exporting the pthread worker script as a string.
    workerSource: path.join(out, 'tfjs-backend-wasm-threaded-simd.worker.js'),
    binary: path.join(dist, 'tfjs-backend-wasm-threaded-simd.wasm'),
  };
}

/** The emscripten pthreads API the start-up and clean-up use (node:worker_threads Workers). */
interface NodeWorker {
  onerror: ((e: unknown) => void) | null;
  on(event: 'error', f: (e: unknown) => void): void;
  off(event: 'error', f: (e: unknown) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}
interface PThreadApi {
  unusedWorkers: NodeWorker[];
  runningWorkers: NodeWorker[];
  terminateAllThreads(): void;
}
type ThreadedModule = {
  PThread: PThreadApi;
  cwrap: (name: string, ret: string | null, args: string[]) => unknown;
  tfjs?: Record<string, unknown>;
};
type EmscriptenFactory = (config: Record<string, unknown>) => Promise<ThreadedModule>;

/** Listeners emscripten adds to `process` ('uncaughtException', 'unhandledRejection'). */
function processListeners(): Map<string, Function[]> {
  return new Map([
    ['uncaughtException', process.listeners('uncaughtException') as Function[]],
    ['unhandledRejection', process.listeners('unhandledRejection') as Function[]],
  ]);
}

/**
 * Starts the threaded-SIMD emscripten module with `threads` threads for
 * XNNPACK. The worker script goes to a private temporary folder, which is
 * removed once the workers have loaded it. Rejects (and stops every worker it
 * started) on any failure, or if the workers do not load within `timeoutMs`.
 */
export async function startThreadedWasm(threads: number, timeoutMs = 60_000): Promise<ThreadedModule> {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    throw new Error('this Node has no SharedArrayBuffer / Atomics');
  }
  const build = readThreadedBuild();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'camtl-wasm-'));
  const hadWorkerGlobal = 'Worker' in globalThis;
  const listenersBefore = processListeners();
  const watch = startupWatch();
  const config: EmscriptenConfig = {};
  try {
    Object.assign(config, emscriptenConfig(build, writeWorkerScript(dir, build.script), threads, config, watch));
    const ready = build.factory(config);
    // A worker that fails before emscripten listens (e.g. a missing script) emits 'error' here.
    for (const w of config.PThread?.unusedWorkers ?? []) w.on('error', watch.fail);
    watch.timer = setTimeout(
      () => watch.fail(new Error(`its workers did not load within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    watch.timer.unref();
    const module = await Promise.race([ready, watch.failed]);
    for (const [w, h] of watch.savedOnError) w.onerror = h;
    for (const w of [...module.PThread.unusedWorkers, ...module.PThread.runningWorkers]) w.off('error', watch.fail);
    bindTfjs(module);
    return module;
  } catch (e) {
    config.PThread?.terminateAllThreads();
    removeNewListeners(listenersBefore);
    throw e;
  } finally {
    clearTimeout(watch.timer);
    rmSync(dir, { recursive: true, force: true });
    // emscripten sets a global Worker (node:worker_threads') for itself; Node has none.
    if (!hadWorkerGlobal) delete (globalThis as { Worker?: unknown }).Worker;
  }
}

/** The threaded build, loaded: its worker script (as text), binary and module factory. */
interface ThreadedBuild {
  files: ReturnType<typeof threadedWasmFiles>;
  script: string;
  binary: Buffer<ArrayBuffer>;
  factory: EmscriptenFactory;
}

function readThreadedBuild(): ThreadedBuild {
  const files = threadedWasmFiles();
  for (const f of Object.values(files)) if (!existsSync(f)) throw new Error(`${f} is missing`);
  // tfjs keeps the script in a template literal, whose "\n" escapes became real
  // newlines inside string literals: escape them back, as tfjs does for its Blob.
  const { wasmWorkerContents } = localRequire(files.workerSource) as { wasmWorkerContents: string };
  return {
    files,
    script: wasmWorkerContents.replace(/\n/g, '\\n'),
    binary: readFileSync(files.binary),
    factory: localRequire(files.factory) as EmscriptenFactory,
  };
}

/** Writes the worker script into `dir`; returns its path. */
function writeWorkerScript(dir: string, script: string): string {
  // .cjs: the script uses require(), whatever package.json "type" is nearby.
  const hash = createHash('sha256').update(script).digest('hex').slice(0, 12);
  const workerFile = path.join(dir, `tfjs-backend-wasm-threaded-simd.worker.${hash}.cjs`);
  writeFileSync(workerFile, script);
  return workerFile;
}

/** How a start-up fails: any of emscripten's error paths, or the time limit, rejects `failed`. */
interface StartupWatch {
  fail: (e: unknown) => void;
  failed: Promise<never>;
  /** The workers' own onerror handlers, replaced while starting. */
  savedOnError: Map<NodeWorker, NodeWorker['onerror']>;
  timer?: NodeJS.Timeout;
}

function startupWatch(): StartupWatch {
  let fail!: (e: unknown) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  return { fail, failed, savedOnError: new Map() };
}

type EmscriptenConfig = Record<string, unknown> & { PThread?: PThreadApi };

/** emscripten's module settings: where its files are, and how to instantiate the binary. */
function emscriptenConfig(
  build: ThreadedBuild,
  workerFile: string,
  threads: number,
  config: EmscriptenConfig,
  watch: StartupWatch,
): Record<string, unknown> {
  return {
    locateFile: (p: string, prefix: string) =>
      p.endsWith('.worker.js') ? workerFile : p.endsWith('.wasm') ? build.files.binary : prefix + p,
    // A file path: the workers read it with fs (tfjs passes a Blob here).
    mainScriptUrlOrBlob: build.files.factory,
    // tfjs caps the pool at emscripten_num_logical_cores() / 2 (it assumes two
    // hyperthreads per core), which is 1 on a 2-core machine: report 2 × threads.
    instantiateWasm(
      info: { env: Record<string, unknown> },
      receive: (i: WebAssembly.Instance, m: WebAssembly.Module) => void,
    ) {
      const imports = { ...info, env: { ...info.env, emscripten_num_logical_cores: () => 2 * threads } };
      WebAssembly.instantiate(build.binary, imports as WebAssembly.Imports)
        .then(({ instance, module }) => {
          receive(instance, module);
          // emscripten's worker error handler throws (an uncaught exception, fatal
          // under its own process handler): while starting, report it instead.
          for (const w of config.PThread?.unusedWorkers ?? []) {
            watch.savedOnError.set(w, w.onerror);
            w.onerror = watch.fail;
          }
        })
        .catch(watch.fail);
      return {};
    },
    onAbort: (what: unknown) => watch.fail(new Error(`the threaded module aborted: ${String(what)}`)),
  };
}

/** The C functions tfjs's BackendWasm calls, as its own loader wraps them. */
function bindTfjs(module: ThreadedModule): void {
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
}

/** Removes the process listeners emscripten added since `before`: a failed start leaves none behind. */
function removeNewListeners(before: Map<string, Function[]>): void {
  for (const [event, listeners] of before) {
    for (const l of process.listeners(event as 'uncaughtException')) {
      if (!listeners.includes(l)) process.removeListener(event, l as (...a: unknown[]) => void);
    }
  }
}

/** What the threaded factory did, for the report. */
export type ThreadsOutcome = { threads: number } | { threads: 1; fallback: string };

/**
 * A factory for the 'wasm' backend that starts the threaded-SIMD build with
 * `threads` threads, and falls back to `stock` (tfjs's own factory: the
 * single-threaded SIMD build) if that fails. `report` receives the outcome.
 */
export function threadedWasmFactory(
  wasm: WasmPackage,
  threads: number,
  stock: Factory,
  report: (o: ThreadsOutcome) => void,
): Factory {
  return async () => {
    let module: ThreadedModule | undefined;
    try {
      module = await startThreadedWasm(threads);
      wasm.setThreadsCount(threads);
      const backend = new wasm.BackendWasm(module as unknown as ConstructorParameters<typeof wasm.BackendWasm>[0]);
      const { PThread } = module;
      // XNNPACK's pool took threads − 1 workers. The other preloaded ones only cost memory.
      for (const w of PThread.unusedWorkers.splice(0)) void w.terminate();
      // The pool's threads wait for work forever: they must not keep Node alive.
      for (const w of PThread.runningWorkers) w.unref();
      report({ threads: wasm.getThreadsCount() });
      return backend;
    } catch (e) {
      module?.PThread.terminateAllThreads();
      wasm.setThreadsCount(-1);
      report({ threads: 1, fallback: ((e as Error)?.message ?? String(e)).split('\n')[0] });
      return stock();
    }
  };
}
