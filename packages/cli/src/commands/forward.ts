import * as tf from '@tensorflow/tfjs-core';
import { CamtlError, loadBertModel, toJsonTensor, type BertOutputs } from '@camtl/core';
import type { CliIO, CommandSpec } from '../args';
import { stringFlag } from '../args';
import { selectBackend } from '../backend';
import { assetPath, readJsonFile, requireDir, writeJsonFile } from '../files';
import { parseForwardInputs } from '../inputs';
import { nodeFileSystem } from '../node-fs';

function outputsToJson(out: BertOutputs): Record<string, unknown> {
  const json: Record<string, unknown> = { last_hidden_state: toJsonTensor(out.lastHiddenState) };
  if (out.pooledOutput) json.pooler_output = toJsonTensor(out.pooledOutput);
  if (out.logits) json.logits = toJsonTensor(out.logits);
  if (out.loss) json.loss = out.loss.dataSync()[0];
  return json;
}

function printSummary(out: BertOutputs, model: string, backend: string, io: CliIO): void {
  io.stdout(`model ${model} on ${backend}\n`);
  io.stdout(`last_hidden_state [${out.lastHiddenState.shape}]\n`);
  if (out.pooledOutput) io.stdout(`pooler_output [${out.pooledOutput.shape}]\n`);
  if (out.logits) {
    const rows = (out.logits.arraySync() as number[][]).map((r) => r.map((v) => v.toFixed(4)).join(' '));
    io.stdout(`logits [${out.logits.shape}]\n${rows.map((r, i) => `  ${i}: ${r}`).join('\n')}\n`);
  }
  if (out.loss) io.stdout(`loss ${out.loss.dataSync()[0].toFixed(6)}\n`);
  io.stdout('(pass --output OUT.json for every tensor as JSON)\n');
}

export const forwardCommand: CommandSpec = {
  name: 'forward',
  summary: 'run a forward pass of a HF BERT checkpoint on JSON tensors',
  usage: 'camtl forward --model DIR --input IN.json --output OUT.json [--backend auto|wasm|cpu]',
  flags: {
    model: {
      type: 'string',
      value: 'DIR',
      description: 'HF model folder (config.json + model.safetensors); default: the bundled tiny BERT',
    },
    input: {
      type: 'string',
      value: 'IN.json',
      description: '{input_ids, token_type_ids?, attention_mask?, labels?} as {shape, dtype, data}',
    },
    output: {
      type: 'string',
      value: 'OUT.json',
      description: 'write {last_hidden_state, pooler_output, logits?, loss?}; "-" = stdout',
    },
    backend: { type: 'string', value: 'NAME', default: 'auto', description: 'tfjs backend: auto, wasm or cpu' },
  },
  examples: ['camtl forward', 'camtl forward --model ./my-bert --input in.json --output out.json --backend cpu'],
  async run(values, io) {
    const fs = nodeFileSystem();
    const modelDir = stringFlag(values, 'model') ?? assetPath('bert-tiny');
    const inputFile = stringFlag(values, 'input') ?? assetPath('examples', 'forward-input.json');
    await requireDir(fs, modelDir, 'model folder');
    const rawInputs = await readJsonFile(fs, inputFile);
    const backend = await selectBackend(stringFlag(values, 'backend') ?? 'auto');
    const { model } = await loadBertModel(modelDir, fs);
    const numLabels = model.definition.classifier ? model.config.numLabels : undefined;
    const inputs = parseForwardInputs(rawInputs, inputFile, model.config, { numLabels });
    if (inputs.taskId) {
      throw new CamtlError(
        'BAD_INPUT',
        `${inputFile}: task_id given, but ${modelDir} is a plain BERT (not a CA-MTL checkpoint)`,
      );
    }
    const out = model.forward(inputs);
    const output = stringFlag(values, 'output');
    if (output) await writeJsonFile(fs, output, outputsToJson(out), io.stdout);
    else printSummary(out, modelDir, backend, io);
    tf.dispose([out as unknown as tf.Tensor[], inputs as unknown as tf.Tensor[]]);
    model.dispose();
    return 0;
  },
};
