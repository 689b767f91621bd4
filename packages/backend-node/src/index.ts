// @camtl/backend-node — picks the best tfjs backend in Node (tfjs-node-gpu with
// CUDA, tfjs-node, WebGPU through Dawn, wasm with camtl's kernel fixes, cpu) and
// says why, and camtl's FileSystem on Node's fs. The optional native packages
// are loaded lazily, only when asked for; importing this module loads none.

export { useNodeBackend, parsePreference, formatSummary } from './select';
export {
  AUTO_ORDER,
  BACKEND_CHOICES,
  TFJS_BACKEND,
  type BackendChoice,
  type BackendPreference,
  type BackendReport,
  type SkippedBackend,
  type UseNodeBackendOptions,
} from './types';
export {
  CUDA_HINT,
  CUDA_REQUIREMENT,
  classifyLoadError,
  defaultLoader,
  isNotInstalled,
  type LoadFailure,
  type LoadFailureKind,
  type ModuleLoader,
} from './loader';
export { CUDA_LIBRARIES, checkCudaLibraries, cudaPlatformSupported, type CudaCheck } from './cuda';
export { findLibraryIn, nodeSystem, parseLdconfig, type SystemProbe } from './system';
export { TFJS_NODE, TFJS_NODE_GPU } from './tensorflow';
export { wasmBinaryFolder } from './wasm';
export { WASM_MAX_THREADS, resolveWasmThreads, threadedWasmFiles } from './wasm-threads';
export {
  SWIFTSHADER_ICD,
  WEBGPU_SYNC_READ,
  describeAdapter,
  isSoftwareAdapter,
  type WebGpuAdapterInfo,
} from './webgpu';
export { activate, silenceCpuBanner } from './engine';
export {
  freeDiskBytes,
  lockDirectory,
  nodeFileSystem,
  nodeIoError,
  type DirectoryLock,
  type NodeFileSystemOptions,
} from './node-fs';
