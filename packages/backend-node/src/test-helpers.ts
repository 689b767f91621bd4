// Test-only: stand-ins for @tensorflow/tfjs-node(-gpu), which cannot be
// installed here (their install script downloads libtensorflow), and a fake
// machine description. Not exported from the package.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { ModuleLoader } from './loader';
import type { SystemProbe } from './system';
import { CUDA_LIBRARIES } from './cuda';

const require = createRequire(import.meta.url);

/** A loader that serves `files` (specifier → CJS file) and reports everything else as not installed. */
export function fileLoader(files: Record<string, string>): ModuleLoader & { loaded: string[] } {
  const loaded: string[] = [];
  const notFound = (s: string) =>
    Object.assign(new Error(`Cannot find module '${s}'\nRequire stack:\n- test`), { code: 'MODULE_NOT_FOUND' });
  return {
    loaded,
    resolve(s) {
      if (!files[s]) throw notFound(s);
      return files[s];
    },
    async load(s) {
      if (!files[s]) throw notFound(s);
      loaded.push(s);
      return require(files[s]); // Node's own require: the stand-ins are plain CJS, outside vite
    },
  };
}

/** A loader whose `load` throws `error` for `pkg` (resolve succeeds). */
export function throwingLoader(pkg: string, error: Error): ModuleLoader {
  return {
    resolve(s) {
      if (s === pkg) return `/fake/node_modules/${s}/dist/index.js`;
      throw Object.assign(new Error(`Cannot find module '${s}'`), { code: 'MODULE_NOT_FOUND' });
    },
    async load() {
      throw error;
    },
  };
}

/** A machine description: CUDA libraries present or not, a GPU name, files. */
export function fakeSystem(
  opts: {
    platform?: string;
    arch?: string;
    libraries?: string[];
    gpu?: string;
    files?: string[];
    gpuDevice?: boolean;
  } = {},
): SystemProbe {
  const libs = new Set(opts.libraries ?? []);
  const files = new Set(opts.files ?? []);
  return {
    platform: opts.platform ?? 'linux',
    arch: opts.arch ?? 'x64',
    findLibrary: (s) => (libs.has(s) ? `/usr/local/cuda/lib64/${s}` : undefined),
    fileExists: (f) => files.has(f),
    gpuName: () => opts.gpu,
    hasGpuDevice: () => opts.gpuDevice,
  };
}

/** Every library the CUDA path checks, as found on a working CUDA 11.2 + cuDNN 8.1 machine. */
export const ALL_CUDA_LIBS = CUDA_LIBRARIES.map((l) => l.soname);

let dir: string | undefined;
function workDir(): string {
  dir ??= mkdtempSync(join(tmpdir(), 'camtl-standin-'));
  return dir;
}

/**
 * A second, separate copy of tfjs-core's Node bundle (as a tfjs-node package
 * with its own nested tfjs-core would load): a different module instance that
 * shares tfjs's engine and registries through the global object.
 */
let coreCopy: string | undefined;
export function tfjsCoreCopy(): string {
  if (coreCopy) return coreCopy;
  const target = join(workDir(), 'copy', 'node_modules', '@tensorflow', 'tfjs-core', 'dist', 'tf-core.node.js');
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(require.resolve('@tensorflow/tfjs-core'), target);
  writeFileSync(
    join(dirname(target), '..', 'package.json'),
    JSON.stringify({ name: '@tensorflow/tfjs-core', version: tf.version_core, main: 'dist/tf-core.node.js' }),
  );
  coreCopy = target;
  return target;
}

export interface StandInOptions {
  /** isUsingGpuDevice of the backend (tfjs-node-gpu found a GPU). */
  gpu: boolean;
  /** '@tensorflow/tfjs-node-gpu' or '@tensorflow/tfjs-node'. */
  packageName: string;
  /** When set, the backend factory throws this message (init failure). */
  initError?: string;
  /** Register the cpu kernels under "tensorflow" (default true); false = a backend that cannot compute. */
  kernels?: boolean;
}

/**
 * Writes a stand-in for tfjs-node(-gpu): like the real one it loads its own
 * tfjs-core (here a separate copy), registers the "tensorflow" backend at
 * priority 3 and calls setBackend('tensorflow') on import. The backend is the
 * cpu backend (created through the shared registry) with every cpu kernel
 * registered again under "tensorflow", plus the fields tfjs-node's
 * NodeJSKernelBackend has (isGPUPackage, isUsingGpuDevice, binding.TF_Version).
 */
let standIns = 0;
export function writeStandIn(name: string, opts: StandInOptions): string {
  const core = tfjsCoreCopy();
  const file = join(workDir(), `${name}-${++standIns}.cjs`); // fresh file: require caches by path
  writeFileSync(
    file,
    `'use strict';
const tf = require(${JSON.stringify(core)});
exports.tfjsCore = tf;
exports.version = { 'tfjs-core': tf.version_core, 'tfjs-node': '4.22.0' };
${
  opts.kernels === false
    ? ''
    : `for (const k of tf.getKernelsForBackend('cpu')) {
  if (!tf.getKernel(k.kernelName, 'tensorflow')) tf.registerKernel({ ...k, backendName: 'tensorflow' });
}`
}
tf.registerBackend('tensorflow', () => {
  ${opts.initError ? `throw new Error(${JSON.stringify(opts.initError)});` : ''}
  const cpu = tf.findBackendFactory('cpu');
  if (!cpu) throw new Error('stand-in: the cpu backend is not registered');
  const b = cpu();
  b.firstUse = false;
  b.isGPUPackage = ${JSON.stringify(opts.packageName === '@tensorflow/tfjs-node-gpu')};
  b.isUsingGpuDevice = ${JSON.stringify(opts.gpu)};
  b.binding = { TF_Version: '2.9.1' };
  return b;
}, 3);
tf.setBackend('tensorflow');
`,
  );
  return file;
}

/** Removes the "tensorflow" backend and its kernels, so the next test starts clean. */
export function resetTensorflow(): void {
  if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
  for (const k of tf.getKernelsForBackend('tensorflow')) tf.unregisterKernel(k.kernelName, 'tensorflow');
}

/**
 * Writes a fake `webgpu` (Dawn) module whose adapter appears only when
 * VK_ICD_FILENAMES equals `adapterWhenIcd` (never when undefined). Its adapter
 * cannot make a real device, so tfjs-backend-webgpu's init then fails.
 */
export function writeFakeDawn(adapterWhenIcd?: string): string {
  const file = join(workDir(), `fake-dawn-${++standIns}.cjs`);
  writeFileSync(
    file,
    `'use strict';
exports.globals = {};
exports.created = [];
exports.create = (flags) => {
  const icd = process.env.VK_ICD_FILENAMES;
  exports.created.push(icd);
  return {
    async requestAdapter() {
      if (${JSON.stringify(adapterWhenIcd ?? null)} === null || icd !== ${JSON.stringify(adapterWhenIcd ?? null)}) return null;
      return {
        info: { vendor: 'fake', architecture: 'test', description: 'fake adapter' },
        features: new Set(),
        limits: {},
        async requestDevice() { throw new Error('fake adapter: no device'); },
      };
    },
  };
};
`,
  );
  return file;
}

/** Forgets the Dawn instance and navigator.gpu that tryWebGpu installed. */
export function resetWebGpu(): void {
  const g = globalThis as Record<string | symbol, unknown>;
  delete g[Symbol.for('camtl.backend-node.webgpu')];
  if (!('window' in g)) delete g.navigator;
}
