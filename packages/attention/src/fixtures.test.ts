// Conformance with the official CA-MTL code (float64 fixtures): CBDA's bias M
// and the full MyBertSelfAttention9, outputs and gradients.
import * as tf from '@tensorflow/tfjs-core';
import { additiveMask, evalContext, paramsFromRecord } from '@camtl/core';
import {
  describeEachBackend,
  maxAbsDiff,
  readCamtlFixtureJson,
  readCamtlTensors,
  worstViolation,
} from '@camtl/testkit';
import { expect, it } from 'vitest';
import { blockLayout, conditionalAttention, conditionalAttentionBias } from './index';
import { lossGrads } from './test-utils';

interface FixtureTensor {
  shape: number[];
  dtype: string;
  data: number[];
}
interface FixtureCase {
  name: string;
  constructor: Record<string, number>;
  as_initialised: boolean;
  params_file: string;
  param_names: string[];
  init_stats: Record<string, { all_zero: boolean }>;
  inputs: Record<string, FixtureTensor>;
  outputs: Record<string, FixtureTensor>;
  loss_weights: Record<string, FixtureTensor>;
  loss: number;
  grads: Record<string, FixtureTensor>;
}

const fixture = readCamtlFixtureJson<{ cases: FixtureCase[] }>('modules_expected.json');
const CBDA_CASES = ['cbda_h64_l32', 'cbda_h96_l32', 'cbda_h384_l32', 'cbda_h64_l32_as_initialised'];
const ATTENTION_CASE = 'self_attention_h32_l16';

function getCase(name: string): FixtureCase {
  const c = fixture.cases.find((k) => k.name === name);
  if (!c) throw new Error(`fixture case ${name} missing`);
  return c;
}

const fromJson = (t: FixtureTensor, dtype: 'float32' | 'int32' = 'float32') => tf.tensor(t.data, t.shape, dtype);

/** Parameters (F32 file) and the float inputs, as named float32 tensors. */
async function caseTensors(c: FixtureCase): Promise<Record<string, tf.Tensor>> {
  const params = await readCamtlTensors('modules', c.params_file.replace(/^modules\//, ''));
  const out: Record<string, tf.Tensor> = {};
  for (const name of c.param_names) {
    const t = params.get(name)!;
    out[name] = tf.tensor(Float32Array.from(t.data), t.shape, 'float32'); // F32 on disk: exact
  }
  for (const [name, t] of Object.entries(c.inputs)) if (t.dtype === 'float64') out[`input.${name}`] = fromJson(t);
  return out;
}

function expectCloseGrads(c: FixtureCase, grads: Record<string, tf.Tensor>): void {
  for (const [name, ref] of Object.entries(c.grads)) {
    expect(grads[name], name).toBeDefined();
    expect(grads[name].shape, name).toEqual(ref.shape);
    expect(worstViolation(grads[name].dataSync(), ref.data, 1e-4, 1e-3), name).toBeLessThanOrEqual(0);
  }
}

/** Runs `c` through `forward`, checks outputs, loss and every gradient. */
async function checkCase(c: FixtureCase, forward: (xs: Record<string, tf.Tensor>) => Record<string, tf.Tensor>) {
  const inputs = await caseTensors(c);
  const weights = Object.fromEntries(Object.entries(c.loss_weights).map(([k, t]) => [k, fromJson(t)]));
  const outs = forward(inputs);
  for (const [k, ref] of Object.entries(c.outputs)) {
    expect(outs[k].shape, k).toEqual(ref.shape);
    expect(maxAbsDiff(outs[k].dataSync(), ref.data), k).toBeLessThanOrEqual(1e-4);
  }
  const { loss, grads } = lossGrads(inputs, weights, forward);
  expect(Math.abs(loss - c.loss)).toBeLessThanOrEqual(1e-4 + 1e-5 * Math.abs(c.loss));
  expectCloseGrads(c, grads);
  for (const t of [
    ...Object.values(inputs),
    ...Object.values(weights),
    ...Object.values(outs),
    ...Object.values(grads),
  ]) {
    t.dispose();
  }
}

describeEachBackend('CA-MTL fixtures', () => {
  for (const name of CBDA_CASES) {
    it(`${name}: M and every gradient match the reference CBDA`, async () => {
      const c = getCase(name);
      const H = c.constructor.input_size;
      const L = c.constructor.max_seq_length;
      const layout = blockLayout({ hiddenSize: H, maxSeqLength: L });
      expect(layout).toEqual({
        numBlocks: c.constructor['N=H//L'],
        blockSize: c.constructor['c=ceil(L/N)'],
        chunks: c.constructor.chunks_actually_made,
      });
      const taskIds = fromJson(c.inputs.task_ids, 'int32');
      await checkCase(c, (xs) => {
        // The condition rows are task_table[task_ids]: differentiating through
        // the gather accumulates the task_table gradient over repeated tasks.
        const condition = tf.gather(xs['input.task_table'], taskIds) as tf.Tensor2D; // [B, H]
        const p = paramsFromRecord(xs).at('self_attention');
        return { M: conditionalAttentionBias(p, condition, L, { hiddenSize: H, maxSeqLength: L }) };
      });
      taskIds.dispose();
    });
  }

  it(`${ATTENTION_CASE}: context and every gradient match MyBertSelfAttention9`, async () => {
    const c = getCase(ATTENTION_CASE);
    const k = c.constructor;
    const attention = conditionalAttention({
      hiddenSize: k.hidden_size,
      numHeads: k.num_attention_heads,
      attentionDropout: k.attention_probs_dropout_prob,
      initializerRange: 0.02,
      layerIndex: 0,
      maxSeqLength: k.max_seq_length,
    });
    const taskIds = fromJson(c.inputs.task_ids, 'int32');
    const mask = additiveMask(fromJson(c.inputs.attention_mask) as tf.Tensor2D); // [B, 1, 1, S], (1 − m)·−10000
    await checkCase(c, (xs) => {
      const taskEmbedding = tf.gather(xs['input.task_table'], taskIds) as tf.Tensor2D; // [B, H]
      const hidden = xs['input.hidden_states'] as tf.Tensor3D;
      const p = paramsFromRecord(xs).at('self_attention');
      return { context: attention.apply(p, { hidden, mask }, evalContext({ taskEmbedding })) };
    });
    tf.dispose([taskIds, mask]);
  });

  it('cbda_h64_l32_as_initialised: A = 0 and generator bias = 0, so M[b] is β_b down each block', async () => {
    const c = getCase('cbda_h64_l32_as_initialised');
    expect(c.as_initialised).toBe(true);
    const params = await readCamtlTensors('modules', c.params_file.replace(/^modules\//, ''));
    for (const [short, stats] of Object.entries(c.init_stats)) {
      const values = params.get(`self_attention.${short}`)!.data;
      if (stats.all_zero)
        expect(
          values.every((v) => v === 0),
          short,
        ).toBe(true);
    }
    expect(c.init_stats.random_weight_matrix.all_zero).toBe(true);
    expect(c.init_stats['cond_block_diag_attn.gb_weights.bias'].all_zero).toBe(true);
    // β_b = W_β z_b with W_β the second half of the generator rows.
    const w = params.get('self_attention.cond_block_diag_attn.gb_weights.weight')!; // [2c, H]
    const [twoC, H] = w.shape;
    const cw = twoC / 2;
    const table = c.inputs.task_table.data;
    const M = c.outputs.M;
    const [B, L] = M.shape;
    c.inputs.task_ids.data.forEach((task, b) => {
      const beta = Array.from({ length: cw }, (_, j) =>
        Array.from({ length: H }, (_, q) => w.data[(cw + j) * H + q] * table[task * H + q]).reduce((s, v) => s + v, 0),
      );
      for (let i = 0; i < L; i++) {
        for (let j = 0; j < L; j++) {
          const same = Math.floor(i / cw) === Math.floor(j / cw);
          const expected = same ? beta[j - cw * Math.floor(i / cw)] : 0;
          expect(Math.abs(M.data[(b * L + i) * L + j] - expected)).toBeLessThanOrEqual(1e-9);
        }
      }
    });
    expect(B).toBe(4);
  });
});
