import * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from '../errors';
import type { FileSystem } from '../io/fs';
import { loadHfCheckpoint, matchParameters, saveHfCheckpoint, type HfCheckpoint, type ParameterMatch } from '../io';
import { initTensor } from '../params/init';
import { instantiate, specShapes, type ParamSpec } from '../params/spec';
import { ParamStore } from '../params/store';
import { Rng } from '../rng';
import { bertConfigToJson, parseBertConfig, type BertConfig } from './config';
import { BertDefinition, BertModel, type BertModelOptions } from './model';
import { bertTaskHeadOf } from './task-model';

export interface LoadReport {
  /** Expected parameters the checkpoint lacked, initialised fresh. */
  initialized: string[];
  /** Checkpoint tensors no parameter uses. */
  unexpected: string[];
  /** Known-harmless tensors skipped (pretraining heads, buffers). */
  ignored: string[];
}

export interface LoadOptions extends BertModelOptions {
  /** Seed for parameters the checkpoint lacks (e.g. a new classifier). */
  seed?: number;
  /** Fail instead of initialising missing parameters. */
  strict?: boolean;
  /** Override the label count (a new classifier head). */
  numLabels?: number;
}

function listNames(names: string[], max = 4): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** Throws on shape mismatches (and, when strict, on missing keys), naming tensors. */
export function checkMatch(match: ParameterMatch, file: string, strict: boolean): void {
  if (match.mismatched.length > 0) {
    const m = match.mismatched[0];
    throw new CamtlError(
      'SHAPE_MISMATCH',
      `${file}: ${match.mismatched.length} tensor(s) have the wrong shape, e.g. ${m.name}: expected [${m.expected}], got [${m.got}]`,
      'check that config.json belongs to these weights',
    );
  }
  if (strict && match.missing.length > 0) {
    throw new CamtlError(
      'MISSING_KEYS',
      `${file}: missing ${match.missing.length} tensor(s): ${listNames(match.missing)}`,
    );
  }
}

/** Builds a store from specs, taking each tensor from the checkpoint when present. */
export function storeFromCheckpoint(
  specs: ParamSpec[],
  ckpt: HfCheckpoint,
  match: ParameterMatch,
  seed: number,
): ParamStore {
  const rng = new Rng(seed);
  const store = new ParamStore();
  for (const s of specs) {
    const source = match.mapping.get(s.name);
    const t = source ? ckpt.tensors.get(source) : undefined;
    const value = t ? tf.tensor(t.data, s.shape, 'float32') : initTensor(s.init, s.shape, rng);
    store.add(s.name, value, s.trainable ?? true);
  }
  return store;
}

/**
 * A model's weights from its specs: from a checkpoint when given (matched by
 * name and shape; tensors matching `ignore` set aside; missing ones freshly
 * initialised unless `strict`), else all freshly initialised from `seed`.
 */
export function storeFromSpecs(
  specs: ParamSpec[],
  ckpt: HfCheckpoint | undefined,
  options: { ignore?: RegExp[]; strict?: boolean; seed?: number } = {},
): { store: ParamStore; report: LoadReport } {
  const seed = options.seed ?? 0;
  if (!ckpt) {
    const report = { initialized: specs.map((s) => s.name), unexpected: [], ignored: [] };
    return { store: instantiate(specs, new Rng(seed)), report };
  }
  const match = matchParameters(specShapes(specs), ckpt.tensors, { ignoreUnexpected: options.ignore });
  checkMatch(match, ckpt.files.join(', '), options.strict ?? false);
  const store = storeFromCheckpoint(specs, ckpt, match, seed);
  return { store, report: { initialized: match.missing, unexpected: match.unexpected, ignored: match.ignored } };
}

/** A sequence-classification head: a `classifier` not belonging to a token or multiple-choice checkpoint. */
function hasClassifier(ckpt: HfCheckpoint): boolean {
  return ckpt.tensors.has('classifier.weight') && bertTaskHeadOf(ckpt.config) === undefined;
}

/**
 * Loads a HF BERT directory (config.json + safetensors) into a BertModel. A
 * token, QA or multiple-choice checkpoint gives its encoder (its head is left
 * as unexpected); loadBertTaskModel builds those heads.
 */
export async function loadBertModel(
  dir: string,
  fs: FileSystem,
  options: LoadOptions = {},
): Promise<{ model: BertModel; report: LoadReport }> {
  const ckpt = await loadHfCheckpoint(dir, fs);
  const config: BertConfig = parseBertConfig(ckpt.config, fs.join(dir, 'config.json'));
  if (options.numLabels !== undefined) config.numLabels = options.numLabels;
  const definition = new BertDefinition(config, { classifier: hasClassifier(ckpt), ...options });
  const specs = definition.specs();
  const match = matchParameters(specShapes(specs), ckpt.tensors);
  checkMatch(match, ckpt.files.join(', ') || dir, options.strict ?? false);
  const store = storeFromCheckpoint(specs, ckpt, match, options.seed ?? 0);
  const report = { initialized: match.missing, unexpected: match.unexpected, ignored: match.ignored };
  return { model: new BertModel(definition, store), report };
}

/** Saves a model as a HF directory: model.safetensors (HF names) + config.json. */
export async function saveBertModel(model: BertModel, dir: string, fs: FileSystem): Promise<void> {
  const config = bertConfigToJson(model.config);
  if (model.definition.classifier) {
    config.num_labels = model.config.numLabels;
    config.architectures = ['BertForSequenceClassification'];
  }
  await saveHfCheckpoint(dir, { config, tensors: await model.store.toTensors() }, fs);
}
