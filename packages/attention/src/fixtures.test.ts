// Conformance with the official CA-MTL code (float64 fixtures): CBDA's bias M
// and the full MyBertSelfAttention9, outputs and gradients.
import * as tf from '@tensorflow/tfjs-core';
import { additiveMask, evalContext } from '@camtl/core';
import {
  caseReferenceParams,
  caseTensors,
  describeEachBackend,
  jsonTensor,
  maxAbsDiff,
  moduleCase,
  runCase,
  worstViolation,
  type CaseRun,
  type ModuleCase,
} from '@camtl/testkit';
import { expect, it } from 'vitest';
import { blockLayout, conditionalAttention, conditionalAttentionBias } from './index';

const CBDA_CASES = ['cbda_h64_l32', 'cbda_h96_l32', 'cbda_h384_l32', 'cbda_h64_l32_as_initialised'];
const ATTENTION_CASE = 'self_attention_h32_l16';

function expectCloseGrads(c: ModuleCase, grads: Map<string, tf.Tensor>): void {
  for (const [name, ref] of Object.entries(c.grads)) {
    const g = grads.get(name);
    expect(g, name).toBeDefined();
    expect(g!.shape, name).toEqual(ref.shape);
    expect(worstViolation(g!.dataSync(), ref.data, 1e-4, 1e-3), name).toBeLessThanOrEqual(0);
  }
}

/** Runs `c` through `run`, checks outputs, loss and every gradient. */
async function checkCase(c: ModuleCase, run: CaseRun) {
  const tensors = await caseTensors(c);
  const { outputs: outs, loss, grads } = runCase(c, tensors, run);
  for (const [k, ref] of Object.entries(c.outputs)) {
    expect(outs[k].shape, k).toEqual(ref.shape);
    expect(maxAbsDiff(outs[k].dataSync(), ref.data), k).toBeLessThanOrEqual(1e-4);
  }
  expect(Math.abs(loss.dataSync()[0] - c.loss)).toBeLessThanOrEqual(1e-4 + 1e-5 * Math.abs(c.loss));
  expectCloseGrads(c, grads);
  tf.dispose([...tensors.values(), ...Object.values(outs), loss, ...grads.values()]);
}

describeEachBackend('CA-MTL fixtures', () => {
  for (const name of CBDA_CASES) {
    it(`${name}: M and every gradient match the reference CBDA`, async () => {
      const c = moduleCase(name);
      const H = c.constructor.input_size;
      const L = c.constructor.max_seq_length;
      const layout = blockLayout({ hiddenSize: H, maxSeqLength: L });
      expect(layout).toEqual({
        numBlocks: c.constructor['N=H//L'],
        blockSize: c.constructor['c=ceil(L/N)'],
        chunks: c.constructor.chunks_actually_made,
      });
      await checkCase(c, (p, get) => {
        // The condition rows are task_table[task_ids]: differentiating through
        // the gather accumulates the task_table gradient over repeated tasks.
        const condition = tf.gather(get('task_table'), get('task_ids')) as tf.Tensor2D; // [B, H]
        return {
          M: conditionalAttentionBias(p.at('self_attention'), condition, L, { hiddenSize: H, maxSeqLength: L }),
        };
      });
    });
  }

  it(`${ATTENTION_CASE}: context and every gradient match MyBertSelfAttention9`, async () => {
    const c = moduleCase(ATTENTION_CASE);
    const k = c.constructor;
    const attention = conditionalAttention({
      hiddenSize: k.hidden_size,
      numHeads: k.num_attention_heads,
      attentionDropout: k.attention_probs_dropout_prob,
      initializerRange: 0.02,
      layerIndex: 0,
      maxSeqLength: k.max_seq_length,
    });
    const m = jsonTensor(c.inputs.attention_mask, 'float32') as tf.Tensor2D;
    const mask = additiveMask(m); // [B, 1, 1, S], (1 − m)·−10000
    await checkCase(c, (p, get) => {
      const taskEmbedding = tf.gather(get('task_table'), get('task_ids')) as tf.Tensor2D; // [B, H]
      const hidden = get('hidden_states') as tf.Tensor3D;
      return { context: attention.apply(p.at('self_attention'), { hidden, mask }, evalContext({ taskEmbedding })) };
    });
    tf.dispose([m, mask]);
  });

  it('cbda_h64_l32_as_initialised: A = 0 and generator bias = 0, so M[b] is β_b down each block', async () => {
    const c = moduleCase('cbda_h64_l32_as_initialised');
    expect(c.as_initialised).toBe(true);
    const params = await caseReferenceParams(c);
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
