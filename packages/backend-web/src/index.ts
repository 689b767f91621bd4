// @camtl/backend-web — camtl in the browser: the tfjs backend choice
// (WebGPU → WebGL → wasm → cpu, with reasons), FileSystems over URLs, picked
// files and an IndexedDB cache, and saving trained models as downloads.
// No Node imports: everything here runs in a page or a worker.
export { parseWebPreference, useWebBackend } from './select';
export {
  WASM_FILES,
  WEB_BACKENDS,
  WEB_BACKEND_CHOICES,
  type BackendReport,
  type GpuAdapterInfo,
  type SkippedBackend,
  type UseWebBackendOptions,
  type WasmFileName,
  type WebBackendName,
  type WebBackendPreference,
} from './types';
export { defaultWasmPrefix } from './wasm';
export { normalizePath, type BrowserFileSystem, type FileStat } from './fs-common';
export {
  MANIFEST_FILE,
  manifestFor,
  parseManifest,
  urlFileSystem,
  type Manifest,
  type ManifestEntry,
  type UrlFileSystem,
  type UrlFileSystemOptions,
} from './url-fs';
export {
  filesFileSystem,
  filesFromDataTransfer,
  type FilesFileSystem,
  type FilesInput,
  type PickedFile,
} from './files-fs';
export {
  DEFAULT_CACHE_DB,
  cachedFileSystem,
  deleteCache,
  type CacheEvent,
  type CacheEventKind,
  type CacheOptions,
  type CacheStats,
  type CachedFileSystem,
} from './cache-fs';
export { openUrlFolder, type OpenUrlOptions, type OpenedFolder } from './model-source';
export {
  TOKENIZER_FILES,
  downloadModel,
  modelFiles,
  saveBlob,
  tokenizerFiles,
  zipFiles,
  type DownloadOptions,
  type DownloadResult,
  type SavableModel,
} from './download';
