/**
 * HuggingFace model directories: `config.json` plus `model.safetensors` or a
 * sharded `model.safetensors.index.json`. Pickle-based checkpoints
 * (`pytorch_model.bin`) are refused, never parsed: unpickling runs code.
 */
import { CamtlError } from '../errors';
import type { ByteSource, FileSystem } from './fs';
import { quote } from './safetensors-decode';
import { readSafetensors, serializeSafetensors, type SafetensorsFile } from './safetensors';

export interface HfTensor {
  shape: number[];
  /** The on-disk safetensors dtype, e.g. "F32"; `data` is always float32. */
  dtype: string;
  data: Float32Array;
}

export interface HfCheckpoint {
  dir: string;
  config: Record<string, unknown>;
  tensors: Map<string, HfTensor>;
  /** The weight files read: `model.safetensors`, or the index followed by its shards. */
  files: string[];
}

export const SAFETENSORS_FILE = 'model.safetensors';
export const SAFETENSORS_INDEX_FILE = 'model.safetensors.index.json';
export const CONFIG_FILE = 'config.json';

/** Checkpoint formats that are recognised but refused, with why and how to convert. */
const REFUSED: Array<{ file: string; why: string; from: string }> = [
  {
    file: 'pytorch_model.bin',
    why: 'PyTorch pickle checkpoints are not read (unpickling can run arbitrary code)',
    from: '',
  },
  {
    file: 'pytorch_model.bin.index.json',
    why: 'PyTorch pickle checkpoints are not read (unpickling can run arbitrary code)',
    from: '',
  },
  {
    file: 'tf_model.h5',
    why: 'TensorFlow .h5 checkpoints are not read; camtl reads safetensors only',
    from: ', from_tf=True',
  },
  {
    file: 'flax_model.msgpack',
    why: 'Flax .msgpack checkpoints are not read; camtl reads safetensors only',
    from: ', from_flax=True',
  },
];

/** Runs a file-system call, turning anything but a CamtlError into an IO error naming `path`. */
async function io<T>(path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof CamtlError) throw e;
    const why = String((e as Error)?.message ?? e).split('\n')[0];
    throw new CamtlError('IO', `${path}: ${why}`);
  }
}

const CONFIG_HINT = 'a HuggingFace model directory needs config.json next to its weights';

async function readJson(path: string, fs: FileSystem, missingHint?: string): Promise<Record<string, unknown>> {
  if (!(await io(path, () => fs.exists(path)))) {
    throw new CamtlError('NOT_FOUND', `${path}: file not found`, missingHint);
  }
  const text = await io(path, () => fs.readText(path));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CamtlError('BAD_FILE', `${path}: not valid JSON (${String((e as Error).message).split('\n')[0]})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CamtlError('BAD_FILE', `${path}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Loads config.json and every tensor (converted to float32) from a HuggingFace model directory. */
export async function loadHfCheckpoint(dir: string, fs: FileSystem): Promise<HfCheckpoint> {
  const config = await readJson(fs.join(dir, CONFIG_FILE), fs, CONFIG_HINT);
  const single = fs.join(dir, SAFETENSORS_FILE);
  if (await io(single, () => fs.exists(single))) {
    const st = await openSafetensors(single, fs);
    return { dir, config, tensors: await readAll(st, [...st.entries.keys()]), files: [single] };
  }
  const index = fs.join(dir, SAFETENSORS_INDEX_FILE);
  if (await io(index, () => fs.exists(index))) {
    const { tensors, files } = await loadSharded(dir, index, fs);
    return { dir, config, tensors, files: [index, ...files] };
  }
  await refuseOtherFormats(dir, fs, config);
  throw new CamtlError(
    'NOT_FOUND',
    `${dir}: no weights found (looked for ${SAFETENSORS_FILE}, ${SAFETENSORS_INDEX_FILE}, ${REFUSED.map((r) => r.file).join(', ')})`,
    'point at a HuggingFace model directory saved with save_pretrained(..., safe_serialization=True)',
  );
}

async function refuseOtherFormats(dir: string, fs: FileSystem, config: Record<string, unknown>): Promise<void> {
  for (const r of REFUSED) {
    const path = fs.join(dir, r.file);
    if (await io(path, () => fs.exists(path))) {
      throw new CamtlError('UNSUPPORTED', `${path}: ${r.why}`, conversionHint(dir, config, r.from));
    }
  }
}

/** A one-line transformers command that rewrites the checkpoint as safetensors in place. */
export function conversionHint(dir: string, config: Record<string, unknown>, fromArg = ''): string {
  const archs = Array.isArray(config.architectures) ? config.architectures : [];
  const isClassifier = archs.some((a) => typeof a === 'string' && a.endsWith('ForSequenceClassification'));
  const cls = isClassifier ? 'AutoModelForSequenceClassification' : 'AutoModel';
  const d = /^[^'"\\\n]*$/.test(dir) && dir.length > 0 ? dir : 'DIR';
  const cmd = `python -c "from transformers import ${cls}; m = ${cls}.from_pretrained('${d}'${fromArg}); m.save_pretrained('${d}', safe_serialization=True)"`;
  const note = isClassifier
    ? '(AutoModelForSequenceClassification keeps the classification head; AutoModel would drop it)'
    : '(for a classification checkpoint use AutoModelForSequenceClassification so the head is kept)';
  return `convert it to safetensors once with: ${cmd} ${note}`;
}

async function openSafetensors(path: string, fs: FileSystem): Promise<SafetensorsFile> {
  const source: ByteSource = await io(path, () => fs.open(path));
  return readSafetensors(source);
}

async function readAll(
  st: SafetensorsFile,
  names: string[],
  into = new Map<string, HfTensor>(),
): Promise<Map<string, HfTensor>> {
  for (const name of names) {
    const entry = st.entries.get(name)!;
    into.set(name, { shape: entry.shape.slice(), dtype: entry.dtype, data: await st.float32(name) });
  }
  return into;
}

/** True when `shard` is a plain relative path that stays inside the checkpoint directory. */
function isSafeShardPath(shard: string): boolean {
  if (shard.length === 0 || /^[\\/]/.test(shard) || shard.includes(':') || shard.includes('\0')) return false;
  return !shard.split(/[\\/]/).some((part) => part === '..');
}

/** Reads `weight_map` (tensor → shard file) from a sharded index, grouped by shard in first-seen order. */
async function readWeightMap(index: string, fs: FileSystem): Promise<Map<string, string[]>> {
  const json = await readJson(index, fs);
  const map = json.weight_map;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    throw new CamtlError('BAD_FILE', `${index}: missing "weight_map" object`);
  }
  const byShard = new Map<string, string[]>();
  for (const [tensor, shard] of Object.entries(map)) {
    if (typeof shard !== 'string' || !isSafeShardPath(shard)) {
      throw new CamtlError(
        'BAD_FILE',
        `${index}: tensor ${quote(tensor)} maps to shard ${quote(shard)}, which is not a file inside the checkpoint directory`,
        'shard paths must be relative names without ".." (e.g. model-00001-of-00002.safetensors)',
      );
    }
    const list = byShard.get(shard) ?? [];
    list.push(tensor);
    byShard.set(shard, list);
  }
  return byShard;
}

async function loadSharded(
  dir: string,
  index: string,
  fs: FileSystem,
): Promise<{ tensors: Map<string, HfTensor>; files: string[] }> {
  const byShard = await readWeightMap(index, fs);
  const tensors = new Map<string, HfTensor>();
  const files: string[] = [];
  for (const [shard, names] of byShard) {
    const path = fs.join(dir, shard);
    if (!(await io(path, () => fs.exists(path)))) {
      throw new CamtlError(
        'NOT_FOUND',
        `${index}: shard ${quote(shard)} (holding tensor ${quote(names[0])}) not found at ${path}`,
      );
    }
    const st = await openSafetensors(path, fs);
    const absent = names.find((n) => !st.entries.has(n));
    if (absent !== undefined) {
      throw new CamtlError(
        'MISSING_KEYS',
        `${index}: tensor ${quote(absent)} is listed in shard ${quote(shard)} but ${path} does not contain it`,
      );
    }
    await readAll(st, names, tensors);
    files.push(path);
  }
  return { tensors, files };
}

/** Writes `model.safetensors` (F32) and `config.json` into `dir`, each atomically. */
export async function saveHfCheckpoint(
  dir: string,
  checkpoint: { config: Record<string, unknown>; tensors: Map<string, { shape: number[]; data: Float32Array }> },
  fs: FileSystem,
): Promise<void> {
  const weightsPath = fs.join(dir, SAFETENSORS_FILE);
  const configPath = fs.join(dir, CONFIG_FILE);
  const list = [...checkpoint.tensors].map(([name, t]) => ({
    name,
    dtype: 'F32' as const,
    shape: t.shape,
    data: t.data,
  }));
  const bytes = serializeSafetensors(list, { format: 'pt' }, { name: weightsPath });
  let configText: string;
  try {
    configText = `${JSON.stringify(checkpoint.config, null, 2)}\n`;
  } catch (e) {
    throw new CamtlError(
      'BAD_CONFIG',
      `${configPath}: config cannot be written as JSON (${String((e as Error).message).split('\n')[0]})`,
    );
  }
  await io(dir, () => fs.mkdirp(dir));
  await io(weightsPath, () => fs.writeFileAtomic(weightsPath, bytes));
  await io(configPath, () => fs.writeFileAtomic(configPath, configText));
}
