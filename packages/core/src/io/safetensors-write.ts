/**
 * Writes safetensors files that the reference implementation (and PyTorch's
 * `safetensors.torch.load_file`) reads: header JSON padded with spaces to a
 * multiple of 8 bytes, tensors laid out contiguously in the order given.
 */
import { CamtlError } from '../errors';
import { leBytes } from './safetensors-codec';
import { quote } from './safetensors-decode';

export interface SafetensorsTensor {
  name: string;
  /** On-disk dtype; defaults to the array's type (F32, F64 or I32). */
  dtype?: 'F32' | 'F64' | 'I32' | 'I64';
  shape: number[];
  data: Float32Array | Float64Array | Int32Array;
}

export interface SerializeOptions {
  /** Names the destination in error messages (default "safetensors"). */
  name?: string;
}

type OutDtype = NonNullable<SafetensorsTensor['dtype']>;

function defaultDtype(data: SafetensorsTensor['data']): OutDtype | undefined {
  if (data instanceof Float32Array) return 'F32';
  if (data instanceof Float64Array) return 'F64';
  if (data instanceof Int32Array) return 'I32';
  return undefined;
}

function checkIntegers(data: SafetensorsTensor['data'], lo: number, hi: number, what: string): void {
  if (data instanceof Int32Array) return;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new CamtlError('BAD_INPUT', `${what}: value ${v} at index ${i} is not an integer in range`);
    }
  }
}

/** int64 as little-endian [lo, hi] int32 word pairs. */
function int64Words(data: SafetensorsTensor['data']): Int32Array {
  const words = new Int32Array(data.length * 2);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    words[2 * i] = v % 4294967296 | 0;
    words[2 * i + 1] = Math.floor(v / 4294967296) | 0;
  }
  return words;
}

function encode(t: SafetensorsTensor, dtype: OutDtype, what: string): Uint8Array {
  switch (dtype) {
    case 'F32':
      return leBytes(t.data instanceof Float32Array ? t.data : Float32Array.from(t.data));
    case 'F64':
      return leBytes(t.data instanceof Float64Array ? t.data : Float64Array.from(t.data));
    case 'I32':
      checkIntegers(t.data, -2147483648, 2147483647, what);
      return leBytes(t.data instanceof Int32Array ? t.data : Int32Array.from(t.data));
    case 'I64':
      checkIntegers(t.data, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, what);
      return leBytes(int64Words(t.data));
  }
}

function isWellFormed(s: string): boolean {
  return new TextDecoder().decode(new TextEncoder().encode(s)) === s;
}

function validate(t: SafetensorsTensor, seen: Set<string>, file: string): OutDtype {
  const what = `${file}: tensor ${quote(t?.name)}`;
  if (typeof t?.name !== 'string' || t.name === '__metadata__' || !isWellFormed(t.name)) {
    throw new CamtlError('BAD_INPUT', `${what}: invalid tensor name`);
  }
  if (seen.has(t.name)) throw new CamtlError('BAD_INPUT', `${what}: duplicate tensor name`);
  seen.add(t.name);
  const dtype = t.dtype ?? defaultDtype(t.data);
  if (dtype === undefined || !['F32', 'F64', 'I32', 'I64'].includes(dtype) || defaultDtype(t.data) === undefined) {
    throw new CamtlError(
      'BAD_INPUT',
      `${what}: needs dtype F32, F64, I32 or I64 and a Float32Array, Float64Array or Int32Array`,
    );
  }
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new CamtlError('BAD_INPUT', `${what}: shape ${quote(t.shape)} must be non-negative integers`);
  }
  const numel = t.shape.reduce((a, b) => a * b, 1);
  if (numel !== t.data.length) {
    throw new CamtlError(
      'SHAPE_MISMATCH',
      `${what}: shape [${t.shape}] needs ${numel} values, data has ${t.data.length}`,
    );
  }
  return dtype;
}

function headerBytes(entries: string[], metadata: Record<string, string>): Uint8Array {
  const meta = `${JSON.stringify('__metadata__')}:${JSON.stringify(metadata)}`;
  // __metadata__ last, as the reference implementation writes it.
  const json = new TextEncoder().encode(`{${[...entries, meta].join(',')}}`);
  const padded = Math.ceil(json.byteLength / 8) * 8;
  const out = new Uint8Array(padded).fill(0x20);
  out.set(json);
  return out;
}

function checkMetadata(metadata: Record<string, string>, file: string): Record<string, string> {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new CamtlError('BAD_INPUT', `${file}: metadata must be an object of strings`);
  }
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string' || !isWellFormed(k) || !isWellFormed(v)) {
      throw new CamtlError('BAD_INPUT', `${file}: metadata ${quote(k)} must be a string`);
    }
  }
  return Object.fromEntries(Object.entries(metadata));
}

/** Serializes tensors (in the order given) into safetensors bytes. */
export function serializeSafetensors(
  tensors: SafetensorsTensor[],
  metadata: Record<string, string> = { format: 'pt' },
  options: SerializeOptions = {},
): Uint8Array {
  const file = options.name ?? 'safetensors';
  const meta = checkMetadata(metadata, file);
  const seen = new Set<string>();
  const entries: string[] = [];
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const t of tensors) {
    const dtype = validate(t, seen, file);
    const bytes = encode(t, dtype, `${file}: tensor ${quote(t.name)}`);
    const info = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes.byteLength] };
    entries.push(`${JSON.stringify(t.name)}:${JSON.stringify(info)}`);
    blobs.push(bytes);
    offset += bytes.byteLength;
  }
  const header = headerBytes(entries, meta);
  const out = new Uint8Array(8 + header.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.byteLength), true);
  out.set(header, 8);
  let at = 8 + header.byteLength;
  for (const b of blobs) {
    out.set(b, at);
    at += b.byteLength;
  }
  return out;
}
