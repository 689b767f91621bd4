import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import type { Attempt, AttemptFailure } from '@camtl/core';
import { dawnGpu, findAdapter, icdPlan, navigatorGpu, noAdapter, SWIFTSHADER_ICD } from './dawn';
import type { AdapterLike, DeviceLike } from './dawn';
import { activate, firstOperation } from './engine';
import { classifyLoadError, packageVersion } from './loader';
import type { AttemptContext } from './types';

export { SWIFTSHADER_ICD } from './dawn';

const localRequire = createRequire(import.meta.url);
const TFJS_WEBGPU = '@tensorflow/tfjs-backend-webgpu';

export interface WebGpuAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}

/**
 * WebGPU in Node through Dawn (the optional npm `webgpu` package): installs
 * the WebGPU globals and navigator.gpu, finds an adapter, then loads
 * tfjs-backend-webgpu. On Linux Dawn needs a Vulkan driver; without a GPU,
 * Chromium's SwiftShader ICD gives a software adapter (see softwareWebGpu).
 */
export async function tryWebGpu(ctx: AttemptContext): Promise<Attempt> {
  const plan = icdPlan(ctx);
  const dawn = await dawnGpu(ctx, plan);
  if (!dawn.ok) return dawn;
  const versions: Record<string, string> = { 'tfjs-core': tf.version_core };
  if (dawn.state?.version) versions.webgpu = dawn.state.version;
  const adapter = await findAdapter(dawn, ctx.env, plan);
  if (!adapter) return noAdapter(plan, ctx.system);
  const notes = plan.switched
    ? [`VK_ICD_FILENAMES was unset: set to ${SWIFTSHADER_ICD} (SwiftShader, software Vulkan)`]
    : [];
  const info = await adapterInfo(adapter);
  const failed = (await loadTfjsWebGpu(versions)) ?? (await startWebGpu(info));
  if (failed) return failed;
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
 * Imports tfjs-backend-webgpu (now that navigator.gpu exists), makes sure its
 * backend is registered and adds its version; the failure, if the import fails.
 */
async function loadTfjsWebGpu(versions: Record<string, string>): Promise<AttemptFailure | undefined> {
  let webgpuBackend: typeof import('@tensorflow/tfjs-backend-webgpu');
  try {
    webgpuBackend = await import('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    // An optional peer dependency: when it is missing, say the one command that adds it.
    const f = classifyLoadError(TFJS_WEBGPU, e);
    if (f.kind === 'not-installed') return { ok: false, reason: f.reason, hint: f.hint };
    return { ok: false, reason: `${TFJS_WEBGPU} failed to load: ${(e as Error).message.split('\n')[0]}` };
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
  return undefined;
}

/** Activates "webgpu" and runs a first operation on it; the failure, if either fails. */
async function startWebGpu(info: WebGpuAdapterInfo): Promise<AttemptFailure | undefined> {
  const on = await activate('webgpu');
  if (!on.ok) return { ok: false, reason: on.reason };
  const broken = await firstOperation();
  if (!broken) return undefined;
  return {
    ok: false,
    reason: `webgpu initialised on ${describeAdapter(info)}, but a first operation failed: ${broken}`,
  };
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
      const adapter = await navigatorGpu()?.requestAdapter({ powerPreference: 'high-performance' });
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
