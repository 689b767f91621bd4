// WebGPU in Node through Dawn (npm `webgpu`), on Chromium's SwiftShader here:
// a software Vulkan driver, so this checks correctness, not speed. Skipped,
// with the reason printed, where the pieces are missing.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BertModel, loadBertModel, parseBertConfig, saveBertModel } from '@camtl/core';
import { nodeFileSystem } from './node-fs';
import { tinyBertStep, worstViolation } from '@camtl/testkit';
import { defaultLoader } from './loader';
import { useNodeBackend } from './select';
import { nodeSystem } from './system';
import { SWIFTSHADER_ICD, WEBGPU_SYNC_READ } from './webgpu';

/** Agreement with cpu: |webgpu − cpu| ≤ ATOL + RTOL·|cpu| (SwiftShader's f32 maths differs from JS by ~1e-5 to 1e-4). */
const ATOL = 1e-4;
const RTOL = 1e-4;

function missing(): string | undefined {
  try {
    defaultLoader.resolve('webgpu');
  } catch {
    return 'the optional npm package `webgpu` is not installed';
  }
  if (process.platform !== 'linux') return undefined;
  if (!nodeSystem().findLibrary('libvulkan.so.1')) return 'libvulkan.so.1 is missing (apt-get install libvulkan1)';
  const icd = process.env.VK_ICD_FILENAMES;
  if (icd && !icd.split(':').every((f) => nodeSystem().fileExists(f))) return `VK_ICD_FILENAMES=${icd} does not exist`;
  if (!icd && !nodeSystem().fileExists(SWIFTSHADER_ICD)) {
    return `no Vulkan ICD for a software adapter: apt-get install chromium (for ${SWIFTSHADER_ICD}) or set VK_ICD_FILENAMES`;
  }
  return undefined;
}

const why = missing();
if (why) console.warn(`[webgpu tests skipped] ${why}`);

describe.skipIf(!!why)('WebGPU through Dawn', () => {
  it('is selected on request, reports the adapter, and says it is a software adapter', async () => {
    const r = await useNodeBackend({ prefer: 'webgpu' });
    console.log(`[webgpu here] ${r.summary}`);
    expect(r.backend).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(r.versions).toMatchObject({ 'tfjs-core': '4.22.0', 'tfjs-backend-webgpu': '4.22.0' });
    expect(r.versions.webgpu).toMatch(/^\d+\.\d+\.\d+/);
    if (/swiftshader/i.test(process.env.VK_ICD_FILENAMES ?? '')) {
      expect(r.device).toMatch(/^software GPU google swiftshader/);
      expect(r.summary).toMatch(
        /^backend webgpu \(google swiftshader, software adapter: for correctness, slower than cpu\)/,
      );
    }
    // Not part of auto: auto still picks wasm here.
    expect((await useNodeBackend()).backend).toBe('wasm');
  });

  it(`matMul (with transposes) equals cpu within ${ATOL} + ${RTOL}·|x|`, async () => {
    const run = () =>
      tf.tidy(() =>
        (
          [
            [false, false],
            [true, false],
            [false, true],
          ] as const
        ).map(([ta, tb]) => {
          const a = tf.randomNormal(ta ? [2, 33, 17] : [2, 17, 33], 0, 1, 'float32', 1);
          const b = tf.randomNormal(tb ? [2, 9, 33] : [2, 33, 9], 0, 1, 'float32', 2);
          return tf.matMul(a, b, ta, tb);
        }),
      );
    const read = async (ts: tf.Tensor[]) => Promise.all(ts.map(async (t) => Array.from(await t.data())));
    await useNodeBackend({ prefer: 'cpu' });
    const cpu = await read(run());
    await useNodeBackend({ prefer: 'webgpu' });
    const gpu = await read(run());
    cpu.forEach((c, i) => expect(worstViolation(gpu[i], c, ATOL, RTOL)).toBeLessThanOrEqual(0));
  });

  it('synchronous reads of GPU data fail with a message saying what to do; CPU-side data still reads', async () => {
    await useNodeBackend({ prefer: 'webgpu' });
    const x = tf.ones([64, 64]);
    expect(x.dataSync()[0]).toBe(1); // still on the CPU: not uploaded yet
    const y = tf.matMul(x, x); // big enough to run on the GPU (small ops may run on the CPU)
    expect(() => y.dataSync()).toThrow(WEBGPU_SYNC_READ);
    expect((await y.data())[0]).toBe(64);
    tf.dispose([x, y]);
  });

  it('a checkpoint saved with nodeFileSystem loads and runs on webgpu as on cpu (the camtl forward flow, with async reads)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'camtl-webgpu-'));
    const fs = nodeFileSystem();
    await useNodeBackend({ prefer: 'cpu' });
    const config = parseBertConfig({
      vocab_size: 40,
      hidden_size: 16,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      intermediate_size: 24,
      max_position_embeddings: 16,
      num_labels: 3,
    });
    const saved = BertModel.create(config, { seed: 5 });
    await saveBertModel(saved, join(dir, 'm'), fs);
    saved.dispose();
    const forward = async () => {
      const { model } = await loadBertModel(join(dir, 'm'), fs);
      const inputIds = tf.tensor2d(
        [
          [2, 9, 17, 3, 0],
          [2, 33, 3, 0, 0],
        ],
        [2, 5],
        'int32',
      );
      const attentionMask = tf.tensor2d(
        [
          [1, 1, 1, 1, 0],
          [1, 1, 1, 0, 0],
        ],
        [2, 5],
        'int32',
      );
      const out = model.forward({ inputIds, attentionMask });
      const rows = (await out.logits!.array()) as number[][];
      const hidden = Array.from(await out.lastHiddenState.data());
      tf.dispose([inputIds, attentionMask, out as unknown as tf.TensorContainer]);
      model.dispose();
      return { rows, hidden };
    };
    const cpu = await forward();
    await useNodeBackend({ prefer: 'webgpu' });
    const gpu = await forward();
    expect(worstViolation(gpu.rows.flat(), cpu.rows.flat(), ATOL, RTOL)).toBeLessThanOrEqual(0);
    expect(worstViolation(gpu.hidden, cpu.hidden, ATOL, RTOL)).toBeLessThanOrEqual(0);
  });

  it('a tiny BERT forward and backward equals cpu', async () => {
    await useNodeBackend({ prefer: 'cpu' });
    const cpu = await tinyBertStep(11);
    await useNodeBackend({ prefer: 'webgpu' });
    const gpu = await tinyBertStep(11);
    expect(gpu.names).toEqual(cpu.names);
    expect(worstViolation(gpu.logits, cpu.logits, ATOL, RTOL)).toBeLessThanOrEqual(0);
    expect(Math.abs(gpu.loss - cpu.loss)).toBeLessThanOrEqual(ATOL + RTOL * Math.abs(cpu.loss));
    cpu.grads.forEach((g, i) => expect(worstViolation(gpu.grads[i], g, ATOL, RTOL)).toBeLessThanOrEqual(0));
  });
});
