import { CamtlError } from '../errors';
import type { FileSystem } from '../io/fs';
import { loadHfCheckpoint, saveHfCheckpoint } from '../io';
import { bertConfigToJson, parseBertConfig } from './config';
import { storeFromSpecs, type LoadOptions, type LoadReport } from './load';
import {
  BERT_TASK_ARCHITECTURES,
  BertTaskDefinition,
  BertTaskModel,
  bertTaskArchitecture,
  bertTaskHeadOf,
  type BertTaskHead,
} from './task-model';

export interface LoadTaskOptions extends LoadOptions {
  /** The head to build; default: the one config.json `architectures` names. */
  head?: BertTaskHead;
}

/**
 * Loads a HF BertForTokenClassification / BertForQuestionAnswering /
 * BertForMultipleChoice folder. Token and QA checkpoints have no pooler (HF's
 * add_pooling_layer=False), so none is built, and a stray `bert.pooler.*` is
 * set aside as ignored. The multiple-choice head is Linear(H, 1) whatever
 * `num_labels` says.
 */
export async function loadBertTaskModel(
  dir: string,
  fs: FileSystem,
  options: LoadTaskOptions = {},
): Promise<{ model: BertTaskModel; report: LoadReport }> {
  const ckpt = await loadHfCheckpoint(dir, fs);
  const configFile = fs.join(dir, 'config.json');
  const config = parseBertConfig(ckpt.config, configFile);
  const head = options.head ?? bertTaskHeadOf(ckpt.config);
  if (!head) {
    throw new CamtlError(
      'UNSUPPORTED',
      `${configFile}: "architectures" ${JSON.stringify(ckpt.config.architectures ?? null)} names none of ${Object.keys(BERT_TASK_ARCHITECTURES).join(', ')}`,
    );
  }
  if (options.numLabels !== undefined) config.numLabels = options.numLabels;
  const definition = new BertTaskDefinition(config, head, options);
  const ignore = head === 'multiple-choice' ? [] : [/^(bert\.)?pooler\./];
  const { store, report } = storeFromSpecs(definition.specs(), ckpt, {
    ignore,
    strict: options.strict ?? true,
    seed: options.seed,
  });
  return { model: new BertTaskModel(definition, store), report };
}

/** Saves as a HF folder: model.safetensors under HF names, config.json naming the architecture. */
export async function saveBertTaskModel(model: BertTaskModel, dir: string, fs: FileSystem): Promise<void> {
  const config = bertConfigToJson(model.config);
  config.architectures = [bertTaskArchitecture(model.head)];
  if (model.head === 'token-classification') config.num_labels = model.config.numLabels;
  await saveHfCheckpoint(dir, { config, tensors: await model.store.toTensors() }, fs);
}
