import * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from '../errors';
import type { FileSystem } from '../io/fs';
import {
  loadHfCheckpoint,
  matchParameters,
  saveHfCheckpoint,
  summarizeNames,
  type HfCheckpoint,
  type ParameterMatch,
} from '../io';
import { initTensor } from '../params/init';
import { instantiate, specShapes, type ParamSpec } from '../params/spec';
import { ParamStore } from '../params/store';
import { Rng } from '../rng';
import { bertConfigToJson, parseBertConfig, type BertConfig } from './config';
import { BertDefinition, BertModel, type BertModelOptions } from './model';
import { bertTaskHeadOf } from './task-model';

export interface LoadReport {
  /**
   * Parameters the checkpoint lacked, created fresh (a non-strict load for
   * training: a new head, adapters); always empty for a strict load.
   */
  initialized: string[];
  /** Checkpoint tensors no parameter uses. */
  unexpected: string[];
  /** Known-harmless tensors skipped (pretraining heads, buffers). */
  ignored: string[];
}

export interface LoadOptions extends BertModelOptions {
  /** Seed for parameters the checkpoint lacks (e.g. a new classifier). */
  seed?: number;
  /**
   * Default true: every parameter must be in the checkpoint, as inference
   * needs. false (training) creates the missing ones other than the encoder's
   * own weights and lists them in `report.initialized`.
   */
  strict?: boolean;
  /** Override the label count (a new classifier head). */
  numLabels?: number;
}

function listNames(names: string[], max = 4): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/**
 * The weights of a plain BERT encoder (embeddings and layers, not the
 * pooler). A model built on a checkpoint never starts these from random:
 * their absence means a wrong config (e.g. no num_hidden_layers, so 12
 * layers) or a broken file, and would give silently wrong outputs.
 */
export const BERT_ENCODER_WEIGHT =
  /^(bert\.)?(embeddings\.(word_embeddings|position_embeddings|token_type_embeddings|LayerNorm)|encoder\.layer\.\d+\.(attention\.self\.(query|key|value)|attention\.output\.(dense|LayerNorm)|intermediate\.dense|output\.(dense|LayerNorm)))\.(weight|bias)$/;

function missingError(file: string, names: string[], what: string, hint?: string): CamtlError {
  return new CamtlError('MISSING_KEYS', `${file}: missing ${names.length} ${what}: ${listNames(names)}`, hint);
}

/**
 * Throws, naming tensors, on shape mismatches; on any missing tensor when
 * `strict`; else on a missing encoder weight (only heads and other new
 * parts may be created). When strict, an unused encoder-layer tensor (a
 * config with fewer layers than the weights) is an error too.
 */
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
    throw missingError(file, match.missing, 'tensor(s)', 'check that config.json belongs to these weights');
  }
  const encoder = match.missing.filter((n) => BERT_ENCODER_WEIGHT.test(n));
  if (encoder.length > 0) {
    throw missingError(
      file,
      encoder,
      'encoder tensor(s)',
      'a checkpoint to start from must hold every encoder weight its config.json describes (check num_hidden_layers)',
    );
  }
  const extra = strict ? match.unexpected.filter((n) => /(^|\.)encoder\.layer\.\d+\./.test(n)) : [];
  if (extra.length > 0) {
    throw new CamtlError(
      'BAD_CONFIG',
      `${file}: ${extra.length} encoder tensor(s) unused by the model, e.g. ${listNames(extra, 2)}`,
      'config.json describes fewer layers than the weights hold: check num_hidden_layers',
    );
  }
}

/** One line listing the parameters a (training) load created, or undefined when it created none. */
export function describeCreated(report: LoadReport): string | undefined {
  if (report.initialized.length === 0) return undefined;
  return `created ${report.initialized.length} new parameter(s) not in the checkpoint: ${summarizeNames(report.initialized)}`;
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
 * initialised unless `strict`, except encoder weights, see checkMatch), else
 * all freshly initialised from `seed`. Loaders for inference pass strict: true.
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
  checkMatch(match, ckpt.files.join(', ') || dir, options.strict ?? true);
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
