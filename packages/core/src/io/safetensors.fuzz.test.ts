import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../backend';
import { loadBertModel } from '../bert/load';
import { applyMutations, FuzzCounter, jsonMutations, loadsOrNamesFile } from '../testing/fuzz';
import { fixturePath } from '../testing/fixtures';
import { bytesSource, memoryFileSystem } from './fs';
import { readSafetensors } from './safetensors';
import { DTYPE_SIZES, UNSUPPORTED_DTYPES } from './safetensors-codec';
import { rawSafetensors } from './test-helpers';

const FILE = 'm/model.safetensors';
const DTYPES = [...Object.keys(DTYPE_SIZES), ...UNSUPPORTED_DTYPES, 'f32', '', 'F32 '];

/** A small file with every dtype camtl reads, back to back (some offsets unaligned). */
function baseFile(): { header: Record<string, unknown>; data: Uint8Array } {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt', note: 'fuzz' } };
  let at = 0;
  for (const [dtype, size] of Object.entries(DTYPE_SIZES)) {
    const shape = [2, 3];
    header[`t.${dtype}`] = { dtype, shape, data_offsets: [at, at + 6 * size] };
    at += 6 * size;
  }
  header.scalar = { dtype: 'F32', shape: [], data_offsets: [at, at + 4] };
  header.empty = { dtype: 'F32', shape: [0, 5], data_offsets: [at + 4, at + 4] };
  // Non-zero low bytes only: every I64 value fits in int32, so int32() of the base succeeds.
  const data = new Uint8Array(at + 4).map((_, i) => (i % 8 === 0 ? (i * 37 + 11) & 0x7f : 0));
  return { header, data };
}

const BASE = baseFile();

const INTEGER = /^(I|U|BOOL)/;

/** Reads the header, then every tensor as float32 and float64 (and int32 for integer dtypes). */
async function readEverything(bytes: Uint8Array): Promise<void> {
  const file = await readSafetensors(bytesSource(bytes, FILE));
  for (const [name, entry] of file.entries) {
    await file.float32(name);
    await file.float64(name);
    if (INTEGER.test(entry.dtype)) await file.int32(name);
  }
}

const lie = fc.oneof(
  fc.record({ kind: fc.constant('dtype' as const), tensor: fc.nat(), value: fc.constantFrom(...DTYPES) }),
  fc.record({
    kind: fc.constant('offsets' as const),
    tensor: fc.nat(),
    value: fc.tuple(
      fc.oneof(fc.nat({ max: 400 }), fc.constantFrom(-1, 2 ** 32, 2 ** 53, 1.5)),
      fc.oneof(fc.nat({ max: 400 }), fc.constantFrom(-1, 2 ** 53, 2 ** 64)),
    ),
  }),
  fc.record({
    kind: fc.constant('shape' as const),
    tensor: fc.nat(),
    value: fc.array(fc.oneof(fc.nat({ max: 10 }), fc.constantFrom(-1, 0, 2 ** 31, 2 ** 53, 1e300, 0.5)), {
      maxLength: 6,
    }),
  }),
);

describe('fuzz safetensors', () => {
  it('the base file these cases mutate reads whole', async () => {
    await readEverything(rawSafetensors(BASE.header, BASE.data));
  });

  it('header JSON mutations and offsets/dtype/shape lies: read or a CamtlError naming the file', async () => {
    const count = new FuzzCounter('safetensors header');
    const names = Object.keys(BASE.header).filter((n) => n !== '__metadata__');
    await fc.assert(
      fc.asyncProperty(jsonMutations(BASE.header), async (mutations) => {
        const bytes = rawSafetensors(applyMutations(BASE.header, mutations), BASE.data);
        count.add(await loadsOrNamesFile(() => readEverything(bytes), FILE));
      }),
      { numRuns: 2000, seed: 31 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(lie, { minLength: 1, maxLength: 3 }), async (lies) => {
        const header = structuredClone(BASE.header) as Record<string, Record<string, unknown>>;
        for (const l of lies) {
          const name = names[l.tensor % names.length];
          header[name][l.kind === 'offsets' ? 'data_offsets' : l.kind] = l.value;
        }
        count.add(await loadsOrNamesFile(() => readEverything(rawSafetensors(header, BASE.data)), FILE));
      }),
      { numRuns: 2000, seed: 32 },
    );
    count.print();
  });

  it('byte damage: truncation, flipped bytes, header lengths up to 2^64 - 1', async () => {
    const count = new FuzzCounter('safetensors bytes');
    const file = rawSafetensors(BASE.header, BASE.data);
    const damage = fc.record({
      truncateAt: fc.option(fc.nat({ max: file.length })),
      flips: fc.array(fc.tuple(fc.nat({ max: file.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      headerLength: fc.option(
        fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 2000n })),
      ),
    });
    await fc.assert(
      fc.asyncProperty(damage, async (d) => {
        let bytes = file.slice();
        for (const [at, value] of d.flips) bytes[at] = value;
        if (d.headerLength !== null) new DataView(bytes.buffer).setBigUint64(0, d.headerLength, true);
        if (d.truncateAt !== null) bytes = bytes.slice(0, d.truncateAt);
        count.add(await loadsOrNamesFile(() => readEverything(bytes), FILE));
      }),
      { numRuns: 2000, seed: 33 },
    );
    count.print();
  });

  it('bert-tiny with a mutated header through loadBertModel: loads, or an error naming the file', async () => {
    await useBackend('cpu');
    const count = new FuzzCounter('safetensors checkpoint');
    const weights = new Uint8Array(readFileSync(fixturePath('bert-tiny', 'model.safetensors')));
    const headerLength = Number(new DataView(weights.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(weights.subarray(8, 8 + headerLength)));
    const data = weights.subarray(8 + headerLength);
    const config = readFileSync(fixturePath('bert-tiny', 'config.json'));
    await fc.assert(
      fc.asyncProperty(jsonMutations(header), async (mutations) => {
        const fs = memoryFileSystem({
          'm/config.json': config,
          [FILE]: rawSafetensors(applyMutations(header, mutations), data),
        });
        const outcome = await loadsOrNamesFile(async () => (await loadBertModel('m', fs)).model.dispose(), FILE);
        count.add(outcome);
      }),
      { numRuns: 300, seed: 34 },
    );
    count.print();
    expect(count.total).toBe(300);
  });
});
