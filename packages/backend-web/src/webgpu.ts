import * as tf from '@tensorflow/tfjs-core';
import type { AttemptFailure } from '@camtl/core';
import { isSoftwareRenderer, page, type GpuAdapterLike } from './browser';
import { activate } from './engine';
import type { AttemptContext, GpuAdapterInfo, WebAttempt } from './types';

/** WebGPU: the first adapter navigator.gpu offers, skipped when it is software unless allowed. */
export async function tryWebGpu(ctx: AttemptContext): Promise<WebAttempt> {
  const gpu = page.navigator?.gpu;
  if (!gpu) return noWebGpu();
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    return {
      ok: false,
      reason: 'navigator.gpu.requestAdapter() found no adapter (no usable GPU, or WebGPU is blocklisted for it)',
      hint: 'Chromium without a GPU: --enable-unsafe-webgpu gives a SwiftShader (software) adapter',
    };
  }
  const info = await adapterInfo(adapter);
  const name = gpuDescription(info);
  const software = info.isFallbackAdapter === true || isSoftwareRenderer(name);
  if (software && !ctx.allowSoftwareGpu) {
    return {
      ok: false,
      reason: `the only adapter is a software one (${name}), slower than wasm`,
      hint: "prefer: 'webgpu' uses it anyway",
    };
  }
  await import('@tensorflow/tfjs-backend-webgpu');
  // The package exports no version; it is released in lockstep with (and peers exactly on) tfjs-core.
  ctx.versions['tfjs-backend-webgpu'] = tf.version_core;
  const on = await activate('webgpu');
  if (!on.ok) return on;
  const kind = `WebGPU${software ? ', software' : ''}`;
  return {
    ok: true,
    device: `GPU ${name} (${kind})`,
    detail: `${name}${software ? ', software' : ''}`,
    versions: ctx.versions,
    adapter: info,
  };
}

/** Why there is no navigator.gpu, and (for an insecure page) what to do. */
function noWebGpu(): AttemptFailure {
  if (page.isSecureContext === false) {
    return {
      ok: false,
      reason: 'navigator.gpu is undefined: the page is not a secure context',
      hint: 'serve the page over https or from localhost',
    };
  }
  return {
    ok: false,
    reason: page.navigator
      ? 'navigator.gpu is undefined: this browser has no WebGPU, or it is disabled'
      : 'no navigator.gpu: not a browser',
  };
}

/** GPUAdapterInfo, from `adapter.info` or (older browsers) requestAdapterInfo(). */
async function adapterInfo(adapter: GpuAdapterLike): Promise<GpuAdapterInfo> {
  const raw = adapter.info ?? (adapter.requestAdapterInfo ? await adapter.requestAdapterInfo() : {});
  const info: GpuAdapterInfo = {
    vendor: raw.vendor ?? '',
    architecture: raw.architecture ?? '',
    device: raw.device ?? '',
    description: raw.description ?? '',
  };
  const fallback = raw.isFallbackAdapter ?? adapter.isFallbackAdapter;
  if (fallback !== undefined) info.isFallbackAdapter = fallback;
  return info;
}

function gpuDescription(info: GpuAdapterInfo): string {
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0);
  return [...new Set(parts)].join(' ') || 'unnamed adapter';
}
