/**
 * Converts the raw little-endian bytes of one safetensors tensor into the
 * typed array a caller asked for (float32, float64 or int32). Internal to io/.
 */
import { CamtlError } from '../errors';
import {
  copyBytes,
  decodeBF16,
  decodeF16,
  firstI64OutOfInt32,
  i64AsString,
  i64PairsToNumbers,
  leFloat32,
  leFloat64,
  leInt16,
  leInt32,
  leUint16,
  type SafetensorsDtype,
} from './safetensors-codec';

export type TensorKind = 'float32' | 'float64' | 'int32';

/** JSON-quotes a value for a one-line message, truncated to ~120 characters. */
export function quote(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** The values as the dtype's natural JS array (int64 as [lo, hi] int32 word pairs). */
type Natural = Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint8Array;

function natural(bytes: Uint8Array, dtype: Exclude<SafetensorsDtype, 'F16' | 'BF16'>): Natural {
  switch (dtype) {
    case 'F64':
      return leFloat64(bytes);
    case 'F32':
      return leFloat32(bytes);
    case 'I64':
    case 'I32':
      return leInt32(bytes);
    case 'I16':
      return leInt16(bytes);
    case 'I8':
      return new Int8Array(copyBytes(bytes).buffer);
    case 'U8':
      return copyBytes(bytes);
    case 'BOOL':
      return Uint8Array.from(bytes, (b) => (b !== 0 ? 1 : 0));
  }
}

function toFloat<T extends Float32Array | Float64Array>(
  bytes: Uint8Array,
  dtype: SafetensorsDtype,
  out: (n: number) => T,
): T {
  if (dtype === 'F16' || dtype === 'BF16') {
    const halves = (dtype === 'F16' ? decodeF16 : decodeBF16)(leUint16(bytes));
    const result = out(halves.length);
    result.set(halves);
    return result;
  }
  const values = natural(bytes, dtype);
  if (dtype === 'I64') return i64PairsToNumbers(values as Int32Array, out(values.length / 2));
  const result = out(values.length);
  result.set(values);
  return result;
}

function toInt32(bytes: Uint8Array, dtype: SafetensorsDtype, what: string): Int32Array {
  if (dtype === 'F64' || dtype === 'F32' || dtype === 'F16' || dtype === 'BF16') {
    throw new CamtlError('UNSUPPORTED', `${what} is ${dtype}, not an integer tensor`, 'read it with float32() instead');
  }
  const values = natural(bytes, dtype);
  if (dtype === 'I64') {
    const words = values as Int32Array;
    const bad = firstI64OutOfInt32(words);
    if (bad >= 0) {
      throw new CamtlError(
        'BAD_FILE',
        `${what}: int64 value ${i64AsString(words, bad)} at index ${bad} does not fit in int32`,
      );
    }
    const out = new Int32Array(words.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = words[2 * i];
    return out;
  }
  return values instanceof Int32Array ? values : Int32Array.from(values);
}

/** Decodes one tensor's bytes; `what` (file and tensor) prefixes any error. */
export function decodeTensor(bytes: Uint8Array, dtype: SafetensorsDtype, kind: TensorKind, what: string) {
  if (kind === 'int32') return toInt32(bytes, dtype, what);
  if (kind === 'float64') return toFloat(bytes, dtype, (n) => new Float64Array(n));
  if (dtype === 'F32') return leFloat32(bytes);
  return toFloat(bytes, dtype, (n) => new Float32Array(n));
}
