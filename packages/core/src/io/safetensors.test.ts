import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath, readFixtureJson } from '../testing/fixtures';
import { bytesSource } from './fs';
import { readSafetensors, serializeSafetensors } from './safetensors';
import { f16ToNumber, leBytes, leFloat32, leFloat64, leInt16, leInt32, leUint16 } from './safetensors-codec';
import { bertExpectedShapes, camtlError, rawSafetensors } from './test-helpers';

const config = readFixtureJson('bert-tiny', 'config.json');
const open = (file: string) => readSafetensors(bytesSource(readFileSync(fixturePath('bert-tiny', file)), file));

describe('readSafetensors on the bert-tiny fixtures', () => {
  it('reads model.safetensors: 41 F32 tensors whose shapes follow config.json', async () => {
    const st = await open('model.safetensors');
    expect(st.name).toBe('model.safetensors');
    expect(st.metadata).toEqual({ format: 'pt' });
    expect(st.entries.size).toBe(41);
    const expected = bertExpectedShapes(config);
    expect(expected.size).toBe(41);
    for (const [name, shape] of expected) {
      const entry = st.entries.get(name);
      expect(entry, name).toBeDefined();
      expect(entry!.dtype).toBe('F32');
      expect(entry!.shape, name).toEqual(shape);
    }
    expect(st.entries.get('bert.embeddings.word_embeddings.weight')!.shape).toEqual([1000, 64]);
    expect(st.entries.get('classifier.weight')!.shape).toEqual([3, 64]);
    expect(st.entries.get('bert.encoder.layer.1.intermediate.dense.weight')!.shape).toEqual([128, 64]);
  });

  it('reads tensor values (float32 and float64 views agree)', async () => {
    const st = await open('model.safetensors');
    const bias = await st.float32('classifier.bias');
    expect(bias).toBeInstanceOf(Float32Array);
    expect(Array.from(bias)).toEqual([-0.01652946136891842, 0.024989843368530273, -0.07824649661779404]);
    const ln = await st.float64('bert.embeddings.LayerNorm.weight');
    expect(ln.length).toBe(64);
    expect(ln.reduce((a, b) => a + b, 0)).toBeCloseTo(64.79509341716766, 10);
    const words = await st.float32('bert.embeddings.word_embeddings.weight');
    expect(words.length).toBe(64000);
  });

  it('reads the F64 gradients fixture', async () => {
    const st = await open('grads_padded_batch.safetensors');
    expect(st.metadata).toEqual({});
    expect(st.entries.size).toBe(41);
    expect([...st.entries.values()].every((e) => e.dtype === 'F64')).toBe(true);
    const g = await st.float64('classifier.bias');
    expect(Array.from(g)).toEqual([0.10900960772885826, -0.47318596330113927, 0.36417635557228106]);
    const g32 = await st.float32('classifier.bias');
    expect(g32[1]).toBe(Math.fround(-0.47318596330113927));
    const pooler = await st.float64('bert.pooler.dense.weight');
    expect(pooler.reduce((a, b) => a + b, 0)).toBeCloseTo(0.0303476031143278, 12);
  });

  it('reads the BertModel-only fixture (no bert. prefix, no classifier)', async () => {
    const st = await open('bert_model_only.safetensors');
    expect(st.entries.size).toBe(39);
    expect(st.entries.has('embeddings.word_embeddings.weight')).toBe(true);
    expect(st.entries.has('classifier.weight')).toBe(false);
    const w = await st.float32('embeddings.word_embeddings.weight');
    expect(Array.from(w.subarray(0, 3))).toEqual([-0.0558592826128006, -0.24829505383968353, 0.08153685182332993]);
  });

  it('names the file and tensor when a tensor is absent', async () => {
    const st = await open('model.safetensors');
    const e = await camtlError(st.float32('nope.weight'));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toContain('model.safetensors');
    expect(e.message).toContain('"nope.weight"');
  });
});

describe('serializeSafetensors round trips', () => {
  const roundTrip = (bytes: Uint8Array) => readSafetensors(bytesSource(bytes, 'rt.safetensors'));

  it('round-trips F32, F64, I32 and I64 with shapes and metadata', async () => {
    const f32 = new Float32Array([1.5, -2.25, 3e-8, Infinity, -0, NaN]);
    const f64 = new Float64Array([Math.PI, -1e300, 5e-324]);
    const i32 = new Int32Array([0, -1, 2147483647, -2147483648]);
    const i64 = new Float64Array([0, -1, 2 ** 40 + 3, -(2 ** 33) - 5, Number.MAX_SAFE_INTEGER]);
    const bytes = serializeSafetensors(
      [
        { name: 'a', shape: [2, 3], data: f32 },
        { name: 'b', shape: [3], data: f64 },
        { name: 'c', shape: [2, 2], data: i32 },
        { name: 'd', dtype: 'I64', shape: [5], data: i64 },
        { name: 'scalar', shape: [], data: new Float32Array([7]) },
        { name: 'empty', shape: [0, 4], data: new Float32Array(0) },
      ],
      { format: 'pt', note: 'hi' },
    );
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const st = await roundTrip(bytes);
    expect(st.metadata).toEqual({ format: 'pt', note: 'hi' });
    expect([...st.entries.keys()]).toEqual(['a', 'b', 'c', 'd', 'scalar', 'empty']);
    expect(st.entries.get('a')).toMatchObject({ dtype: 'F32', shape: [2, 3] });
    expect(Array.from(await st.float32('a'))).toEqual(Array.from(f32));
    expect(Object.is((await st.float32('a'))[4], -0)).toBe(true);
    expect(Array.from(await st.float64('b'))).toEqual(Array.from(f64));
    expect(Array.from(await st.int32('c'))).toEqual(Array.from(i32));
    expect(st.entries.get('d')!.dtype).toBe('I64');
    expect(Array.from(await st.float64('d'))).toEqual(Array.from(i64));
    expect(Array.from(await st.float32('scalar'))).toEqual([7]);
    expect((await st.float32('empty')).length).toBe(0);
  });

  it('defaults __metadata__ to {format: "pt"} and pads the header with spaces', async () => {
    const bytes = serializeSafetensors([{ name: 'x', shape: [1], data: new Float32Array([1]) }]);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.trimEnd()).toBe(
      '{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"__metadata__":{"format":"pt"}}',
    );
    expect(/^ *$/.test(text.slice(text.trimEnd().length))).toBe(true);
    expect((await roundTrip(bytes)).metadata).toEqual({ format: 'pt' });
  });

  it('keeps names that look like integers or __proto__ in order', async () => {
    const bytes = serializeSafetensors([
      { name: 'z', shape: [1], data: new Float32Array([1]) },
      { name: '0', shape: [1], data: new Float32Array([2]) },
      { name: '__proto__', shape: [1], data: new Float32Array([3]) },
    ]);
    const st = await roundTrip(bytes);
    expect(Array.from(await st.float32('__proto__'))).toEqual([3]);
    expect(Array.from(await st.float32('0'))).toEqual([2]);
  });

  it('reads from a Node Buffer view at an odd offset without aliasing it', async () => {
    const bytes = serializeSafetensors([
      { name: 'x', shape: [3], data: new Float32Array([1, 2, 3]) },
      { name: 'i', shape: [2], data: new Int32Array([-7, 8]) },
    ]);
    const backing = Buffer.alloc(bytes.length + 13);
    backing.set(bytes, 13);
    const view = backing.subarray(13); // a Buffer: its slice() would not copy
    const st = await readSafetensors(bytesSource(view, 'buf.safetensors'));
    const x = await st.float32('x');
    expect(Array.from(x)).toEqual([1, 2, 3]);
    expect(Array.from(await st.int32('i'))).toEqual([-7, 8]);
    x[0] = 99;
    expect(Array.from(await st.float32('x'))).toEqual([1, 2, 3]);
  });

  it('converts between array types and dtypes', async () => {
    const bytes = serializeSafetensors([
      { name: 'f64as32', dtype: 'F32', shape: [2], data: new Float64Array([0.1, 2]) },
      { name: 'i32asf64', dtype: 'F64', shape: [2], data: new Int32Array([-3, 4]) },
      { name: 'intsAsI32', dtype: 'I32', shape: [2], data: new Float32Array([-3, 4]) },
    ]);
    const st = await roundTrip(bytes);
    expect(Array.from(await st.float32('f64as32'))).toEqual([Math.fround(0.1), 2]);
    expect(Array.from(await st.float64('i32asf64'))).toEqual([-3, 4]);
    expect(Array.from(await st.int32('intsAsI32'))).toEqual([-3, 4]);
  });

  it('rejects shape/data mismatches, duplicate names and non-integer ints', async () => {
    const one = new Float32Array([1]);
    const mismatch = await camtlError(() => serializeSafetensors([{ name: 'w', shape: [2, 2], data: one }]));
    expect(mismatch.code).toBe('SHAPE_MISMATCH');
    expect(mismatch.message).toContain('"w"');
    const dup = await camtlError(() =>
      serializeSafetensors(
        [
          { name: 'w', shape: [1], data: one },
          { name: 'w', shape: [1], data: one },
        ],
        undefined,
        { name: 'out/model.safetensors' },
      ),
    );
    expect(dup.message).toMatch(/^out\/model\.safetensors: tensor "w": duplicate/);
    await camtlError(() =>
      serializeSafetensors([{ name: 'i', dtype: 'I32', shape: [1], data: new Float32Array([0.5]) }]),
    );
    await camtlError(() =>
      serializeSafetensors([{ name: 'i', dtype: 'I64', shape: [1], data: new Float64Array([2 ** 60]) }]),
    );
    await camtlError(() => serializeSafetensors([{ name: 's', shape: [-1], data: new Float32Array(0) }]));
    await camtlError(() => serializeSafetensors([{ name: '__metadata__', shape: [1], data: one }]));
    await camtlError(() => serializeSafetensors([], { format: 3 as unknown as string }));
  });
});

/** A one-tensor file whose data bytes are given by hand. */
function handMade(dtype: string, shape: number[], data: number[], pad = 0): Uint8Array {
  const bytes = new Uint8Array([...new Array(pad).fill(0), ...data]);
  return rawSafetensors({ t: { dtype, shape, data_offsets: [pad, pad + data.length] } }, bytes);
}
const hand = (dtype: string, shape: number[], data: number[], pad = 0) =>
  readSafetensors(bytesSource(handMade(dtype, shape, data, pad), 'hand.safetensors'));

describe('dtype decoding from hand-made bytes', () => {
  it('decodes F16 normals, subnormals, zeros, inf and nan', async () => {
    // little-endian u16 words
    const words = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x0400, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x3555];
    const bytes = words.flatMap((w) => [w & 0xff, w >> 8]);
    const st = await hand('F16', [words.length], bytes);
    const v = await st.float32('t');
    expect(v[0]).toBe(1);
    expect(v[1]).toBe(-2);
    expect(v[2]).toBe(65504);
    expect(v[3]).toBe(2 ** -24); // smallest subnormal
    expect(v[4]).toBe(1023 * 2 ** -24); // largest subnormal
    expect(v[5]).toBe(2 ** -14); // smallest normal
    expect(Object.is(v[6], -0)).toBe(true);
    expect(v[7]).toBe(Infinity);
    expect(v[8]).toBe(-Infinity);
    expect(Number.isNaN(v[9])).toBe(true);
    expect(v[10]).toBe(Math.fround(0.333251953125));
    expect(f16ToNumber(0x3555)).toBe(0.333251953125);
    expect(Array.from(await st.float64('t')).slice(0, 6)).toEqual([1, -2, 65504, 2 ** -24, 1023 * 2 ** -24, 2 ** -14]);
  });

  it('decodes BF16 including subnormals, inf and nan', async () => {
    const words = [0x3f80, 0xc040, 0x0001, 0x8000, 0x7f80, 0xff80, 0x7fc0, 0x4049];
    const bytes = words.flatMap((w) => [w & 0xff, w >> 8]);
    const v = await (await hand('BF16', [2, 4], bytes)).float32('t');
    expect(v[0]).toBe(1);
    expect(v[1]).toBe(-3);
    expect(v[2]).toBe(2 ** -133); // smallest bf16 subnormal (0x00010000 as f32)
    expect(Object.is(v[3], -0)).toBe(true);
    expect(v[4]).toBe(Infinity);
    expect(v[5]).toBe(-Infinity);
    expect(Number.isNaN(v[6])).toBe(true);
    expect(v[7]).toBe(3.140625);
  });

  it('decodes F32/F64 at unaligned offsets, little-endian', async () => {
    const f32 = await hand('F32', [1], [0x00, 0x00, 0xc0, 0x3f], 1); // 1.5 at data offset 1
    expect(Array.from(await f32.float32('t'))).toEqual([1.5]);
    const f64 = [0, 0, 0, 0, 0, 0, 0x04, 0xc0]; // -2.5
    expect(Array.from(await (await hand('F64', [1], f64, 3)).float64('t'))).toEqual([-2.5]);
  });

  it('decodes integer dtypes to int32, float32 and float64', async () => {
    const i16 = await hand('I16', [3], [0xff, 0xff, 0x00, 0x80, 0x05, 0x00], 1);
    expect(Array.from(await i16.int32('t'))).toEqual([-1, -32768, 5]);
    expect(Array.from(await i16.float32('t'))).toEqual([-1, -32768, 5]);
    const i8 = await hand('I8', [2], [0xfe, 0x7f]);
    expect(Array.from(await i8.int32('t'))).toEqual([-2, 127]);
    const u8 = await hand('U8', [2], [0xfe, 0x7f]);
    expect(Array.from(await u8.float64('t'))).toEqual([254, 127]);
    const bool = await hand('BOOL', [3], [0, 1, 2]);
    expect(Array.from(await bool.int32('t'))).toEqual([0, 1, 1]);
    expect(Array.from(await bool.float32('t'))).toEqual([0, 1, 1]);
    const i32 = await hand('I32', [1], [0xfe, 0xff, 0xff, 0xff], 2);
    expect(Array.from(await i32.int32('t'))).toEqual([-2]);
  });

  it('reads I64 into int32 when it fits, and refuses values that do not', async () => {
    const le64 = (v: bigint) =>
      Array.from({ length: 8 }, (_, i) => Number((BigInt.asUintN(64, v) >> BigInt(8 * i)) & 0xffn));
    const ok = await hand('I64', [3], [...le64(-5n), ...le64(2147483647n), ...le64(-2147483648n)], 4);
    expect(Array.from(await ok.int32('t'))).toEqual([-5, 2147483647, -2147483648]);
    const big = await hand('I64', [2], [...le64(1n), ...le64(2n ** 31n)]);
    const e = await camtlError(big.int32('t'));
    expect(e.message).toContain('hand.safetensors');
    expect(e.message).toContain('"t"');
    expect(e.message).toContain('2147483648');
    expect(Array.from(await big.float64('t'))).toEqual([1, 2 ** 31]);
    const neg = await hand('I64', [1], le64(-(2n ** 40n)));
    expect(Array.from(await neg.float32('t'))).toEqual([-(2 ** 40)]);
    await camtlError(neg.int32('t'));
  });

  it('refuses int32() on float tensors', async () => {
    const f = await hand('F32', [1], [0, 0, 0x80, 0x3f]);
    const e = await camtlError(f.int32('t'));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toContain('hand.safetensors');
  });
});

describe('byte order', () => {
  it('the DataView path (big-endian hosts) agrees with the fast path, at odd offsets', () => {
    const raw = new Uint8Array(67);
    for (let i = 0; i < raw.length; i++) raw[i] = (i * 37 + 11) & 0xff;
    const odd = raw.subarray(3, 3 + 64);
    const same = (a: ArrayLike<number>, b: ArrayLike<number>) =>
      expect(Array.from(a).map(String)).toEqual(Array.from(b).map(String));
    same(leFloat64(odd, false), leFloat64(odd, true));
    same(leFloat32(odd, false), leFloat32(odd, true));
    same(leInt32(odd, false), leInt32(odd, true));
    same(leInt16(odd, false), leInt16(odd, true));
    same(leUint16(odd, false), leUint16(odd, true));
    expect(leFloat32(new Uint8Array([0, 0, 0xc0, 0x3f]), false)[0]).toBe(1.5);
    for (const arr of [
      new Float64Array([1.5, -0, 1e-310]),
      new Float32Array([3.25, -7]),
      new Int32Array([-2, 1 << 30]),
    ]) {
      expect(Array.from(leBytes(arr, false))).toEqual(Array.from(leBytes(arr, true)));
    }
  });
});
