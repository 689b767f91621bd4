import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CamtlError } from '../errors';
import { Rng } from '../rng';
import { fixturePath } from '../testing/fixtures';
import { bytesSource, type ByteSource } from './fs';
import { readSafetensors, serializeSafetensors } from './safetensors';
import { camtlError, rawSafetensors } from './test-helpers';

const FILE = 'bad.safetensors';
const read = (bytes: Uint8Array, name = FILE) => readSafetensors(bytesSource(bytes, name));
const f32 = (n: number) => new Uint8Array(n * 4);

/** Expects reading `bytes` to fail with a CamtlError naming the file (and `parts`, e.g. the tensor). */
async function rejects(bytes: Uint8Array, code: string, ...parts: string[]): Promise<CamtlError> {
  const e = await camtlError(read(bytes));
  expect(e.code).toBe(code);
  expect(e.message).toContain(FILE);
  for (const p of parts) expect(e.message).toContain(p);
  expect(e.message).not.toContain('\n');
  return e;
}

const ok = { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };

describe('readSafetensors rejects malformed files with a CamtlError naming the file', () => {
  it('accepts the baseline file these cases mutate', async () => {
    expect((await read(rawSafetensors(ok, f32(2)))).entries.size).toBe(1);
  });

  it('files shorter than 8 bytes', async () => {
    await rejects(new Uint8Array(0), 'BAD_FILE', 'too short');
    await rejects(new Uint8Array(7), 'BAD_FILE');
  });

  it('a 2^60 header length (no allocation) and other oversize lengths', async () => {
    const e = await rejects(rawSafetensors(ok, f32(2), 2n ** 60n), 'BAD_FILE', String(2n ** 60n), 'limit');
    expect(e.hint).toBeTruthy();
    await rejects(rawSafetensors(ok, f32(2), 2n ** 64n - 1n), 'BAD_FILE');
    await rejects(rawSafetensors(ok, f32(2), 200n), 'BAD_FILE', 'past the end');
  });

  it('a header over 100 MiB is refused before reading it', async () => {
    const size = 8 + 100 * 1024 * 1024 + 16;
    const reads: number[] = [];
    const source: ByteSource = {
      name: FILE,
      size,
      async read(offset, length) {
        reads.push(length);
        const b = new Uint8Array(length);
        if (offset === 0) new DataView(b.buffer).setBigUint64(0, BigInt(size - 8), true);
        return b;
      },
    };
    const e = await camtlError(readSafetensors(source));
    expect(e.message).toContain('limit');
    expect(reads).toEqual([8]);
  });

  it('invalid UTF-8, invalid JSON and non-object headers', async () => {
    await rejects(rawSafetensors(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), 'BAD_FILE', 'UTF-8');
    await rejects(rawSafetensors('{"w": '), 'BAD_FILE', 'JSON');
    await rejects(rawSafetensors('[1, 2]'), 'BAD_FILE', 'not a JSON object');
    await rejects(rawSafetensors('null'), 'BAD_FILE', 'not a JSON object');
    await rejects(rawSafetensors('"str"'), 'BAD_FILE');
    await rejects(rawSafetensors(''), 'BAD_FILE');
    await rejects(rawSafetensors({ w: 5 }), 'BAD_FILE', '"w"');
  });

  it('unknown and unsupported dtypes', async () => {
    const unk = await rejects(rawSafetensors({ w: { ...ok.w, dtype: 'F33' } }, f32(2)), 'BAD_FILE', '"w"', 'F33');
    expect(unk.message).toContain('unknown dtype');
    await rejects(rawSafetensors({ w: { ...ok.w, dtype: 7 } }, f32(2)), 'BAD_FILE', '"w"');
    const fp8 = { w: { dtype: 'F8_E4M3', shape: [8], data_offsets: [0, 8] } };
    const e = await rejects(rawSafetensors(fp8, f32(2)), 'UNSUPPORTED', '"w"', 'F8_E4M3');
    expect(e.hint).toContain('F32');
  });

  it('bad shapes', async () => {
    for (const shape of [[-1], [1.5], ['2'], 'x', null, [2 ** 60]]) {
      await rejects(rawSafetensors({ w: { ...ok.w, shape } }, f32(2)), 'BAD_FILE', '"w"', 'shape');
    }
    const huge = { w: { ...ok.w, shape: [2 ** 40, 2 ** 40] } };
    await rejects(rawSafetensors(huge, f32(2)), 'BAD_FILE', '"w"');
  });

  it('bad data_offsets', async () => {
    for (const data_offsets of [[0], [0, 8, 9], [0, '8'], [-4, 4], [0, 8.5], null]) {
      await rejects(rawSafetensors({ w: { ...ok.w, data_offsets } }, f32(2)), 'BAD_FILE', '"w"', 'data_offsets');
    }
    await rejects(rawSafetensors({ w: { ...ok.w, data_offsets: [8, 0] } }, f32(2)), 'BAD_FILE', '"w"', 'begin > end');
  });

  it('offsets past the data buffer (out of range)', async () => {
    const e = await rejects(rawSafetensors({ w: { ...ok.w, data_offsets: [4, 12] } }, f32(2)), 'BAD_FILE', '"w"', '12');
    expect(e.message).toContain('past');
    const far = { w: { ...ok.w, data_offsets: [2 ** 52, 2 ** 52 + 8] } };
    await rejects(rawSafetensors(far, f32(2)), 'BAD_FILE', '"w"');
  });

  it('byte length that disagrees with the shape and dtype', async () => {
    await rejects(rawSafetensors({ w: { ...ok.w, data_offsets: [0, 4] } }, f32(2)), 'BAD_FILE', '"w"', 'needs 8 bytes');
    await rejects(rawSafetensors({ w: { ...ok.w, dtype: 'F64' } }, f32(2)), 'BAD_FILE', '"w"');
  });

  it('overlapping tensors', async () => {
    const header = {
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
    };
    const e = await rejects(rawSafetensors(header, f32(3)), 'BAD_FILE', 'overlaps');
    expect(e.message).toMatch(/"b".*"a"/);
    const same = { a: header.a, c: { ...header.a } };
    await rejects(rawSafetensors(same, f32(3)), 'BAD_FILE', 'overlaps');
  });

  it('accepts zero-size tensors anywhere, gaps and trailing bytes', async () => {
    const header = {
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      empty: { dtype: 'F32', shape: [0], data_offsets: [4, 4] },
      b: { dtype: 'F32', shape: [1], data_offsets: [12, 16] },
    };
    const st = await read(rawSafetensors(header, f32(5)));
    expect((await st.float32('empty')).length).toBe(0);
  });

  it('bad __metadata__', async () => {
    await rejects(
      rawSafetensors({ __metadata__: { format: 1 }, ...ok }, f32(2)),
      'BAD_FILE',
      '__metadata__',
      '"format"',
    );
    await rejects(rawSafetensors({ __metadata__: ['pt'], ...ok }, f32(2)), 'BAD_FILE', '__metadata__');
    await rejects(rawSafetensors({ __metadata__: null, ...ok }, f32(2)), 'BAD_FILE', '__metadata__');
  });

  it('tensor names with newlines stay on one line in messages', async () => {
    const e = await rejects(rawSafetensors({ 'a\nb': { ...ok.w, dtype: 'XX' } }, f32(2)), 'BAD_FILE', '"a\\nb"');
    expect(e.message.split('\n')).toHaveLength(1);
  });

  it('turns a failing or lying ByteSource into an IO error', async () => {
    const bytes = rawSafetensors(ok, f32(2));
    const failing: ByteSource = {
      name: FILE,
      size: bytes.byteLength,
      read: async () => {
        throw new Error('disk on fire');
      },
    };
    const e = await camtlError(readSafetensors(failing));
    expect(e.code).toBe('IO');
    expect(e.message).toContain('disk on fire');
    const short: ByteSource = { name: FILE, size: bytes.byteLength, read: async () => new Uint8Array(3) };
    expect((await camtlError(readSafetensors(short))).code).toBe('IO');
  });
});

describe('truncated files', () => {
  const full = new Uint8Array(readFileSync(fixturePath('bert-tiny', 'model.safetensors')));
  const headerEnd = 8 + Number(new DataView(full.buffer).getBigUint64(0, true));

  it('every cut point gives a clean BAD_FILE naming the file', async () => {
    const cuts = [
      0,
      1,
      4,
      7,
      8,
      9,
      100,
      headerEnd >> 1,
      headerEnd - 1,
      headerEnd,
      headerEnd + 1,
      headerEnd + 1000,
      (full.length >> 1) + 3,
      full.length - 1,
    ];
    for (const cut of cuts) {
      const e = await camtlError(read(full.subarray(0, cut), 'model.safetensors'));
      expect(e.code, `cut at ${cut}`).toBe('BAD_FILE');
      expect(e.message, `cut at ${cut}`).toContain('model.safetensors');
    }
  });
});

describe('fuzz: random byte mutations', () => {
  const base = serializeSafetensors(
    [
      { name: 'a', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
      { name: 'b', dtype: 'I64', shape: [2], data: new Int32Array([5, -6]) },
      { name: 'c', shape: [1], data: new Float64Array([0.5]) },
    ],
    { format: 'pt' },
  );
  const headerEnd = 8 + Number(new DataView(base.buffer).getBigUint64(0, true));

  const digits = [...base.subarray(8, headerEnd)].flatMap((b, i) => (b >= 0x30 && b <= 0x39 ? [8 + i] : []));

  /** One mutation: a digit in the header (keeps the JSON valid), the length field, the data, or any byte. */
  function mutate(bytes: Uint8Array, rng: Rng): void {
    const r = rng.next();
    if (r < 0.4) bytes[digits[rng.int(digits.length)]] = 0x30 + rng.int(10);
    else if (r < 0.55) bytes[rng.int(8)] ^= 1 << rng.int(8);
    else if (r < 0.7) bytes[headerEnd + rng.int(bytes.length - headerEnd)] = rng.int(256);
    else bytes[rng.int(bytes.length)] = rng.int(256);
  }

  it('300 mutated files each parse or throw a CamtlError (seed 1234)', async () => {
    const rng = new Rng(1234);
    const outcomes = { parsed: 0, rejected: 0 };
    for (let i = 0; i < 300; i++) {
      const bytes = base.slice();
      for (let j = 1 + rng.int(3); j > 0; j--) mutate(bytes, rng);
      const cut = rng.next() < 0.1 ? rng.int(bytes.length) : bytes.length;
      try {
        const st = await read(bytes.subarray(0, cut));
        for (const name of st.entries.keys()) {
          await st.float32(name).catch(expectCamtl);
          await st.float64(name).catch(expectCamtl);
          await st.int32(name).catch(expectCamtl);
        }
        outcomes.parsed++;
      } catch (e) {
        expectCamtl(e, i);
        outcomes.rejected++;
      }
    }
    expect(outcomes.parsed).toBeGreaterThan(20);
    expect(outcomes.rejected).toBeGreaterThan(100);
  });
});

function expectCamtl(e: unknown, i?: number): void {
  if (!(e instanceof CamtlError)) throw new Error(`mutation ${i}: not a CamtlError: ${String(e)}`);
  expect(e.message).toContain(FILE);
  expect(e.message).not.toContain('\n');
}
