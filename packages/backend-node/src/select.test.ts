import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { rejection } from '@camtl/core/testing';
import { isCamtlError } from '@camtl/core';
import { useNodeBackend, parsePreference, formatSummary } from './select';
import { classifyLoadError, defaultLoader } from './loader';
import { checkCudaLibraries } from './cuda';
import { ALL_CUDA_LIBS, fakeSystem, fileLoader, resetTensorflow, throwingLoader, writeStandIn } from './test-helpers';
import { resolveWasmThreads } from './wasm-threads';

const GPU = '@tensorflow/tfjs-node-gpu';
const CPU = '@tensorflow/tfjs-node';
/** wasm's detail here: CAMTL_WASM_THREADS, else 'auto' = min(2, cores). */
const AUTO_THREADS = resolveWasmThreads(process.env.CAMTL_WASM_THREADS ?? 'auto');
const WASM_DETAIL = `SIMD, ${AUTO_THREADS} thread${AUTO_THREADS === 1 ? '' : 's'}`;
const CUDA_MACHINE = fakeSystem({ libraries: ALL_CUDA_LIBS, gpu: 'NVIDIA Tesla T4, driver 470.82.01' });

afterEach(() => resetTensorflow());

describe('with the optional packages really absent (this machine)', () => {
  it('auto picks wasm and explains each skipped option in one line', async () => {
    const r = await useNodeBackend();
    expect(r.backend).toBe('wasm');
    expect(r.choice).toBe('wasm');
    expect(r.summary).toBe(
      `backend wasm (${WASM_DETAIL}); skipped cuda: @tensorflow/tfjs-node-gpu not installed (npm i @tensorflow/tfjs-node-gpu); tensorflow: @tensorflow/tfjs-node not installed (npm i @tensorflow/tfjs-node)`,
    );
    expect(r.summary).not.toContain('\n');
    expect(r.device).toBe(`CPU (wasm, ${WASM_DETAIL})`);
    expect(r.versions).toEqual({ 'tfjs-core': '4.22.0', 'tfjs-backend-wasm': '4.22.0' });
    expect(r.skipped.map((s) => s.choice)).toEqual(['cuda', 'tensorflow']);
    expect(r.skipped[0].hint).toMatch(/CUDA 11\.2 and cuDNN 8\.1/);
    expect(tf.getBackend()).toBe('wasm');
    console.log(`[auto here] ${r.summary}`);
  });

  it('the default loader reports the packages as not installed', () => {
    for (const pkg of [GPU, CPU]) {
      let err: unknown;
      try {
        defaultLoader.resolve(pkg);
      } catch (e) {
        err = e;
      }
      expect(classifyLoadError(pkg, err).kind).toBe('not-installed');
    }
  });

  it('an explicit cuda or tensorflow request fails with the reason and what to do', async () => {
    const e = await rejection(useNodeBackend({ prefer: 'cuda' }));
    expect(isCamtlError(e)).toBe(true);
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toBe(
      'backend cuda is not available: @tensorflow/tfjs-node-gpu not installed (npm i @tensorflow/tfjs-node-gpu)',
    );
    expect(e.hint).toMatch(/add it: npm i @tensorflow\/tfjs-node-gpu /);
    expect(e.hint).toMatch(/CUDA 11\.2 and cuDNN 8\.1/);
    const t = await rejection(useNodeBackend({ prefer: 'tensorflow' }));
    expect(t.message).toBe(
      'backend tensorflow is not available: @tensorflow/tfjs-node not installed (npm i @tensorflow/tfjs-node)',
    );
    expect(t.hint).toMatch(/add it: npm i @tensorflow\/tfjs-node /);
  });

  it('a list falls through in order and reports what it skipped', async () => {
    const r = await useNodeBackend({ prefer: ['cuda', 'cpu'] });
    expect(r.backend).toBe('cpu');
    expect(r.summary).toBe(
      'backend cpu (plain JS); skipped cuda: @tensorflow/tfjs-node-gpu not installed (npm i @tensorflow/tfjs-node-gpu)',
    );
    const s = await useNodeBackend({ prefer: 'tensorflow,wasm' });
    expect(s.summary).toBe(
      `backend wasm (${WASM_DETAIL}); skipped tensorflow: @tensorflow/tfjs-node not installed (npm i @tensorflow/tfjs-node)`,
    );
  });

  it('a list where nothing runs fails with every reason', async () => {
    const e = await rejection(useNodeBackend({ prefer: ['cuda', 'tensorflow'] }));
    expect(e.message).toBe(
      'no backend could run: cuda: @tensorflow/tfjs-node-gpu not installed (npm i @tensorflow/tfjs-node-gpu); tensorflow: @tensorflow/tfjs-node not installed (npm i @tensorflow/tfjs-node)',
    );
  });

  it('unknown names are rejected', async () => {
    const e = await rejection(useNodeBackend({ prefer: 'tpu' }));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toBe('unknown backend "tpu"');
    expect(e.hint).toBe('use one of: auto, cuda, tensorflow, webgpu, wasm, cpu');
  });
});

describe('parsePreference and the summary', () => {
  it('expands auto and keeps explicit orders', () => {
    expect(parsePreference()).toEqual({ order: ['cuda', 'tensorflow', 'wasm', 'cpu'], explicit: false });
    expect(parsePreference('webgpu')).toEqual({ order: ['webgpu'], explicit: true });
    expect(parsePreference(' WebGPU, auto ')).toEqual({
      order: ['webgpu', 'cuda', 'tensorflow', 'wasm', 'cpu'],
      explicit: false,
    });
    expect(parsePreference(['wasm', 'wasm', 'cpu'])).toEqual({ order: ['wasm', 'cpu'], explicit: true });
  });

  it('formats one line', () => {
    expect(formatSummary('cpu', 'plain JS', [])).toBe('backend cpu (plain JS)');
    expect(
      formatSummary('wasm', 'SIMD, 1 thread', [
        { choice: 'cuda', reason: 'a' },
        { choice: 'tensorflow', reason: 'b' },
      ]),
    ).toBe('backend wasm (SIMD, 1 thread); skipped cuda: a; tensorflow: b');
  });
});

describe('load failures, classified', () => {
  it('MODULE_NOT_FOUND for the package itself = not installed; for a dependency = incomplete install', () => {
    const own = Object.assign(new Error(`Cannot find package '${GPU}' imported from /x/dist/index.js`), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    expect(classifyLoadError(GPU, own)).toMatchObject({
      kind: 'not-installed',
      reason: `${GPU} not installed (npm i ${GPU})`,
    });
    const dep = Object.assign(new Error(`Cannot find module '@tensorflow/tfjs'\nRequire stack: …`), {
      code: 'MODULE_NOT_FOUND',
    });
    expect(classifyLoadError(GPU, dep)).toMatchObject({
      kind: 'other',
      reason: `${GPU} is installed but incomplete: Cannot find module '@tensorflow/tfjs'`,
    });
  });

  it('a missing CUDA library names the library and the CUDA versions', () => {
    for (const lib of ['libcudart.so.11.0', 'libcudnn.so.8', 'libcublasLt.so.11', 'cudart64_110.dll']) {
      const f = classifyLoadError(GPU, new Error(`${lib}: cannot open shared object file: No such file or directory`));
      expect(f.kind).toBe('cuda-libraries');
      expect(f.reason).toBe(`${lib} not found: tfjs-node-gpu 4.x needs CUDA 11.2 / cuDNN 8.1`);
      expect(f.hint).toMatch(/ldconfig -p/);
    }
  });

  it('a missing native binding points at the libtensorflow download and npm rebuild', () => {
    const real = new Error(
      'The Node.js native addon module (tfjs_binding.node) can not be found at path: /x/lib/napi-v8/tfjs_binding.node. \nPlease run command ...',
    );
    const f = classifyLoadError(GPU, real);
    expect(f.kind).toBe('binding-missing');
    expect(f.reason).toMatch(/storage\.googleapis\.com/);
    expect(f.hint).toMatch(/npm rebuild @tensorflow\/tfjs-node-gpu/);
    const lib = classifyLoadError(
      CPU,
      new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory'),
    );
    expect(lib.kind).toBe('binding-missing');
  });

  it('anything else: the first line of the message', () => {
    const f = classifyLoadError(CPU, new Error('GLIBC_2.38 not found\n  at dlopen'));
    expect(f).toMatchObject({ kind: 'other', reason: `${CPU} failed to load: GLIBC_2.38 not found` });
  });
});

describe('stand-ins through the injected loader', () => {
  it('a stand-in that throws MODULE_NOT_FOUND is "not installed"', async () => {
    const loader = throwingLoader(
      GPU,
      Object.assign(new Error(`Cannot find module '${GPU}'`), { code: 'MODULE_NOT_FOUND' }),
    );
    const r = await useNodeBackend({ prefer: ['cuda', 'cpu'], loader, system: CUDA_MACHINE });
    expect(r.skipped).toEqual([
      expect.objectContaining({ choice: 'cuda', reason: `${GPU} not installed (npm i ${GPU})` }),
    ]);
  });

  it('a stand-in that throws a libcudart error', async () => {
    const loader = throwingLoader(
      GPU,
      new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory'),
    );
    const e = await rejection(useNodeBackend({ prefer: 'cuda', loader, system: CUDA_MACHINE }));
    expect(e.message).toBe(
      'backend cuda is not available: libcudart.so.11.0 not found: tfjs-node-gpu 4.x needs CUDA 11.2 / cuDNN 8.1',
    );
    expect(e.hint).toMatch(/CUDA 12 does not work/);
  });

  it('the CUDA libraries are checked before loading: nothing is imported without them', async () => {
    const loader = fileLoader({ [GPU]: writeStandIn('gpu-unused', { gpu: true, packageName: GPU }) });
    const noCudnn = fakeSystem({ libraries: ALL_CUDA_LIBS.filter((l) => l !== 'libcudnn.so.8') });
    const r = await useNodeBackend({ prefer: ['cuda', 'cpu'], loader, system: noCudnn });
    expect(r.skipped[0].reason).toBe('libcudnn.so.8 not found: tfjs-node-gpu 4.x needs CUDA 11.2 / cuDNN 8.1');
    expect(loader.loaded).toEqual([]);
    const noDriver = await useNodeBackend({ prefer: ['cuda', 'cpu'], loader, system: fakeSystem() });
    expect(noDriver.skipped[0].reason).toBe('no NVIDIA driver (libcuda.so.1 not found)');
    const cuda12 = fakeSystem({ libraries: ['libcuda.so.1', 'libcudart.so.12', 'libcublas.so.12'] });
    expect(checkCudaLibraries(cuda12).reason).toBe(
      'libcudart.so.11.0, libcublas.so.11 (+6 more) not found: tfjs-node-gpu 4.x needs CUDA 11.2 / cuDNN 8.1 (found CUDA 12, which it cannot use)',
    );
    expect(loader.loaded).toEqual([]);
  });

  it('no CUDA build for other platforms', async () => {
    const r = await useNodeBackend({
      prefer: ['cuda', 'cpu'],
      system: fakeSystem({ platform: 'darwin', arch: 'arm64' }),
    });
    expect(r.skipped[0].reason).toBe(
      'tfjs-node-gpu has no CUDA build for darwin-arm64 (Linux x86-64 and Windows x64 only)',
    );
  });

  it('a stand-in that loads but whose backend fails to initialise', async () => {
    const file = writeStandIn('gpu-broken', {
      gpu: true,
      packageName: GPU,
      initError: 'Could not create a TensorFlow session: CUDA_ERROR_NO_DEVICE',
    });
    const e = await rejection(
      useNodeBackend({ prefer: 'cuda', loader: fileLoader({ [GPU]: file }), system: CUDA_MACHINE }),
    );
    expect(e.message).toBe(
      'backend cuda is not available: @tensorflow/tfjs-node-gpu loaded, but its backend "tensorflow" failed to initialise: Could not create a TensorFlow session: CUDA_ERROR_NO_DEVICE',
    );
  });

  it('a stand-in that initialises but cannot compute fails its first operation', async () => {
    const file = writeStandIn('gpu-nokernels', { gpu: true, packageName: GPU, kernels: false });
    const e = await rejection(
      useNodeBackend({ prefer: 'cuda', loader: fileLoader({ [GPU]: file }), system: CUDA_MACHINE }),
    );
    expect(e.message).toBe(
      "backend cuda is not available: @tensorflow/tfjs-node-gpu initialised, but a first operation failed: Kernel 'BatchMatMul' not registered for backend 'tensorflow'",
    );
  });

  it('a mocked successful tfjs-node-gpu load: a separate tfjs-core copy registers with the global engine', async () => {
    const file = writeStandIn('gpu-ok', { gpu: true, packageName: GPU });
    const loader = fileLoader({ [GPU]: file });
    const logs: string[] = [];
    const r = await useNodeBackend({ loader, system: CUDA_MACHINE, log: (l) => logs.push(l) });
    expect(loader.loaded).toEqual([GPU]);
    // The stand-in brought its own tfjs-core module, yet registered with this engine.
    const standIn = createRequire(import.meta.url)(file) as { tfjsCore: typeof tf };
    expect(standIn.tfjsCore).not.toBe(createRequire(import.meta.url)('@tensorflow/tfjs-core'));
    expect(standIn.tfjsCore.engine()).toBe(tf.engine());
    expect(r).toMatchObject({
      backend: 'tensorflow',
      choice: 'cuda',
      device: 'GPU NVIDIA Tesla T4, driver 470.82.01',
      skipped: [],
      summary: 'backend tensorflow (CUDA NVIDIA Tesla T4, driver 470.82.01, libtensorflow 2.9.1)',
    });
    expect(r.versions).toEqual({
      'tfjs-core': '4.22.0',
      'tfjs-node-gpu': '4.22.0',
      libtensorflow: '2.9.1',
      cudart: '/usr/local/cuda/lib64/libcudart.so.11.0',
      cudnn: '/usr/local/cuda/lib64/libcudnn.so.8',
    });
    expect(logs).toEqual(['trying cuda', 'loading @tensorflow/tfjs-node-gpu']);
    expect(tf.getBackend()).toBe('tensorflow');
    // The rest of the flow computes on it.
    const a = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    expect(Array.from(await tf.matMul(a, a, true, false).data())).toEqual([10, 14, 14, 20]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(a);
    expect(Array.from(await g.data())).toEqual([2, 4, 6, 8]);
  });

  it('tfjs-node-gpu without a usable GPU: cuda is skipped, tensorflow reuses it on the CPU', async () => {
    const file = writeStandIn('gpu-nogpu', { gpu: false, packageName: GPU });
    const r = await useNodeBackend({ loader: fileLoader({ [GPU]: file }), system: CUDA_MACHINE });
    expect(r.choice).toBe('tensorflow');
    expect(r.device).toBe('CPU (libtensorflow, from tfjs-node-gpu)');
    expect(r.summary).toBe(
      'backend tensorflow (libtensorflow 2.9.1 CPU via tfjs-node-gpu); skipped cuda: @tensorflow/tfjs-node-gpu loaded, but TensorFlow found no usable GPU (its log above names what it could not open): tfjs-node-gpu 4.x needs CUDA 11.2 / cuDNN 8.1',
    );
  });

  it('a mocked tfjs-node (CPU) load', async () => {
    const file = writeStandIn('cpu-ok', { gpu: false, packageName: CPU });
    const r = await useNodeBackend({ loader: fileLoader({ [CPU]: file }), system: fakeSystem() });
    expect(r.summary).toBe(
      'backend tensorflow (libtensorflow 2.9.1 CPU); skipped cuda: @tensorflow/tfjs-node-gpu not installed (npm i @tensorflow/tfjs-node-gpu)',
    );
    expect(r.versions['tfjs-node']).toBe('4.22.0');
    // tfjs-node is in the process: asking for cuda now explains why it cannot.
    const e = await rejection(
      useNodeBackend({ prefer: 'cuda', loader: fileLoader({ [CPU]: file }), system: CUDA_MACHINE }),
    );
    expect(e.message).toMatch(/@tensorflow\/tfjs-node \(CPU\) is already loaded in this process/);
  });

  it('a failed explicit request leaves the previous backend active', async () => {
    await useNodeBackend({ prefer: 'cpu' });
    // This stand-in switches tfjs to "tensorflow" on import, then has no GPU.
    const file = writeStandIn('gpu-nogpu-2', { gpu: false, packageName: GPU });
    await rejection(useNodeBackend({ prefer: 'cuda', loader: fileLoader({ [GPU]: file }), system: CUDA_MACHINE }));
    expect(tf.getBackend()).toBe('cpu');
  });
});
