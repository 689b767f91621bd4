import * as tf from '@tensorflow/tfjs-core';
import type { Attempt, AttemptFailure } from '@camtl/core';
import { checkCudaLibraries, cudaPlatformSupported } from './cuda';
import { activate, firstOperation } from './engine';
import { CUDA_HINT, CUDA_REQUIREMENT, classifyLoadError, installHint } from './loader';
import type { AttemptContext } from './types';

export const TFJS_NODE_GPU = '@tensorflow/tfjs-node-gpu';
export const TFJS_NODE = '@tensorflow/tfjs-node';

type Kind = 'cuda' | 'tensorflow';

const packageFor = (kind: Kind) => (kind === 'cuda' ? TFJS_NODE_GPU : TFJS_NODE);

/** What tfjs-node's NodeJSKernelBackend exposes (all optional: stand-ins may omit them). */
interface NodeBackendLike {
  isGPUPackage?: boolean;
  isUsingGpuDevice?: boolean;
  binding?: { TF_Version?: string };
}

function moduleVersion(mod: unknown): string | undefined {
  const m = mod as { version?: Record<string, string>; default?: { version?: Record<string, string> } } | undefined;
  return m?.version?.['tfjs-node'] ?? m?.default?.version?.['tfjs-node'];
}

function moduleCoreVersion(mod: unknown): string | undefined {
  const m = mod as { version?: Record<string, string>; default?: { version?: Record<string, string> } } | undefined;
  return m?.version?.['tfjs-core'] ?? m?.default?.version?.['tfjs-core'];
}

/** Imports with tfjs's registration chatter ("cpu backend was already registered …") muted. */
async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const wasProd = tf.env().getBool('PROD');
  tf.env().set('PROD', true);
  try {
    return await f();
  } finally {
    tf.env().set('PROD', wasProd);
  }
}

/**
 * The libtensorflow backends: 'cuda' loads @tensorflow/tfjs-node-gpu and
 * requires TensorFlow to have found a GPU; 'tensorflow' loads
 * @tensorflow/tfjs-node (or reuses a "tensorflow" backend already registered,
 * e.g. by tfjs-node-gpu on a machine where it found no GPU). Both register the
 * tfjs backend "tensorflow", so only one of the two packages can live in a process.
 */
export async function tryTensorflow(kind: Kind, ctx: AttemptContext): Promise<Attempt> {
  const { system } = ctx;
  if (kind === 'cuda' && !cudaPlatformSupported(system)) {
    return {
      ok: false,
      reason: `tfjs-node-gpu has no CUDA build for ${system.platform}-${system.arch} (Linux x86-64 and Windows x64 only)`,
    };
  }
  const versions: Record<string, string> = { 'tfjs-core': tf.version_core };
  const loaded = tf.findBackendFactory('tensorflow')
    ? { ok: true as const, loadedHere: false }
    : await loadTensorflow(kind, ctx, versions);
  if (!loaded.ok) return loaded;
  const failed = await startTensorflow(kind, loaded.loadedHere);
  if (failed) return failed;
  const b = tf.backend() as unknown as NodeBackendLike;
  if (b.binding?.TF_Version) versions.libtensorflow = b.binding.TF_Version;
  return kind === 'cuda' ? cudaOutcome(b, ctx, versions) : cpuOutcome(b, versions);
}

function loadFailure(pkg: string, e: unknown): AttemptFailure {
  const f = classifyLoadError(pkg, e);
  return { ok: false, reason: f.reason, hint: f.hint };
}

/**
 * Loads the package for `kind` (for cuda, once its CUDA libraries are found),
 * adding what it brings to `versions`, and checks that it registered its
 * backend with this process's tfjs engine.
 */
async function loadTensorflow(
  kind: Kind,
  ctx: AttemptContext,
  versions: Record<string, string>,
): Promise<{ ok: true; loadedHere: true } | AttemptFailure> {
  const pkg = packageFor(kind);
  try {
    ctx.loader.resolve(pkg);
  } catch (e) {
    return loadFailure(pkg, e);
  }
  let cudaLibs: Record<string, string> = {};
  if (kind === 'cuda' && ctx.checkCudaLibraries) {
    const check = checkCudaLibraries(ctx.system);
    if (!check.ok) return { ok: false, reason: check.reason!, hint: check.hint };
    cudaLibs = check.found;
  }
  ctx.log(`loading ${pkg}`);
  let mod: unknown;
  try {
    mod = await quietly(() => ctx.loader.load(pkg));
  } catch (e) {
    return loadFailure(pkg, e);
  }
  const theirCore = addVersions(pkg, mod, cudaLibs, versions);
  if (!tf.findBackendFactory('tensorflow')) {
    return {
      ok: false,
      reason: `${pkg} loaded but registered no "tensorflow" backend with this process's tfjs engine (its tfjs-core ${theirCore ?? '?'}, this one ${tf.version_core})`,
      hint: `use the same major version of @tensorflow/tfjs-core as ${pkg} (4.x)`,
    };
  }
  return { ok: true, loadedHere: true };
}

/** Records the package's version, its own tfjs-core when it differs, and the CUDA libraries; returns its tfjs-core. */
function addVersions(
  pkg: string,
  mod: unknown,
  cudaLibs: Record<string, string>,
  versions: Record<string, string>,
): string | undefined {
  const v = moduleVersion(mod);
  if (v) versions[pkg.replace('@tensorflow/', '')] = v;
  const theirCore = moduleCoreVersion(mod);
  if (theirCore && theirCore !== tf.version_core) versions[`tfjs-core (${pkg})`] = theirCore;
  if (cudaLibs['libcudart.so.11.0']) versions.cudart = cudaLibs['libcudart.so.11.0'];
  if (cudaLibs['libcudnn.so.8']) versions.cudnn = cudaLibs['libcudnn.so.8'];
  return theirCore;
}

/** Activates "tensorflow" and runs a first operation on it; the failure, if either fails. */
async function startTensorflow(kind: Kind, loadedHere: boolean): Promise<AttemptFailure | undefined> {
  const pkg = packageFor(kind);
  const on = await activate('tensorflow');
  if (!on.ok) {
    return {
      ok: false,
      reason: `${loadedHere ? `${pkg} loaded, but its ` : 'the registered '}${on.reason}`,
      hint: kind === 'cuda' ? CUDA_HINT : installHint(pkg),
    };
  }
  const broken = await firstOperation();
  if (!broken) return undefined;
  return {
    ok: false,
    reason: `${kind === 'cuda' ? TFJS_NODE_GPU : 'the "tensorflow" backend'} initialised, but a first operation failed: ${broken}`,
    hint: kind === 'cuda' ? CUDA_HINT : undefined,
  };
}

/** cuda counts only when the GPU package runs, on a GPU. */
function cudaOutcome(b: NodeBackendLike, ctx: AttemptContext, versions: Record<string, string>): Attempt {
  if (b.isGPUPackage === false) {
    return {
      ok: false,
      reason: `${TFJS_NODE} (CPU) is already loaded in this process, and ${TFJS_NODE_GPU} cannot be loaded beside it`,
      hint: 'load only one of the two packages: select the backend before anything imports @tensorflow/tfjs-node',
    };
  }
  if (b.isUsingGpuDevice !== true) {
    return {
      ok: false,
      reason: `${TFJS_NODE_GPU} loaded, but TensorFlow found no usable GPU (its log above names what it could not open): ${CUDA_REQUIREMENT}`,
      hint: CUDA_HINT,
    };
  }
  const gpu = ctx.system.gpuName();
  const lib = versions.libtensorflow ? `, libtensorflow ${versions.libtensorflow}` : '';
  return {
    ok: true,
    device: `GPU ${gpu ?? '(CUDA)'}`,
    detail: `CUDA${gpu ? ` ${gpu}` : ''}${lib}`,
    versions,
  };
}

/** tensorflow runs wherever libtensorflow does: from either package, on the CPU or (tfjs-node-gpu) a GPU. */
function cpuOutcome(b: NodeBackendLike, versions: Record<string, string>): Attempt {
  const viaGpuPackage = b.isGPUPackage === true;
  const lib = versions.libtensorflow ? ` ${versions.libtensorflow}` : '';
  if (b.isUsingGpuDevice === true) {
    return { ok: true, device: 'GPU (CUDA, via tfjs-node-gpu)', detail: `libtensorflow${lib} on the GPU`, versions };
  }
  return {
    ok: true,
    device: `CPU (libtensorflow${viaGpuPackage ? ', from tfjs-node-gpu' : ''})`,
    detail: `libtensorflow${lib} CPU${viaGpuPackage ? ' via tfjs-node-gpu' : ''}`,
    versions,
  };
}
