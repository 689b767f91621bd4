/**
 * One call to get a FileSystem for a model folder on the web: reads its
 * files.json manifest when it has one (so loaders make no probing requests),
 * and puts the IndexedDB cache in front unless told not to.
 */
import { isCamtlError } from '@camtl/core';
import { cachedFileSystem, type CacheOptions } from './cache-fs';
import type { BrowserFileSystem } from './fs-common';
import { MANIFEST_FILE, parseManifest, urlFileSystem, type Manifest, type UrlFileSystemOptions } from './url-fs';

export interface OpenUrlOptions extends Omit<UrlFileSystemOptions, 'files'> {
  /** IndexedDB caching (default on, policy 'revalidate'); false turns it off. */
  cache?: boolean | CacheOptions;
  /** Look for files.json (default true). Without one, loaders probe files with HEAD requests. */
  manifest?: boolean;
}

export interface OpenedFolder {
  fs: BrowserFileSystem;
  /** The manifest, when the folder has one. */
  manifest?: Manifest;
}

/** A FileSystem for the model folder at `baseUrl`; load with `loadCaMtl('', fs)` and `loadTokenizer('', fs)`. */
export async function openUrlFolder(baseUrl: string, options: OpenUrlOptions = {}): Promise<OpenedFolder> {
  const { cache = true, manifest: useManifest = true, ...urlOptions } = options;
  const cacheOptions = cache === false ? undefined : cache === true ? {} : cache;
  const wrap = (fs: BrowserFileSystem) => (cacheOptions ? cachedFileSystem(fs, cacheOptions) : fs);
  let manifest: Manifest | undefined;
  if (useManifest) {
    // The manifest itself is cached too, so an offline reload still knows the folder.
    const probe = wrap(urlFileSystem(baseUrl, urlOptions));
    try {
      manifest = parseManifest(JSON.parse(await probe.readText(MANIFEST_FILE)), probe.cacheKey(MANIFEST_FILE));
    } catch (e) {
      // No manifest (or something that is not one, e.g. a server's HTML fallback page): probe instead.
      if (!((isCamtlError(e) && e.code === 'NOT_FOUND') || e instanceof SyntaxError)) throw e;
    }
  }
  return {
    fs: wrap(urlFileSystem(baseUrl, { ...urlOptions, ...(manifest ? { files: manifest.files } : {}) })),
    manifest,
  };
}
