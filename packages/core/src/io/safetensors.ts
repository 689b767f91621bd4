/**
 * A bounded safetensors reader (https://github.com/huggingface/safetensors):
 * an 8-byte little-endian header length N, N bytes of UTF-8 JSON, then the
 * data buffer. Every field is checked before use, so a corrupt or hostile file
 * gives a one-line CamtlError naming the file and tensor, never a crash, a
 * hang or a huge allocation. Tensor data is read lazily, one tensor at a time.
 */
import { CamtlError } from '../errors';
import type { ByteSource } from './fs';
import { DTYPE_SIZES, UNSUPPORTED_DTYPES, isSupportedDtype, type SafetensorsDtype } from './safetensors-codec';
import { decodeTensor, quote, type TensorKind } from './safetensors-decode';

export type { SafetensorsDtype } from './safetensors-codec';
export { serializeSafetensors, type SafetensorsTensor, type SerializeOptions } from './safetensors-write';

/** Largest header accepted (the reference implementation's limit). */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export interface SafetensorsEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  /** Byte offsets relative to the start of the data buffer. */
  begin: number;
  end: number;
}

export interface SafetensorsFile {
  name: string;
  metadata: Record<string, string>;
  entries: Map<string, SafetensorsEntry>;
  /** Any dtype, converted to float32 (float64 and large int64 values round). */
  float32(name: string): Promise<Float32Array>;
  /** Any dtype, converted to float64. */
  float64(name: string): Promise<Float64Array>;
  /** Integer and BOOL dtypes; int64 values outside int32 range are an error. */
  int32(name: string): Promise<Int32Array>;
}

const HINT_CORRUPT = 'the file is not a valid safetensors file; re-download or re-export it';

function bad(file: string, what: string, hint = HINT_CORRUPT): CamtlError {
  return new CamtlError('BAD_FILE', `${file}: ${what}`, hint);
}

/** Reads exactly `length` bytes, turning any failure of the source into a CamtlError. */
export async function readExactly(source: ByteSource, offset: number, length: number): Promise<Uint8Array> {
  let bytes: unknown;
  try {
    bytes = await source.read(offset, length);
  } catch (e) {
    if (e instanceof CamtlError) throw e;
    const why = String((e as Error)?.message ?? e).split('\n')[0];
    throw new CamtlError('IO', `${source.name}: could not read ${length} bytes at offset ${offset} (${why})`);
  }
  if (!(bytes instanceof Uint8Array) || bytes.byteLength !== length) {
    throw new CamtlError('IO', `${source.name}: asked for ${length} bytes at offset ${offset}, got a different amount`);
  }
  return bytes;
}

/** Parses the header of a safetensors file; tensor data is read on demand. */
export async function readSafetensors(source: ByteSource): Promise<SafetensorsFile> {
  const file = source.name;
  const size = source.size;
  if (!Number.isSafeInteger(size) || size < 0) throw new CamtlError('IO', `${file}: invalid file size ${size}`);
  if (size < 8) throw bad(file, `${size} bytes is too short for a safetensors file (needs an 8-byte header length)`);
  const headerLength = await readHeaderLength(source, size);
  const header = parseHeaderJson(file, await readExactly(source, 8, headerLength));
  const dataStart = 8 + headerLength;
  const dataSize = size - dataStart;
  const metadata = parseMetadata(file, header['__metadata__']);
  const entries = new Map<string, SafetensorsEntry>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    entries.set(name, parseEntry(file, name, info, dataSize));
  }
  checkOverlaps(file, entries);
  const load = async (name: string, kind: TensorKind) => {
    const entry = entries.get(name);
    if (!entry) {
      throw new CamtlError('NOT_FOUND', `${file}: no tensor ${quote(name)}`, `it has ${entries.size} tensors`);
    }
    const bytes =
      entry.end > entry.begin
        ? await readExactly(source, dataStart + entry.begin, entry.end - entry.begin)
        : new Uint8Array(0);
    return decodeTensor(bytes, entry.dtype, kind, `${file}: tensor ${quote(name)}`);
  };
  return {
    name: file,
    metadata,
    entries,
    float32: (name) => load(name, 'float32') as Promise<Float32Array>,
    float64: (name) => load(name, 'float64') as Promise<Float64Array>,
    int32: (name) => load(name, 'int32') as Promise<Int32Array>,
  };
}

async function readHeaderLength(source: ByteSource, size: number): Promise<number> {
  const b = await readExactly(source, 0, 8);
  const n = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw bad(source.name, `header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  if (n > BigInt(size - 8)) {
    throw bad(source.name, `header length ${n} is past the end of the file (${size} bytes); the file may be truncated`);
  }
  return Number(n);
}

function parseHeaderJson(file: string, bytes: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw bad(file, 'header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    const why = String((e as Error)?.message ?? e)
      .split('\n')[0]
      .slice(0, 200);
    throw bad(file, `header is not valid JSON (${why})`);
  }
  if (!isPlainObject(header)) throw bad(file, 'header is not a JSON object');
  return header;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseMetadata(file: string, meta: unknown): Record<string, string> {
  if (meta === undefined) return {};
  if (!isPlainObject(meta)) throw bad(file, '__metadata__ is not a JSON object');
  for (const [k, v] of Object.entries(meta)) {
    if (typeof v !== 'string') throw bad(file, `__metadata__ value for ${quote(k)} is not a string`);
  }
  return Object.fromEntries(Object.entries(meta)) as Record<string, string>;
}

function parseDtype(file: string, tensor: string, dtype: unknown): SafetensorsDtype {
  if (typeof dtype === 'string' && isSupportedDtype(dtype)) return dtype;
  if (typeof dtype === 'string' && UNSUPPORTED_DTYPES.has(dtype)) {
    throw new CamtlError(
      'UNSUPPORTED',
      `${file}: tensor ${tensor} has dtype ${dtype}, which camtl does not read`,
      `supported dtypes: ${Object.keys(DTYPE_SIZES).join(', ')}; convert the checkpoint to float32 first`,
    );
  }
  throw bad(file, `tensor ${tensor} has unknown dtype ${quote(dtype)}`);
}

function parseEntry(file: string, name: string, info: unknown, dataSize: number): SafetensorsEntry {
  const t = quote(name);
  if (!isPlainObject(info)) throw bad(file, `tensor ${t} is not a JSON object`);
  const dtype = parseDtype(file, t, info.dtype);
  const shape = info.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw bad(file, `tensor ${t} has an invalid shape ${quote(shape)} (needs non-negative integers)`);
  }
  const offsets = info.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw bad(file, `tensor ${t} has invalid data_offsets ${quote(offsets)} (needs two non-negative integers)`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw bad(file, `tensor ${t} has data_offsets [${begin}, ${end}] with begin > end`);
  if (end > dataSize) {
    throw bad(
      file,
      `tensor ${t} ends at byte ${end}, past the ${dataSize}-byte data buffer; the file may be truncated`,
    );
  }
  const expected = byteLength(shape as number[], DTYPE_SIZES[dtype]);
  if (expected !== end - begin) {
    const need = expected === undefined ? 'more than the file holds' : `${expected} bytes`;
    throw bad(file, `tensor ${t} (${dtype} [${shape}]) needs ${need} but data_offsets span ${end - begin}`);
  }
  return { dtype, shape: (shape as number[]).slice(), begin, end };
}

/** numel × itemsize, or undefined when it exceeds the safe-integer range. */
function byteLength(shape: number[], itemSize: number): number | undefined {
  let n = itemSize;
  for (const d of shape) {
    n *= d;
    if (!Number.isSafeInteger(n)) return undefined;
  }
  return n;
}

function checkOverlaps(file: string, entries: Map<string, SafetensorsEntry>): void {
  const spans = [...entries].filter(([, e]) => e.end > e.begin).sort((a, b) => a[1].begin - b[1].begin);
  for (let i = 1; i < spans.length; i++) {
    const [prevName, prev] = spans[i - 1];
    const [name, cur] = spans[i];
    if (cur.begin < prev.end) {
      throw bad(
        file,
        `tensor ${quote(name)} [${cur.begin}, ${cur.end}) overlaps tensor ${quote(prevName)} [${prev.begin}, ${prev.end})`,
      );
    }
  }
}
