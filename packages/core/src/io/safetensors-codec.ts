/**
 * Byte-level helpers for safetensors: dtype tables, little-endian decoding
 * into typed arrays (safe for unaligned offsets and big-endian hosts), and
 * float16 / bfloat16 decoding. Internal to io/; the public API is in
 * safetensors.ts.
 */

/** The dtypes camtl reads, with their item sizes in bytes. */
export const DTYPE_SIZES = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
} as const;

export type SafetensorsDtype = keyof typeof DTYPE_SIZES;

/** Dtypes the safetensors spec defines but camtl does not read. */
export const UNSUPPORTED_DTYPES: ReadonlySet<string> = new Set([
  'U16',
  'U32',
  'U64',
  'F8_E4M3',
  'F8_E5M2',
  'F8_E8M0',
  'E8M0',
  'F6_E2M3',
  'F6_E3M2',
  'F4',
  'C64',
]);

export function isSupportedDtype(dtype: string): dtype is SafetensorsDtype {
  return Object.prototype.hasOwnProperty.call(DTYPE_SIZES, dtype);
}

/** True when this host stores multi-byte numbers little-endian (almost always). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A fresh, offset-0 copy of `bytes`. (Not `bytes.slice()`: on a Node Buffer,
 * which ByteSources may return, slice() is a view of the shared pool.)
 */
export function copyBytes(bytes: Uint8Array, length = bytes.byteLength): Uint8Array {
  const out = new Uint8Array(length);
  out.set(bytes.subarray(0, length));
  return out;
}

type WordArray = Float64Array | Float32Array | Int32Array | Int16Array | Uint16Array;
type WordCtor = { new (length: number): WordArray; new (buffer: ArrayBuffer): WordArray; BYTES_PER_ELEMENT: number };

/**
 * Decodes `bytes` (little-endian, any alignment) into a fresh typed array.
 * The result never aliases `bytes`. `fast` (a byte copy) is only right on
 * little-endian hosts; the DataView path works everywhere (tests run both).
 */
function decodeWords(
  bytes: Uint8Array,
  ctor: WordCtor,
  get: (v: DataView, o: number) => number,
  fast: boolean,
): WordArray {
  const n = Math.floor(bytes.byteLength / ctor.BYTES_PER_ELEMENT);
  if (fast) {
    // The copy starts at offset 0 of its own buffer, so the view is aligned.
    return new ctor(copyBytes(bytes, n * ctor.BYTES_PER_ELEMENT).buffer as ArrayBuffer);
  }
  const out = new ctor(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) out[i] = get(view, i * ctor.BYTES_PER_ELEMENT);
  return out;
}

export const leFloat64 = (b: Uint8Array, fast = HOST_LITTLE_ENDIAN): Float64Array =>
  decodeWords(b, Float64Array, (v, o) => v.getFloat64(o, true), fast) as Float64Array;
export const leFloat32 = (b: Uint8Array, fast = HOST_LITTLE_ENDIAN): Float32Array =>
  decodeWords(b, Float32Array, (v, o) => v.getFloat32(o, true), fast) as Float32Array;
export const leInt32 = (b: Uint8Array, fast = HOST_LITTLE_ENDIAN): Int32Array =>
  decodeWords(b, Int32Array, (v, o) => v.getInt32(o, true), fast) as Int32Array;
export const leInt16 = (b: Uint8Array, fast = HOST_LITTLE_ENDIAN): Int16Array =>
  decodeWords(b, Int16Array, (v, o) => v.getInt16(o, true), fast) as Int16Array;
export const leUint16 = (b: Uint8Array, fast = HOST_LITTLE_ENDIAN): Uint16Array =>
  decodeWords(b, Uint16Array, (v, o) => v.getUint16(o, true), fast) as Uint16Array;

/** Little-endian bytes of a typed array (a copy). */
export function leBytes(data: Float64Array | Float32Array | Int32Array, fast = HOST_LITTLE_ENDIAN): Uint8Array {
  if (fast) return copyBytes(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  const size = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float64Array) view.setFloat64(i * size, data[i], true);
    else if (data instanceof Float32Array) view.setFloat32(i * size, data[i], true);
    else view.setInt32(i * size, data[i], true);
  }
  return out;
}

let f16Table: Float32Array | undefined;

/** IEEE 754 binary16 → number, including subnormals, ±inf and NaN. */
export function f16ToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // zero and subnormals
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** All 65536 half-precision values, built on first use (256 KiB). */
function halfTable(): Float32Array {
  if (!f16Table) {
    f16Table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) f16Table[h] = f16ToNumber(h);
  }
  return f16Table;
}

export function decodeF16(bits: Uint16Array): Float32Array {
  const table = halfTable();
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]];
  return out;
}

/** bfloat16 is the top half of a float32, so widening is exact (NaN payloads kept). */
export function decodeBF16(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const words = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) words[i] = bits[i] << 16;
  return out;
}

/** Signed 64-bit values from little-endian [lo, hi] 32-bit word pairs, as numbers (exact below 2^53). */
export function i64PairsToNumbers<T extends Float32Array | Float64Array>(words: Int32Array, out: T): T {
  for (let i = 0; i < out.length; i++) out[i] = words[2 * i + 1] * 4294967296 + (words[2 * i] >>> 0);
  return out;
}

/** Index of the first 64-bit value that does not fit in int32, or -1. */
export function firstI64OutOfInt32(words: Int32Array): number {
  for (let i = 0; 2 * i + 1 < words.length; i++) {
    if (words[2 * i + 1] !== words[2 * i] >> 31) return i;
  }
  return -1;
}

/** 64-bit value at index i of [lo, hi] pairs, for messages. */
export function i64AsString(words: Int32Array, i: number): string {
  return ((BigInt(words[2 * i + 1]) << 32n) + BigInt(words[2 * i] >>> 0)).toString();
}
