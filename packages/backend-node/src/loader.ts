import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * How the optional packages (`@tensorflow/tfjs-node-gpu`, `@tensorflow/tfjs-node`,
 * `webgpu`: optional peer dependencies, never installed with this package) are found and loaded. Injectable so that tests can stand in for
 * packages that cannot be installed here (CUDA builds, libtensorflow).
 */
export interface ModuleLoader {
  /**
   * Where `specifier` would load from, without running it. Throws like
   * `require.resolve` (code `MODULE_NOT_FOUND`) when it is not installed.
   */
  resolve(specifier: string): string;
  /** Imports the module (its namespace or CJS exports). */
  load(specifier: string): Promise<unknown>;
}

// tsup's `shims` turn import.meta.url into the file URL of dist/index.cjs in the
// CJS build; in the ESM build (and under vitest) it is the real one.
const localRequire = createRequire(import.meta.url);

/**
 * The default loader: resolves from this package's own location (where npm
 * and pnpm make the user's optional peer dependencies visible) and imports the resolved file by URL.
 * The specifier is a variable, so neither tsup nor a bundler can resolve or
 * inline the optional packages; the native `import()` loads CJS and ESM
 * packages alike, from the ESM and the CJS build.
 */
export const defaultLoader: ModuleLoader = {
  resolve(specifier) {
    return localRequire.resolve(specifier);
  },
  async load(specifier) {
    const file = localRequire.resolve(specifier);
    const url = pathToFileURL(file).href;
    return import(/* @vite-ignore */ url);
  },
};

/** Why an optional package could not be loaded. */
export type LoadFailureKind =
  /** The package itself is not installed. */
  | 'not-installed'
  /** Installed, but its native addon (tfjs_binding.node / libtensorflow) is missing. */
  | 'binding-missing'
  /** A CUDA / cuDNN shared library could not be opened. */
  | 'cuda-libraries'
  /** Anything else: the first line of the error. */
  | 'other';

export interface LoadFailure {
  kind: LoadFailureKind;
  /** One line, e.g. "libcudart.so.11.0 not found: tfjs-node-gpu 4.x needs CUDA 11.2 / cuDNN 8.1". */
  reason: string;
  /** What to do about it. */
  hint?: string;
  /** The shared library that failed to open, for 'cuda-libraries'. */
  library?: string;
}

/** The CUDA toolchain tfjs-node-gpu 4.x (libtensorflow 2.9.1) was built against. */
export const CUDA_REQUIREMENT = 'tfjs-node-gpu 4.x needs CUDA 11.2 / cuDNN 8.1';

const CUDA_LIB =
  /\b(lib(?:cudart|cublasLt|cublas|cufft|curand|cusolver|cusparse|cudnn\w*|cuda|nvinfer\w*|nvrtc)\.so(?:\.[\d.]+)?|(?:cudart64|cublas64|cublasLt64|cufft64|curand64|cusolver64|cusparse64|cudnn64)_\d+\.dll|nvcuda\.dll)\b/;
const TF_LIB = /\b(lib)?tensorflow(_framework)?(\.so(\.[\d.]+)?|\.dll|\.dylib)\b/;

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return (msg.split('\n').find((l) => l.trim().length > 0) ?? msg).trim();
}

function errorCode(e: unknown): string | undefined {
  return (e as { code?: unknown })?.code as string | undefined;
}

/** True when `e` says that `pkg` itself (not one of its files or dependencies) cannot be found. */
export function isNotInstalled(e: unknown, pkg: string): boolean {
  const code = errorCode(e);
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return false;
  const msg = e instanceof Error ? e.message : String(e);
  // CJS: "Cannot find module '@tensorflow/tfjs-node-gpu'"; ESM: "Cannot find package '@tensorflow/tfjs-node-gpu' imported from …".
  return msg.includes(`'${pkg}'`) || msg.includes(`"${pkg}"`);
}

/**
 * Classifies an error thrown while resolving or importing `pkg` into a
 * one-line reason and a hint. Never throws.
 */
export function classifyLoadError(pkg: string, e: unknown): LoadFailure {
  const msg = e instanceof Error ? e.message : String(e);
  if (isNotInstalled(e, pkg)) {
    return { kind: 'not-installed', reason: `${pkg} not installed (${installCommand(pkg)})`, hint: installHint(pkg) };
  }
  const cuda = CUDA_LIB.exec(msg);
  if (cuda && /cannot open|not found|could not (?:be )?(?:found|load)|no such file|specified module/i.test(msg)) {
    const library = cuda[1];
    return {
      kind: 'cuda-libraries',
      library,
      reason: `${library} not found: ${CUDA_REQUIREMENT}`,
      hint: CUDA_HINT,
    };
  }
  if (
    /tfjs_binding\.node/.test(msg) ||
    (TF_LIB.test(msg) &&
      /cannot open shared object|not found|no such file|specified module could not be found|image not found/i.test(msg))
  ) {
    return {
      kind: 'binding-missing',
      reason: `${pkg} is installed without its native binding (its install script did not download libtensorflow from storage.googleapis.com)`,
      hint: `run \`npm rebuild ${pkg}\` (or \`pnpm rebuild ${pkg}\`) on a machine that can reach storage.googleapis.com, or set TFJS_NODE_CDN_STORAGE / a custom binary (see the tfjs-node README)`,
    };
  }
  const code = errorCode(e);
  if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
    return {
      kind: 'other',
      reason: `${pkg} is installed but incomplete: ${firstLine(e)}`,
      hint: `reinstall it: ${installCommand(pkg)}`,
    };
  }
  return { kind: 'other', reason: `${pkg} failed to load: ${firstLine(e)}` };
}

export const CUDA_HINT =
  'install CUDA 11.2 and cuDNN 8.1 (libcudart.so.11.0, libcublas.so.11, libcudnn.so.8 …) and an NVIDIA driver >= 460, ' +
  'make them visible to the dynamic linker (ldconfig or LD_LIBRARY_PATH; check with `ldconfig -p | grep -E "libcudart|libcudnn"`); ' +
  'CUDA 12 does not work with tfjs-node-gpu 4.x';

/**
 * The one command that adds an optional package. None is installed with
 * @camtl/backend-node (they are optional peer dependencies): the user adds the
 * one they want, and the reason a backend was skipped names this command.
 */
export function installCommand(pkg: string): string {
  return `npm i ${pkg}`;
}

export function installHint(pkg: string): string {
  const add = `add it: ${installCommand(pkg)} (or pnpm add ${pkg})`;
  if (pkg === '@tensorflow/tfjs-node-gpu') {
    return `on Linux x86-64 with an NVIDIA GPU, CUDA 11.2 and cuDNN 8.1, ${add}; its install script downloads libtensorflow-gpu 2.9.1 from storage.googleapis.com`;
  }
  if (pkg === '@tensorflow/tfjs-node') {
    return `${add}; its install script downloads libtensorflow 2.9.1 from storage.googleapis.com`;
  }
  if (pkg === 'webgpu') return `${add} (Dawn for Node; needs a Vulkan driver on Linux: apt-get install libvulkan1)`;
  return add;
}

/** The version in the package.json of `name`, found walking up from its resolved entry file. */
export function packageVersion(resolvedMain: string, name: string): string | undefined {
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
