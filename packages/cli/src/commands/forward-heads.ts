import * as tf from '@tensorflow/tfjs-core';
import { bertTaskArchitecture, loadBertTaskModel, toJsonTensorAsync, type FileSystem } from '@camtl/core';
import { parseTaskForwardInputs } from '../inputs';
import type { ForwardResult } from './forward-runners';

/** Prints a [B, C] tensor's rows (multiple-choice scores are few enough to show). */
async function rows(t: tf.Tensor): Promise<string[]> {
  return ((await t.array()) as number[][]).map((r, i) => `  ${i}: ${r.map((v) => v.toFixed(4)).join(' ')}`);
}

/**
 * A HF BertForTokenClassification / BertForQuestionAnswering / BertForMultipleChoice
 * folder: last_hidden_state, then logits (token [B,S,C], multiple choice [B,C]) or
 * start_logits/end_logits [B,S], and loss when the targets are given.
 */
export async function forwardBertHead(
  dir: string,
  raw: unknown,
  inputFile: string,
  fs: FileSystem,
): Promise<ForwardResult> {
  const { model } = await loadBertTaskModel(dir, fs, { strict: true }); // no random weights in outputs
  const inputs = parseTaskForwardInputs(raw, inputFile, model.config, model.head);
  try {
    const out = model.forward(inputs);
    const json: Record<string, unknown> = { last_hidden_state: await toJsonTensorAsync(out.lastHiddenState) };
    const summary = [bertTaskArchitecture(model.head), `last_hidden_state [${out.lastHiddenState.shape}]`];
    const named: Array<[string, tf.Tensor | undefined]> = [
      ['logits', out.logits],
      ['start_logits', out.startLogits],
      ['end_logits', out.endLogits],
    ];
    for (const [key, t] of named) {
      if (!t) continue;
      json[key] = await toJsonTensorAsync(t);
      summary.push(`${key} [${t.shape}]`, ...(t.rank === 2 && model.head === 'multiple-choice' ? await rows(t) : []));
    }
    if (out.loss) {
      json.loss = (await out.loss.data())[0];
      summary.push(`loss ${(json.loss as number).toFixed(6)}`);
    }
    tf.dispose(out as unknown as tf.TensorContainer);
    return { json, summary };
  } finally {
    tf.dispose(Object.values(inputs).filter(Boolean) as tf.Tensor[]);
    model.dispose();
  }
}
