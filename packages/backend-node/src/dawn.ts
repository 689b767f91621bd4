// Dawn (the optional npm `webgpu` package) as Node's navigator.gpu, for the
// webgpu attempt: loading it, pointing Vulkan at SwiftShader when there is no
// GPU, finding an adapter, and saying why there is none.
import type { AttemptFailure } from '@camtl/core';
import { classifyLoadError, installCommand, packageVersion } from './loader';
import type { AttemptContext } from './types';

/** Where Debian's `chromium` package installs SwiftShader's Vulkan ICD manifest. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

const STATE = Symbol.for('camtl.backend-node.webgpu');

// Minimal WebGPU shapes (not @webgpu/types: the optional package is absent on most installs).
export interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<AdapterLike | null>;
}
export interface AdapterLike {
  readonly features: ReadonlySet<string>;
  readonly limits: Record<string, number> | object;
  requestDevice(descriptor?: {
    requiredFeatures?: string[];
    requiredLimits?: Record<string, number>;
  }): Promise<DeviceLike>;
}
export type DeviceLike = object;

interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

/** One per process (on the global object, so that both builds of this package share it). */
export interface DawnState {
  create: DawnModule['create'];
  gpu: GpuLike;
  version?: string;
}

type Global = { [STATE]?: DawnState; navigator?: { gpu?: GpuLike } };

export function navigatorGpu(): GpuLike | undefined {
  return (globalThis as unknown as Global).navigator?.gpu;
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

/**
 * Mesa's implicit device-select layer (mesa-vulkan-drivers) has nothing to
 * select with SwiftShader alone, and prints XDG_RUNTIME_DIR errors: off then.
 */
function quietMesaLayer(env: Record<string, string | undefined>): void {
  if (/swiftshader/i.test(env.VK_ICD_FILENAMES ?? '')) process.env.NODEVICE_SELECT ??= '1';
}

/** The Vulkan driver an attempt starts with, and whether it may (and did) switch to SwiftShader. */
export interface IcdPlan {
  /** VK_ICD_FILENAMES when the attempt started. */
  readonly icd: string | undefined;
  /** Chromium's SwiftShader ICD is installed. */
  readonly haveSwiftShader: boolean;
  /** VK_ICD_FILENAMES is unset, SwiftShader is there, and softwareWebGpu allows it. */
  readonly fallback: boolean;
  /** VK_ICD_FILENAMES was set to SwiftShader by this attempt. */
  switched: boolean;
}

export function icdPlan(ctx: AttemptContext): IcdPlan {
  const icd = ctx.env.VK_ICD_FILENAMES;
  const haveSwiftShader = ctx.system.fileExists(SWIFTSHADER_ICD);
  return { icd, haveSwiftShader, fallback: !icd && haveSwiftShader && ctx.softwareWebGpu, switched: false };
}

function pointAtSwiftShader(env: Record<string, string | undefined>, plan: IcdPlan): void {
  // The Vulkan loader reads the variable when Dawn creates its instance, so
  // it goes into the real environment, before the (next) instance is made.
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  plan.switched = true;
}

/** Resolves and imports `webgpu`, once the Vulkan loader it needs on Linux is known to be there. */
async function loadDawn(ctx: AttemptContext): Promise<{ ok: true; mod: DawnModule; file: string } | AttemptFailure> {
  let file: string;
  try {
    file = ctx.loader.resolve('webgpu');
  } catch (e) {
    const f = classifyLoadError('webgpu', e);
    return {
      ok: false,
      reason:
        f.kind === 'not-installed' ? `webgpu (Dawn for Node) not installed (${installCommand('webgpu')})` : f.reason,
      hint: f.hint,
    };
  }
  if (ctx.system.platform === 'linux' && !ctx.system.findLibrary('libvulkan.so.1')) {
    return {
      ok: false,
      reason: 'the Vulkan loader libvulkan.so.1 is not installed (Dawn needs it on Linux)',
      hint: 'Debian/Ubuntu: apt-get install libvulkan1',
    };
  }
  try {
    const m = (await ctx.loader.load('webgpu')) as Partial<DawnModule> & { default?: DawnModule };
    const mod = (m.create ? m : m.default) as DawnModule;
    if (typeof mod?.create !== 'function') throw new Error('the module has no create()');
    return { ok: true, mod, file };
  } catch (e) {
    const f = classifyLoadError('webgpu', e);
    return { ok: false, reason: f.reason, hint: f.hint };
  }
}

/** Installs Dawn's globals and its first instance as navigator.gpu, with Vulkan's environment set first. */
function startDawn(mod: DawnModule, file: string, ctx: AttemptContext, plan: IcdPlan): DawnState {
  const { env, system } = ctx;
  for (const [k, v] of Object.entries(mod.globals ?? {})) {
    if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  }
  const icd = plan.icd;
  if (env !== process.env && icd && process.env.VK_ICD_FILENAMES !== icd) process.env.VK_ICD_FILENAMES = icd;
  // No GPU device node at all: only a software driver can work, so go
  // straight to SwiftShader (and spare the user Mesa's messages about its own).
  if (plan.fallback && system.hasGpuDevice() === false) pointAtSwiftShader(env, plan);
  quietMesaLayer(env);
  const state: DawnState = { create: mod.create, gpu: mod.create([]), version: packageVersion(file, 'webgpu') };
  (globalThis as unknown as Global)[STATE] = state;
  defineNavigatorGpu(state.gpu);
  return state;
}

/** Dawn's navigator.gpu, started on first use (or one already there, e.g. a test's or a browser's). */
export async function dawnGpu(
  ctx: AttemptContext,
  plan: IcdPlan,
): Promise<{ ok: true; gpu: GpuLike; state?: DawnState } | AttemptFailure> {
  let state = (globalThis as unknown as Global)[STATE];
  if (!state && !navigatorGpu()) {
    const loaded = await loadDawn(ctx);
    if (!loaded.ok) return loaded;
    state = startDawn(loaded.mod, loaded.file, ctx, plan);
  } else if (state && navigatorGpu() !== state.gpu) {
    defineNavigatorGpu(state.gpu);
  }
  return { ok: true, gpu: state?.gpu ?? navigatorGpu()!, state };
}

/**
 * Asks for an adapter. With none, when the plan allows it, points Vulkan at
 * SwiftShader and asks a new Dawn instance (the old one keeps its drivers).
 */
export async function findAdapter(
  dawn: { gpu: GpuLike; state?: DawnState },
  env: Record<string, string | undefined>,
  plan: IcdPlan,
): Promise<AdapterLike | null> {
  const adapter = await dawn.gpu.requestAdapter({ powerPreference: 'high-performance' });
  const { state } = dawn;
  if (adapter || !plan.fallback || !state || plan.switched) return adapter;
  pointAtSwiftShader(env, plan);
  quietMesaLayer(env);
  state.gpu = state.create([]);
  defineNavigatorGpu(state.gpu);
  return state.gpu.requestAdapter({ powerPreference: 'high-performance' });
}

/** Why Dawn found no adapter, from what VK_ICD_FILENAMES was and whether SwiftShader is installed. */
export function noAdapter(plan: IcdPlan, system: AttemptContext['system']): AttemptFailure {
  const { icd } = plan;
  if (icd) {
    const exists = icd.split(':').every((f) => system.fileExists(f));
    return {
      ok: false,
      reason: `no WebGPU adapter: Dawn found no usable Vulkan device with VK_ICD_FILENAMES=${icd}${exists ? '' : ' (that file does not exist)'}`,
      hint: `for a software adapter, install Debian's chromium package and set VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`,
    };
  }
  if (plan.haveSwiftShader) {
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
