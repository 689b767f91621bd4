/**
 * Saving a trained model from a page: the model writes its checkpoint
 * (config.json + model.safetensors) into memory, the tokenizer files are
 * added, and the folder is offered as one .zip download (fflate), or as one
 * download per file. Unzipped, it is a model folder that `camtl` and
 * `loadCaMtl` read as it is.
 */
import { zipSync, type Zippable } from 'fflate';
import { CamtlError, memoryFileSystem, type FileSystem } from '@camtl/core';

/** Anything that saves itself as a HF-style folder: CaMtlModel, or any MultiTaskModel. */
export interface SavableModel {
  save(dir: string, fs: FileSystem): Promise<void>;
}

/** Tokenizer files a model folder may carry, in the order loadTokenizer looks for them. */
export const TOKENIZER_FILES = [
  'tokenizer.json',
  'vocab.txt',
  'tokenizer_config.json',
  'special_tokens_map.json',
] as const;

export interface DownloadOptions {
  /** Default 'camtl-model.zip' (or the folder name for format 'files'). */
  filename?: string;
  /** 'zip' (default): one archive with a top folder; 'files': one download per file. */
  format?: 'zip' | 'files';
  /** Extra files for the folder, e.g. the tokenizer's (see tokenizerFiles). */
  files?: Record<string, Uint8Array | string>;
  /** The folder inside the zip; default the filename without .zip. '' puts files at the top. */
  folder?: string;
  /** Offers the download (default: an <a download> click). Tests pass their own. */
  save?: (blob: Blob, filename: string) => void | Promise<void>;
}

export interface DownloadResult {
  /** The names offered for download (one zip, or each file). */
  filenames: string[];
  /** The folder's files and their sizes. */
  files: Record<string, number>;
  bytes: number;
}

const enc = new TextEncoder();

/** The model's folder as bytes: its checkpoint plus `extra` files. */
export async function modelFiles(
  model: SavableModel,
  extra: Record<string, Uint8Array | string> = {},
): Promise<Record<string, Uint8Array>> {
  const mem = memoryFileSystem();
  await model.save('model', mem);
  const out: Record<string, Uint8Array> = {};
  for (const [k, v] of mem.files) if (k.startsWith('model/')) out[k.slice('model/'.length)] = v;
  if (!out['config.json']) throw new CamtlError('IO', 'the model saved no config.json');
  for (const [name, v] of Object.entries(extra)) out[name] = typeof v === 'string' ? enc.encode(v) : v;
  return out;
}

/** A zip of `files` under `folder/` (stored, not deflated, for .safetensors: floats do not compress). */
export function zipFiles(files: Record<string, Uint8Array>, folder = ''): Uint8Array {
  const tree: Zippable = {};
  const prefix = folder ? folder.replace(/\/+$/, '') + '/' : '';
  for (const [name, bytes] of Object.entries(files)) {
    tree[prefix + name] = [bytes, { level: /\.(safetensors|bin|zip|gz)$/.test(name) ? 0 : 6 }];
  }
  return zipSync(tree, { mtime: new Date('2020-01-01T00:00:00Z') });
}

/** Copies a model folder's tokenizer files (those present) from `fs`, to pass as `files`. */
export async function tokenizerFiles(dir: string, fs: FileSystem): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  for (const name of TOKENIZER_FILES) {
    const path = fs.join(dir, name);
    if (await fs.exists(path)) out[name] = await fs.readFile(path);
  }
  return out;
}

/** Offers a Blob as a download through a temporary <a download> link. */
export function saveBlob(blob: Blob, filename: string): void {
  const doc = (globalThis as { document?: Document }).document;
  if (!doc)
    throw new CamtlError(
      'UNSUPPORTED',
      `cannot download ${filename}: no document (not a browser page)`,
      'pass options.save',
    );
  const url = URL.createObjectURL(blob);
  const a = doc.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  doc.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Saves a trained model as a download: by default `camtl-model.zip` holding
 * `camtl-model/config.json`, `model.safetensors` and the extra (tokenizer) files.
 * `downloadModel(model, 'run.zip')` is short for `{ filename: 'run.zip' }`.
 */
export async function downloadModel(
  model: SavableModel,
  optionsOrFilename: DownloadOptions | string = {},
): Promise<DownloadResult> {
  const options = typeof optionsOrFilename === 'string' ? { filename: optionsOrFilename } : optionsOrFilename;
  const unsorted = await modelFiles(model, options.files);
  const files = Object.fromEntries(
    Object.keys(unsorted)
      .sort()
      .map((k) => [k, unsorted[k]]),
  );
  const save = options.save ?? saveBlob;
  const sizes = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.byteLength]));
  if (options.format === 'files') {
    const folder = (options.filename ?? 'camtl-model').replace(/\.zip$/, '');
    const filenames: string[] = [];
    for (const [name, bytes] of Object.entries(files)) {
      const filename = `${folder}-${name}`;
      await save(new Blob([bytes as Uint8Array<ArrayBuffer>]), filename);
      filenames.push(filename);
    }
    return { filenames, files: sizes, bytes: Object.values(sizes).reduce((a, b) => a + b, 0) };
  }
  const filename = options.filename ?? 'camtl-model.zip';
  const zip = zipFiles(files, options.folder ?? filename.replace(/\.zip$/i, ''));
  await save(new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }), filename);
  return { filenames: [filename], files: sizes, bytes: zip.byteLength };
}
