// The BERT tiny fixture (HF BertForSequenceClassification, float64 reference):
// hidden states, pooled output, logits and loss, and the gradient of every
// one of the 41 parameters on the padded batch.
import * as tf from '@tensorflow/tfjs-core';
import { loadBertModel, type BertInputs } from '@camtl/core';
import { measure, read, readAll } from '../compare';
import { BERT_TINY, cachedJson, fixtureFolder, referenceTensors, type JsonTensor } from '../fixtures';
import type { Measure, ParityCheck } from '../types';

interface BertExpected {
  cases: Array<{
    name: string;
    inputs: Record<'input_ids' | 'token_type_ids' | 'attention_mask' | 'labels', JsonTensor>;
    outputs: Record<'last_hidden_state' | 'pooler_output' | 'logits', JsonTensor> & { loss: number };
    grads: Record<string, JsonTensor>;
  }>;
}

export const bertTiny: ParityCheck = {
  name: 'bert-tiny',
  description:
    'core BERT (loadBertModel, forward, tf.variableGrads) vs HF on bert-tiny: last_hidden_state, pooler_output, logits, loss; all 41 gradients (grads_padded_batch.safetensors)',
  async run({ loader, tolerance }) {
    const expected = await cachedJson<BertExpected>(loader, `${BERT_TINY}/expected.json`);
    const c = expected.cases[0];
    const fs = await fixtureFolder(loader, BERT_TINY, 'bert-tiny', ['config.json', 'model.safetensors']);
    const { model, report } = await loadBertModel('bert-tiny', fs, { strict: true });
    const notes: string[] = [];
    if (report.initialized.length > 0) notes.push(`initialised: ${report.initialized.join(', ')}`);
    const measures: Measure[] = [];
    // Inputs are made anew for every forward: WebGPU drops a tensor's CPU copy once it is uploaded.
    const inputs = (): BertInputs => {
      const t = (j: JsonTensor) => tf.tensor2d(j.data, j.shape as [number, number], 'int32');
      return {
        inputIds: t(c.inputs.input_ids),
        tokenTypeIds: t(c.inputs.token_type_ids),
        attentionMask: t(c.inputs.attention_mask),
        labels: tf.tensor1d(c.inputs.labels.data, 'int32'),
      };
    };
    const dispose = (x: BertInputs) => tf.dispose([x.inputIds, x.tokenTypeIds!, x.attentionMask!, x.labels!]);
    try {
      const x1 = inputs();
      const outs = tf.tidy(() => {
        const out = model.forward(x1);
        return [out.lastHiddenState, out.pooledOutput!, out.logits!, out.loss!];
      });
      const [hidden, pooled, logits, loss] = await readAll(outs);
      tf.dispose(outs);
      dispose(x1);
      const o = c.outputs;
      measures.push(
        measure('output', 'last_hidden_state', hidden, o.last_hidden_state.data, tolerance),
        measure('output', 'pooler_output', pooled, o.pooler_output.data, tolerance),
        measure('output', 'logits', logits, o.logits.data, tolerance),
        measure('loss', 'loss', loss, [o.loss], tolerance),
      );

      const ref = await referenceTensors(loader, `${BERT_TINY}/grads_padded_batch.safetensors`);
      const vars = [...model.store.vars];
      if (ref.size !== vars.length)
        notes.push(`reference has ${ref.size} gradients, the model ${vars.length} parameters`);
      const x2 = inputs();
      const { value, grads } = tf.variableGrads(
        () => model.forward(x2).loss!,
        vars.map(([, v]) => v),
      );
      dispose(x2);
      for (const [name, v] of vars) {
        const r = ref.get(name);
        if (!r) throw new Error(`grads_padded_batch.safetensors has no gradient for ${name}`);
        measures.push(measure('grad', `grad ${name}`, await read(grads[v.name]), r.data, tolerance));
      }
      tf.dispose([value, ...Object.values(grads)]);
      return { measures, notes };
    } finally {
      model.dispose();
    }
  },
};
