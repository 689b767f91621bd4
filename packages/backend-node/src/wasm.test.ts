import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BertModel, applyKernelPatches, isKernelPatched, listKernelPatches, parseBertConfig } from '@camtl/core';
import { maxAbsDiff } from '@camtl/testkit';
import { useNodeBackend } from './select';
import { wasmBinaryFolder } from './wasm';
import { resolveWasmThreads } from './wasm-threads';
import { existsSync } from 'node:fs';

async function on<T>(backend: 'cpu' | 'wasm', f: () => T | Promise<T>): Promise<T> {
  const r = await useNodeBackend({ prefer: backend });
  expect(r.backend).toBe(backend);
  return f();
}

/** Same values on every backend (seeded). */
function fixed(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

const PATCHED = ['UnsortedSegmentSum', 'BatchMatMul', '_FusedMatMul', 'Identity'];

describe('wasm through useNodeBackend', () => {
  it("loads the binaries from the package folder and reports SIMD and 'auto' threads", async () => {
    expect(existsSync(wasmBinaryFolder() + 'tfjs-backend-wasm-simd.wasm')).toBe(true);
    expect(existsSync(wasmBinaryFolder() + 'tfjs-backend-wasm-threaded-simd.wasm')).toBe(true);
    const threads = resolveWasmThreads(process.env.CAMTL_WASM_THREADS ?? 'auto'); // else min(2, cores)
    const r = await useNodeBackend({ prefer: 'wasm' });
    const detail = `SIMD, ${threads} thread${threads === 1 ? '' : 's'}`;
    expect(r).toMatchObject({ backend: 'wasm', choice: 'wasm', detail, skipped: [] });
    expect(r.notes.filter((n) => !n.startsWith('wasm threads'))).toEqual([
      'wasm kernel fixes: UnsortedSegmentSum, BatchMatMul, _FusedMatMul, Identity',
    ]);
    expect(r.notes.filter((n) => n.startsWith('wasm threads'))).toEqual(
      threads > 1 ? [`wasm threads: ${threads} (tfjs's threaded SIMD build, workers started from a file)`] : [],
    );
  });

  it('registers the kernel patches once: selecting again changes nothing', async () => {
    await useNodeBackend({ prefer: 'wasm' });
    const before = PATCHED.map((k) => tf.getKernel(k, 'wasm'));
    await useNodeBackend({ prefer: 'wasm' });
    await useNodeBackend({ prefer: 'auto' });
    const after = PATCHED.map((k) => tf.getKernel(k, 'wasm'));
    after.forEach((k, i) => expect(k).toBe(before[i]));
    expect(listKernelPatches('wasm').length).toBe(PATCHED.length);
    for (const k of PATCHED) expect(isKernelPatched(k, 'wasm')).toBe(true);
    expect(applyKernelPatches('wasm')).toEqual([]);
    expect(isKernelPatched('BatchMatMul', 'cpu')).toBe(false);
  });

  it('matMul with every transpose combination (batched and fused) equals cpu', async () => {
    const run = () =>
      tf.tidy(() => {
        const out: number[][] = [];
        for (const [ta, tb] of [
          [false, false],
          [true, false],
          [false, true],
          [true, true],
        ] as const) {
          const a = fixed(ta ? [2, 7, 5] : [2, 5, 7], 1);
          const b = fixed(tb ? [2, 3, 7] : [2, 7, 3], 2);
          out.push(Array.from(tf.matMul(a, b, ta, tb).dataSync()));
          // Fused (bias + activation) on 2D operands, as camtl's linear layers use it.
          // (tfjs-backend-wasm 4.22's own _FusedMatMul is wrong for batch > 1 with a bias.)
          const a2 = fixed(ta ? [7, 5] : [5, 7], 6);
          const b2 = fixed(tb ? [3, 7] : [7, 3], 7);
          const bias = fixed([3], 3);
          out.push(
            Array.from(
              tf.fused
                .matMul({
                  a: a2 as tf.Tensor2D,
                  b: b2 as tf.Tensor2D,
                  transposeA: ta,
                  transposeB: tb,
                  bias,
                  activation: 'relu',
                })
                .dataSync(),
            ),
          );
        }
        return out;
      });
    const cpu = await on('cpu', run);
    const wasm = await on('wasm', run);
    cpu.forEach((c, i) => expect(maxAbsDiff(wasm[i], c)).toBeLessThan(1e-5));
  });

  it('gather gradients (UnsortedSegmentSum) equal cpu', async () => {
    const run = () =>
      tf.tidy(() => {
        const ids = tf.tensor2d(
          [
            [1, 3, 3],
            [0, 6, 1],
          ],
          [2, 3],
          'int32',
        );
        const w = fixed([2, 3, 4], 5);
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), w)))(fixed([7, 4], 4));
        const s = tf.unsortedSegmentSum(fixed([5, 2], 6), tf.tensor1d([0, 2, 2, 4, 0], 'int32'), 5);
        return [Array.from(g.dataSync()), Array.from(s.dataSync())];
      });
    const cpu = await on('cpu', run);
    const wasm = await on('wasm', run);
    expect(maxAbsDiff(wasm[0], cpu[0])).toBeLessThan(1e-6);
    expect(maxAbsDiff(wasm[1], cpu[1])).toBeLessThan(1e-6);
  });

  it('a small BERT forward and backward equals cpu', async () => {
    const config = parseBertConfig({
      vocab_size: 30,
      hidden_size: 16,
      num_hidden_layers: 2,
      num_attention_heads: 2,
      intermediate_size: 32,
      max_position_embeddings: 16,
      num_labels: 3,
    });
    const run = () => {
      const model = BertModel.create(config, { seed: 7 });
      try {
        const inputIds = tf.tensor2d(
          [
            [2, 5, 7, 9, 3, 0],
            [2, 11, 3, 0, 0, 0],
          ],
          [2, 6],
          'int32',
        );
        const attentionMask = tf.tensor2d(
          [
            [1, 1, 1, 1, 1, 0],
            [1, 1, 1, 0, 0, 0],
          ],
          [2, 6],
          'int32',
        );
        const labels = tf.tensor1d([1, 2], 'int32');
        const vars = model.store.trainable();
        const { value, grads } = tf.variableGrads(
          () => model.forward({ inputIds, attentionMask, labels }).loss as tf.Scalar,
          [...vars.values()],
        );
        const names = [...vars.keys()].sort();
        const out = {
          loss: value.dataSync()[0],
          names,
          grads: names.map((n) => Array.from(grads[vars.get(n)!.name].dataSync())),
        };
        tf.dispose([inputIds, attentionMask, labels, value, ...Object.values(grads)]);
        return out;
      } finally {
        model.dispose();
      }
    };
    const cpu = await on('cpu', run);
    const wasm = await on('wasm', run);
    expect(wasm.names).toEqual(cpu.names);
    expect(cpu.names.length).toBeGreaterThan(20);
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-5);
    cpu.grads.forEach((g, i) => expect(maxAbsDiff(wasm.grads[i], g), cpu.names[i]).toBeLessThan(1e-5));
  });
});
