import { CamtlError } from '@camtl/core';

/**
 * Which examples of each task a sampler has ever returned. One bit per
 * example keeps the state small (GLUE's 950k training rows fit in ~120 kB)
 * and serialises as base64, so "% of data used" survives a resume exactly.
 */
export class UsageTracker {
  private readonly bits: Uint8Array[];
  private readonly counts: number[];

  constructor(private readonly sizes: readonly number[]) {
    this.bits = sizes.map((n) => new Uint8Array(Math.ceil(n / 8)));
    this.counts = sizes.map(() => 0);
  }

  mark(task: number, index: number): void {
    const byte = index >>> 3;
    const mask = 1 << (index & 7);
    const row = this.bits[task];
    if ((row[byte] & mask) === 0) {
      row[byte] |= mask;
      this.counts[task] += 1;
    }
  }

  has(task: number, index: number): boolean {
    return (this.bits[task][index >>> 3] & (1 << (index & 7))) !== 0;
  }

  usage(): { overall: number; perTask: number[] } {
    const total = this.sizes.reduce((a, b) => a + b, 0);
    const used = this.counts.reduce((a, b) => a + b, 0);
    return {
      overall: total > 0 ? used / total : 0,
      perTask: this.counts.map((c, t) => (this.sizes[t] > 0 ? c / this.sizes[t] : 0)),
    };
  }

  toJSON(): string[] {
    return this.bits.map(encodeBase64);
  }

  restore(encoded: unknown): void {
    if (!Array.isArray(encoded) || encoded.length !== this.bits.length) {
      throw new CamtlError('BAD_INPUT', 'sampler state: usage must hold one bitset per task');
    }
    encoded.forEach((text, t) => {
      const bytes = typeof text === 'string' ? decodeBase64(text) : undefined;
      if (!bytes || bytes.length !== this.bits[t].length) {
        throw new CamtlError('BAD_INPUT', `sampler state: usage bitset of task ${t} has the wrong length`);
      }
      this.bits[t].set(bytes);
      this.counts[t] = popcount(bytes);
    });
  }
}

function popcount(bytes: Uint8Array): number {
  let n = 0;
  for (let b of bytes) {
    while (b) {
      n += b & 1;
      b >>>= 1;
    }
  }
  return n;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Plain base64, written out so the package runs unchanged in Node and browsers. */
export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET[(n >>> 18) & 63] + ALPHABET[(n >>> 12) & 63];
    out += i + 1 < bytes.length ? ALPHABET[(n >>> 6) & 63] : '=';
    out += i + 2 < bytes.length ? ALPHABET[n & 63] : '=';
  }
  return out;
}

export function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  for (let i = 0, o = 0; i < text.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = text[i + j];
      const v = c === '=' ? 0 : ALPHABET.indexOf(c);
      if (v < 0) return undefined;
      n = (n << 6) | v;
    }
    for (let j = 0; j < 3 && o < out.length; j++) out[o++] = (n >>> (16 - 8 * j)) & 255;
  }
  return out;
}
