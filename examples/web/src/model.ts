/**
 * Loading a CA-MTL checkpoint and its tokenizer in the page: the built-in
 * default (served next to the page, cached in IndexedDB), a folder URL, or
 * files the user picked.
 */
import { BertTokenizer, loadTokenizer, type FileSystem } from '@camtl/core';
import { loadCaMtl, type CaMtlModel } from '@camtl/ca-mtl';
import { filesFileSystem, openUrlFolder, tokenizerFiles, type CacheEvent, type FilesInput } from '@camtl/backend-web';
import { taskInfo, type TaskInfo } from './tasks';

/** What the build wrote next to the default model (model/camtl-web.json). */
export interface Provenance {
  kind: 'trained' | 'random';
  steps: number;
  seed: number;
  command: string;
  suiteVersion: number;
  dev?: { average: number | null; scores: Record<string, number | null> };
  note: string;
}

export interface LoadedModel {
  model: CaMtlModel;
  tokenizer: BertTokenizer;
  /** The tokenizer's files, for the download. */
  tokenizerFiles: Record<string, Uint8Array>;
  tasks: TaskInfo[];
  /** Where it came from, in words. */
  source: string;
  provenance?: Provenance;
  /** How the files were read: cache hits and downloads. */
  cache?: { hits: number; downloads: number; offline: number };
}

export const DEFAULT_MODEL_URL = 'model/';

function tasksOf(model: CaMtlModel): TaskInfo[] {
  return model.taskNames.map((name, t) => taskInfo(name, model.numLabelsPerTask[t]));
}

async function loadFrom(fs: FileSystem, source: string): Promise<Omit<LoadedModel, 'cache'>> {
  const tokenizer = await loadTokenizer('', fs);
  const { model } = await loadCaMtl('', fs);
  let provenance: Provenance | undefined;
  if (await fs.exists('camtl-web.json')) provenance = JSON.parse(await fs.readText('camtl-web.json')) as Provenance;
  return {
    model,
    tokenizer,
    tokenizerFiles: await tokenizerFiles('', fs),
    tasks: tasksOf(model),
    source,
    ...(provenance ? { provenance } : {}),
  };
}

/** A model folder on the web (the default one is DEFAULT_MODEL_URL), through the IndexedDB cache. */
export async function loadFromUrl(url: string, useCache = true): Promise<LoadedModel> {
  // Per file (a file read twice counts once): downloaded, or served from the cache (offline or not).
  const downloaded = new Set<string>();
  const cached = new Set<string>();
  const offline = new Set<string>();
  const onEvent = (e: CacheEvent) => {
    if (e.kind === 'miss' || e.kind === 'stale' || e.kind === 'bypass') downloaded.add(e.key);
    else (e.kind === 'offline-hit' ? offline : cached).add(e.key);
  };
  const { fs } = await openUrlFolder(url, { cache: useCache ? { dbName: 'camtl-example-web', onEvent } : false });
  const absolute = new URL(url, location.href).href;
  const loaded = await loadFrom(fs, url === DEFAULT_MODEL_URL ? 'the built-in default' : absolute);
  const fromCache = [...cached, ...offline].filter((k) => !downloaded.has(k));
  const counts = { hits: new Set(fromCache).size, downloads: downloaded.size, offline: offline.size };
  return { ...loaded, ...(useCache ? { cache: counts } : {}) };
}

/** A model folder the user picked or dropped (config.json, model.safetensors, vocab.txt or tokenizer.json). */
export async function loadFromFiles(files: FilesInput): Promise<LoadedModel> {
  const fs = filesFileSystem(files);
  return loadFrom(fs, fs.description);
}
