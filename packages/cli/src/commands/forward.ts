import { isMultiTaskConfig } from '@camtl/ca-mtl';
import type { CommandSpec } from '../args';
import { stringFlag } from '../args';
import { BACKEND_FLAG, selectBackend } from '../backend';
import { assetPath, readJsonFile, requireDir, writeJsonFile } from '../files';
import { bertTaskHeadOf } from '@camtl/core';
import { forwardBertHead } from './forward-heads';
import { forwardBert, forwardCaMtl } from './forward-runners';
import { nodeFileSystem } from '@camtl/backend-node';

export const forwardCommand: CommandSpec = {
  name: 'forward',
  summary:
    'run a forward pass of a HF BERT (plain, sequence, token, QA or multiple-choice head) or CA-MTL checkpoint on JSON tensors',
  usage: 'camtl forward --model DIR --input IN.json --output OUT.json [--backend auto|cuda|tensorflow|webgpu|wasm|cpu]',
  flags: {
    model: {
      type: 'string',
      value: 'DIR',
      description:
        'HF model folder (config.json + model.safetensors); its "architectures" picks the head: BertForSequenceClassification, ' +
        'BertForTokenClassification, BertForQuestionAnswering, BertForMultipleChoice (else the encoder); default: the bundled tiny BERT',
    },
    input: {
      type: 'string',
      value: 'IN.json',
      description:
        '{input_ids, token_type_ids?, attention_mask?, labels?, task_id? (CA-MTL)} as {shape, dtype (int32|int64|float32), data}; ' +
        'token classification: labels [B,S] (-100 ignored); QA: start_positions, end_positions [B] (clamped to [0,S], S ignored); ' +
        'multiple choice: input_ids, token_type_ids, attention_mask [B,C,S] and labels [B]',
    },
    output: {
      type: 'string',
      value: 'OUT.json',
      description:
        'write {last_hidden_state, pooler_output, logits?, loss?}; token classification: logits [B,S,C]; QA: start_logits, ' +
        'end_logits [B,S]; multiple choice: logits [B,C]; "-" = stdout',
    },
    backend: BACKEND_FLAG,
  },
  examples: ['camtl forward', 'camtl forward --model ./my-bert --input in.json --output out.json --backend cpu'],
  async run(values, io) {
    const fs = nodeFileSystem();
    const modelDir = stringFlag(values, 'model') ?? assetPath('bert-tiny');
    const inputFile = stringFlag(values, 'input') ?? assetPath('examples', 'forward-input.json');
    await requireDir(fs, modelDir, 'model folder');
    const rawInputs = await readJsonFile(fs, inputFile);
    const backend = (await selectBackend(stringFlag(values, 'backend') ?? 'auto')).backend;
    const config = await readJsonFile(fs, fs.join(modelDir, 'config.json'));
    const run = isMultiTaskConfig(config) ? forwardCaMtl : bertTaskHeadOf(config) ? forwardBertHead : forwardBert;
    const result = await run(modelDir, rawInputs, inputFile, fs);
    const output = stringFlag(values, 'output');
    if (output) await writeJsonFile(fs, output, result.json, io.stdout);
    else
      io.stdout(
        [
          `model ${modelDir} on ${backend}`,
          ...result.summary,
          '(pass --output OUT.json for every tensor as JSON)',
        ].join('\n') + '\n',
      );
    return 0;
  },
};
