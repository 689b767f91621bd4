import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { activate, firstOperation } from './engine';
import { classifyLoadError } from './loader';
import type { Attempt, AttemptContext } from './types';

/** Where Debian's `chromium` package installs SwiftShader's Vulkan ICD manifest. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

const localRequire = createRequire(import.meta.url);
const STATE = Symbol.for('camtl.backend-node.webgpu');

// Minimal WebGPU shapes (not @webgpu/types: the optional package is absent on most installs).
interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<AdapterLike | null>;
}
interface AdapterLike {
  readonly features: ReadonlySet<string>;
  readonly limits: Record<string, number> | object;
  requestDevice(descriptor?: {
    requiredFeatures?: string[];
    requiredLimits?: Record<string, number>;
  }): Promise<DeviceLike>;
}
type DeviceLike = object;

interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

interface DawnState {
  create: DawnModule['create'];
  gpu: GpuLike;
  version?: string;
}

type Global = { [STATE]?: DawnState; navigator?: { gpu?: GpuLike } };

export interface WebGpuAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}

/** Sets navigator.gpu (Node 20 has no navigator; Node 21+ has one without gpu). */
function defineNavigatorGpu(gpu: GpuLike): void {
  const g = globalThis as unknown as Global;
  const nav = g.navigator;
  if (nav && typeof nav === 'object') {
    try {
      Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, writable: true });
      if (nav.gpu === gpu) return;
    } catch {
      // fall through: replace navigator
    }
  }
  Object.defineProperty(globalThis, 'navigator', {
    value: { ...(nav ?? {}), gpu, userAgent: `Node.js/${process.versions.node}` },
    configurable: true,
    writable: true,
  });
}

function packageVersion(resolvedMain: string, name: string): string | undefined {
  let dir = path.dirname(resolvedMain);
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === name) return pkg.version;
    } catch {
      // keep walking up
    }
    dir = path.dirname(dir);
  }
  return undefined;
}

async function adapterInfo(adapter: AdapterLike): Promise<WebGpuAdapterInfo> {
  const a = adapter as AdapterLike & { requestAdapterInfo?: () => Promise<WebGpuAdapterInfo> };
  const info = ('info' in a ? (a.info as WebGpuAdapterInfo) : await a.requestAdapterInfo?.()) ?? {};
  return { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description };
}

/** "google swiftshader (SwiftShader driver 5.0.0)"-style text. */
export function describeAdapter(info: WebGpuAdapterInfo): string {
  const name = [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  return info.description ? `${name} (${info.description})` : name;
}

export function isSoftwareAdapter(info: WebGpuAdapterInfo, adapter?: AdapterLike): boolean {
  const text = `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.device ?? ''} ${info.description ?? ''}`;
  return (
    /swiftshader|llvmpipe|lavapipe|software/i.test(text) ||
    (adapter as { isFallbackAdapter?: boolean })?.isFallbackAdapter === true
  );
}

/**
 * Registers tfjs-backend-webgpu's backend when its import came before
 * navigator.gpu existed (it registers only if navigator.gpu is set at import).
 * Mirrors its factory, with a clear error when there is no adapter.
 */
function registerWebGpuFactory(WebGPUBackend: new (device: DeviceLike, info?: unknown) => tf.KernelBackend): void {
  tf.registerBackend(
    'webgpu',
    async () => {
      const gpu = (globalThis as unknown as Global).navigator?.gpu;
      const adapter = await gpu?.requestAdapter({ powerPreference: 'high-performance' });
      if (!adapter) throw new Error('no WebGPU adapter');
      const limits = adapter.limits as Record<string, number>;
      const requiredFeatures: string[] = [];
      if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
      const device = await adapter.requestDevice({
        requiredFeatures,
        requiredLimits: {
          maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
          maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
          maxBufferSize: limits.maxBufferSize,
          maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
        },
      });
      return new WebGPUBackend(device, await adapterInfo(adapter));
    },
    3,
  );
}

/**
 * Mesa's implicit device-select layer (mesa-vulkan-drivers) has nothing to
 * select with SwiftShader alone, and prints XDG_RUNTIME_DIR errors: off then.
 */
function quietMesaLayer(env: Record<string, string | undefined>): void {
  if (/swiftshader/i.test(env.VK_ICD_FILENAMES ?? '')) process.env.NODEVICE_SELECT ??= '1';
}

interface SyncReader {
  readSync(dataId: object): unknown;
  tensorMap: { get(dataId: object): { values?: unknown; dtype?: string } | undefined };
}

const SYNC_MARK = Symbol.for('camtl.backend-node.webgpuReadSync');

/** The message for a synchronous read of GPU data in Node. */
export const WEBGPU_SYNC_READ =
  'the webgpu backend cannot read GPU data synchronously in Node (dataSync/arraySync/bufferSync need OffscreenCanvas): use await tensor.data() / tensor.array()';

/**
 * tfjs-backend-webgpu reads GPU buffers synchronously through OffscreenCanvas,
 * which Node does not have: dataSync() on a computed tensor dies with
 * "OffscreenCanvas is not defined". Replace that with a message saying what to
 * do. Reads of data still on the CPU keep working. Idempotent.
 */
function explainSyncReads(cls: { prototype: SyncReader }): void {
  const proto = cls.prototype as SyncReader & { [SYNC_MARK]?: boolean };
  if (proto[SYNC_MARK] || typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas !== 'undefined') return;
  const original = proto.readSync;
  proto.readSync = function (this: SyncReader, dataId: object) {
    const d = this.tensorMap.get(dataId);
    if (!d || d.values != null || d.dtype === 'string' || d.dtype === 'complex64') return original.call(this, dataId);
    throw new Error(WEBGPU_SYNC_READ);
  };
  proto[SYNC_MARK] = true;
}

/**
 * WebGPU in Node through Dawn (the optional npm `webgpu` package): installs
 * the WebGPU globals and navigator.gpu, finds an adapter, then loads
 * tfjs-backend-webgpu. On Linux Dawn needs a Vulkan driver; without a GPU,
 * Chromium's SwiftShader ICD gives a software adapter (see softwareWebGpu).
 */
export async function tryWebGpu(ctx: AttemptContext): Promise<Attempt> {
  const g = globalThis as unknown as Global;
  const { loader, system, env } = ctx;
  const notes: string[] = [];
  let state = g[STATE];
  const versions: Record<string, string> = { 'tfjs-core': tf.version_core };
  const icd = env.VK_ICD_FILENAMES;
  const haveSwiftShader = system.fileExists(SWIFTSHADER_ICD);
  const fallback = !icd && haveSwiftShader && ctx.softwareWebGpu;
  let switched = false;
  const pointAtSwiftShader = () => {
    // The Vulkan loader reads the variable when Dawn creates its instance, so
    // it goes into the real environment, before the (next) instance is made.
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    switched = true;
  };
  if (!state && !g.navigator?.gpu) {
    let resolved: string;
    try {
      resolved = loader.resolve('webgpu');
    } catch (e) {
      const f = classifyLoadError('webgpu', e);
      return {
        ok: false,
        reason: f.kind === 'not-installed' ? 'webgpu (Dawn for Node) not installed' : f.reason,
        hint: f.hint,
      };
    }
    if (system.platform === 'linux' && !system.findLibrary('libvulkan.so.1')) {
      return {
        ok: false,
        reason: 'the Vulkan loader libvulkan.so.1 is not installed (Dawn needs it on Linux)',
        hint: 'Debian/Ubuntu: apt-get install libvulkan1',
      };
    }
    let mod: DawnModule;
    try {
      const m = (await loader.load('webgpu')) as Partial<DawnModule> & { default?: DawnModule };
      mod = (m.create ? m : m.default) as DawnModule;
      if (typeof mod?.create !== 'function') throw new Error('the module has no create()');
    } catch (e) {
      const f = classifyLoadError('webgpu', e);
      return { ok: false, reason: f.reason, hint: f.hint };
    }
    for (const [k, v] of Object.entries(mod.globals ?? {})) {
      if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    }
    if (env !== process.env && icd && process.env.VK_ICD_FILENAMES !== icd) process.env.VK_ICD_FILENAMES = icd;
    // No GPU device node at all: only a software driver can work, so go
    // straight to SwiftShader (and spare the user Mesa's messages about its own).
    if (fallback && system.hasGpuDevice() === false) pointAtSwiftShader();
    quietMesaLayer(env);
    state = { create: mod.create, gpu: mod.create([]), version: packageVersion(resolved, 'webgpu') };
    g[STATE] = state;
    defineNavigatorGpu(state.gpu);
  } else if (state && g.navigator?.gpu !== state.gpu) {
    defineNavigatorGpu(state.gpu);
  }
  if (state?.version) versions.webgpu = state.version;
  let adapter = await (state?.gpu ?? g.navigator!.gpu)!.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter && fallback && state && !switched) {
    pointAtSwiftShader();
    quietMesaLayer(env);
    state.gpu = state.create([]);
    defineNavigatorGpu(state.gpu);
    adapter = await state.gpu.requestAdapter({ powerPreference: 'high-performance' });
  }
  if (adapter && switched)
    notes.push(`VK_ICD_FILENAMES was unset: set to ${SWIFTSHADER_ICD} (SwiftShader, software Vulkan)`);
  if (!adapter) {
    if (icd) {
      const exists = icd.split(':').every((f) => system.fileExists(f));
      return {
        ok: false,
        reason: `no WebGPU adapter: Dawn found no usable Vulkan device with VK_ICD_FILENAMES=${icd}${exists ? '' : ' (that file does not exist)'}`,
        hint: `for a software adapter, install Debian's chromium package and set VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`,
      };
    }
    if (haveSwiftShader) {
      return {
        ok: false,
        reason: `no WebGPU adapter: Dawn found no usable Vulkan device, VK_ICD_FILENAMES is unset, and Chromium's SwiftShader ICD exists at ${SWIFTSHADER_ICD}`,
        hint: `set VK_ICD_FILENAMES=${SWIFTSHADER_ICD} for a software adapter (correct, slow)`,
      };
    }
    return {
      ok: false,
      reason:
        'no WebGPU adapter: Dawn found no usable Vulkan device (Mesa lavapipe is rejected) and VK_ICD_FILENAMES is unset',
      hint: `for a software adapter: apt-get install chromium, then VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`,
    };
  }
  const info = await adapterInfo(adapter);
  let webgpuBackend: typeof import('@tensorflow/tfjs-backend-webgpu');
  try {
    webgpuBackend = await import('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    return {
      ok: false,
      reason: `@tensorflow/tfjs-backend-webgpu failed to load: ${(e as Error).message.split('\n')[0]}`,
    };
  }
  explainSyncReads(webgpuBackend.WebGPUBackend as unknown as { prototype: SyncReader });
  if (!tf.findBackendFactory('webgpu')) {
    registerWebGpuFactory(
      webgpuBackend.WebGPUBackend as unknown as new (d: DeviceLike, i?: unknown) => tf.KernelBackend,
    );
  }
  const wgVersion = packageVersion(
    localRequire.resolve('@tensorflow/tfjs-backend-webgpu'),
    '@tensorflow/tfjs-backend-webgpu',
  );
  if (wgVersion) versions['tfjs-backend-webgpu'] = wgVersion;
  const on = await activate('webgpu');
  if (!on.ok) return { ok: false, reason: on.reason };
  const broken = await firstOperation();
  if (broken)
    return {
      ok: false,
      reason: `webgpu initialised on ${describeAdapter(info)}, but a first operation failed: ${broken}`,
    };
  const software = isSoftwareAdapter(info, adapter);
  const name = describeAdapter(info);
  return {
    ok: true,
    device: software ? `software GPU ${name}` : `GPU ${name}`,
    detail: `${[info.vendor, info.architecture].filter(Boolean).join(' ') || 'adapter'}${software ? ', software adapter: for correctness, slower than cpu' : ''}`,
    versions,
    notes,
  };
}
