import * as path from 'node:path';
import {
  CamtlError,
  REFERENCE_RECIPE,
  isCamtlError,
  parseLayerRange,
  type LossWeighting,
  type PairTruncation,
  type TrainingRecipe,
} from '@camtl/core';
import { parseWithout, type Architecture, type CaMtlOptions } from '@camtl/ca-mtl';
import { DEFAULT_TRAINING } from '@camtl/synthetic';
import { parseDataFraction } from './data-fraction';
import type { z } from 'zod';
import { configError, type ConfigSource } from './config-errors';
import { FILE_SCHEMA, LAYER_SCHEMA, toLayer, type ConfigLayer } from './config-flat';
import type { TrainerSection } from './config-schema';
import { PRESETS, type Preset, type PresetName } from './presets';
import type { GlueConvention } from '@camtl/tasks-glue';
import { checkReplay, type ReplayOptions } from './replay';

/**
 * Everything `camtl train` can be told, resolved from (lowest first) the
 * defaults, a preset, a JSON config file and the flags. Defaults depend on
 * the data: the GLUE recipe of the reference (spec §5) for real data, the
 * synthetic suite's own for the built-in default (a model trained from
 * scratch needs a far larger lr).
 */
export interface TrainConfig extends TrainingRecipe, ReplayOptions {
  output: string;
  preset?: PresetName;
  /** HF BERT folder to start from; absent = from scratch (the built-in default). */
  model?: string;
  /** GLUE-layout data folder; absent = the built-in synthetic suite. */
  data?: string;
  tasks?: string[];
  taskDefs: string[];
  variant: 'base' | 'large';
  /** The model: CA-MTL (default), the MTL-BERT baseline, or Hyperformer++ on a frozen BERT (`--adapter hyperformer`). */
  architecture: Architecture;
  /** How per-task losses combine (default equal, the reference). */
  lossWeighting?: LossWeighting;
  /** createCaMtl's options (the `model` section less `from` and `variant`). */
  caMtl: CaMtlOptions;
  freeze?: [number, number];
  fixQuirk: boolean;
  sampler: string;
  /** createSampler's options for `sampler`. */
  samplerOptions: Record<string, unknown>;
  /** Trainer options beyond the recipe and the fields below, as given (the Trainer defaults the rest). */
  trainer: Pick<
    TrainerSection,
    'decay' | 'adamEpsilon' | 'evalBatchSize' | 'keepCheckpoints' | 'earlyStoppingMinDelta'
  >;
  maxSteps?: number;
  evalEvery?: number;
  saveEvery?: number;
  earlyStopping?: number;
  /** The selection score's convention; absent = paper when every task is a GLUE task, else mean. */
  selectBy?: GlueConvention;
  padding: 'longest' | 'max';
  truncation: PairTruncation;
  /** A tokenizer folder for a model trained from scratch on a data folder (no --model). */
  tokenizerDir?: string;
  /** Span extraction: window overlap and question length (encodeExamples' defaults when absent). */
  docStride?: number;
  maxQueryLength?: number;
  limit?: number;
  /** Share of each task's training split trained on (a seeded subset), 0.001..1. */
  dataFraction: number;
  skipBadRows: boolean;
  resume: boolean;
  backend: string;
}

type Raw = Record<string, unknown>;

const camel = (k: string) => k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function check<S extends z.core.$ZodType>(schema: S, input: unknown, source: ConfigSource): void {
  const r = (schema as unknown as z.ZodType).safeParse(input);
  if (!r.success) throw configError(schema, input, r.error.issues, source);
}

/** One source (a file or the flags) as a validated layer: keys camelCased, flat keys placed in their sections. */
export function parseSource(raw: Raw, label: string): ConfigLayer {
  const file: Raw = {};
  const written = new Map<string, string>();
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined || v === '') continue;
    file[camel(k)] = v;
    written.set(camel(k), k);
  }
  check(FILE_SCHEMA, file, { label, written });
  const { layer, origins } = toLayer(file);
  check(LAYER_SCHEMA, layer, { label, origins, written });
  return layer;
}

const isPlain = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge, `over` winning; an object with another `name`/`kind` (a sampler, a regression plan) replaces. */
export function mergeLayers<T>(under: T, over: T): T {
  if (!isPlain(under) || !isPlain(over)) return over === undefined ? under : over;
  const retagged = (['name', 'kind'] as const).some((t) => over[t] !== undefined && over[t] !== under[t]);
  if (retagged) return over;
  const out: Raw = { ...under };
  for (const [k, v] of Object.entries(over)) if (v !== undefined) out[k] = mergeLayers(under[k], v);
  return out as T;
}

/**
 * The defaults: the reference recipe to fine-tune a checkpoint; the built-in
 * suite's from-scratch recipe (higher learning rate, more epochs) for the
 * synthetic suite and for a small BERT trained from scratch on real data
 * (--tokenizer-dir), which keeps the reference's max length.
 */
function defaultsLayer(start: 'synthetic' | 'scratch' | 'checkpoint'): ConfigLayer {
  const { maxSeqLength: synthetic, ...recipe } = start === 'checkpoint' ? REFERENCE_RECIPE : DEFAULT_TRAINING;
  const maxSeqLength = start === 'scratch' ? REFERENCE_RECIPE.maxSeqLength : synthetic;
  return {
    output: 'camtl-run',
    backend: 'auto',
    model: { variant: 'base' },
    sampler: { name: 'mt-uncertainty' },
    trainer: { ...recipe, maxSeqLength, padding: 'longest' },
    tokenizer: { truncation: 'longest-first' },
  };
}

/** The freeze range: given, else the preset's or the reference README's from a checkpoint (none from scratch). */
function freezeRange(m: ConfigLayer, preset: Preset | undefined): [number, number] | undefined {
  const given = m.freeze?.range;
  if (given === undefined) {
    if (m.model?.from === undefined) return undefined;
    const byVariant = preset?.freezeByVariant ?? { base: [0, 4], large: [0, 11] };
    return byVariant[m.model.variant ?? 'base'];
  }
  if (given === 'none') return undefined;
  const r = Array.isArray(given) ? (given[0] <= given[1] ? given : undefined) : parseLayerRange(given);
  if (!r)
    throw new CamtlError(
      'BAD_CONFIG',
      `freeze: expected a layer range such as 0-4, or "none", got ${JSON.stringify(given)}`,
    );
  return [r[0], r[1]];
}

function recipeOf(t: TrainerSection): TrainingRecipe {
  const keys = ['epochs', 'batchSize', 'learningRate', 'warmupRatio', 'weightDecay', 'maxGradNorm'] as const;
  const more = ['gradientAccumulation', 'maxSeqLength', 'seed'] as const;
  return Object.fromEntries([...keys, ...more].map((k) => [k, t[k]])) as unknown as TrainingRecipe;
}

/** The merged layers as the run's configuration. */
function build(m: ConfigLayer, preset: Preset | undefined, presetName: PresetName | undefined): TrainConfig {
  const synthetic = m.data === undefined;
  if (!synthetic && m.model?.from === undefined && m.tokenizer?.from === undefined) {
    throw new CamtlError(
      'BAD_CONFIG',
      `--data ${m.data} needs --model, the HF BERT folder to start from`,
      'e.g. --model ./bert-base-uncased (config.json, model.safetensors, vocab.txt); or --tokenizer-dir DIR for a small BERT from scratch',
    );
  }
  const {
    from,
    variant = 'base',
    without,
    dropout,
    architecture: named,
    adapter,
    lossWeighting,
    ...rest
  } = m.model ?? {};
  const architecture = named ?? (adapter === 'hyperformer' ? 'hyperformer' : 'ca-mtl');
  if (adapter && named && named !== adapter)
    throw new CamtlError('BAD_CONFIG', `--adapter ${adapter} contradicts architecture ${named}`);
  if (without && architecture !== 'ca-mtl')
    throw new CamtlError('BAD_CONFIG', `--without applies to CA-MTL only, not to ${architecture}`);
  // The canonical order (and no repeats), so that saved configs and records compare equal.
  const caMtl: CaMtlOptions = without ? { ...rest, without: parseWithout(without, 'model.without') } : rest;
  const {
    name: sampler = 'mt-uncertainty',
    schedule,
    ...samplerOptions
  } = (m.sampler ?? {}) as Record<string, unknown> & { name?: string; schedule?: string };
  checkReplay(sampler, schedule);
  const t = m.trainer ?? {};
  const taskDefs = m.taskDefs ?? [];
  const presetTasks = !synthetic && taskDefs.length === 0 ? preset?.glueTasks : undefined;
  return {
    output: m.output!,
    preset: presetName,
    model: from,
    data: m.data,
    tasks: m.tasks ?? (presetTasks && [...presetTasks]),
    taskDefs,
    variant,
    architecture,
    lossWeighting,
    caMtl,
    freeze: freezeRange(m, preset),
    fixQuirk: m.freeze?.fixQuirk ?? false,
    sampler,
    samplerOptions,
    ...recipeOf(t),
    trainer: Object.fromEntries(
      (['decay', 'adamEpsilon', 'evalBatchSize', 'keepCheckpoints', 'earlyStoppingMinDelta'] as const)
        .filter((k) => t[k] !== undefined)
        .map((k) => [k, t[k]]),
    ),
    maxSteps: t.maxSteps,
    evalEvery: t.evalEvery,
    saveEvery: t.saveEvery,
    earlyStopping: t.earlyStoppingPatience,
    selectBy: t.selectBy,
    dropout,
    schedule,
    padding: t.padding ?? 'longest',
    truncation: m.tokenizer?.truncation ?? 'longest-first',
    tokenizerDir: m.model?.from === undefined ? m.tokenizer?.from : undefined,
    docStride: m.tokenizer?.docStride,
    maxQueryLength: m.tokenizer?.maxQueryLength,
    limit: m.limit,
    dataFraction: parseDataFraction(m.dataFraction),
    skipBadRows: m.skipBadRows ?? false,
    resume: m.resume ?? false,
    backend: m.backend!,
  };
}

/**
 * Merges the defaults, the preset (`--preset` or the file's "preset"), a
 * config file's object and the flags (camelCase or kebab-case keys), each
 * checked against the schema; `fileLabel` names the file in errors.
 */
export function resolveTrainConfig(fileConfig: Raw, flags: Raw, fileLabel = 'config'): TrainConfig {
  const file = parseSource(fileConfig, fileLabel);
  const cli = parseSource(flags, 'flags');
  const presetName = (cli.preset ?? file.preset) as PresetName | undefined;
  const preset = presetName ? PRESETS[presetName] : undefined;
  const data = cli.data ?? file.data;
  const scratch = (cli.model?.from ?? file.model?.from) === undefined && (cli.tokenizer?.from ?? file.tokenizer?.from);
  const start = data === undefined ? 'synthetic' : scratch ? 'scratch' : 'checkpoint';
  const layers = [defaultsLayer(start), preset?.layer ?? {}, file, cli];
  const merged = layers.reduce((a, b) => mergeLayers(a, b));
  const where = Object.keys(fileConfig).length > 0 ? `${fileLabel} with the flags` : undefined;
  return naming(where, () => {
    check(LAYER_SCHEMA, merged, { label: where ?? 'the merged configuration' });
    return build(merged, preset, presetName);
  });
}

/** `f()` (sync or async), its errors about options from several sources naming the config file among them (`where`). */
export function naming<T>(where: string | undefined, f: () => T): T {
  const rename = (e: unknown): never => {
    if (!where || !isCamtlError(e) || e.message.startsWith(where)) throw e;
    throw new CamtlError(e.code, `${where}: ${e.message}`, e.hint);
  };
  try {
    const r = f();
    return r instanceof Promise ? (r.catch(rename) as T) : r;
  } catch (e) {
    return rename(e);
  }
}

const absolute = (p: string | undefined) => (p === undefined ? undefined : path.resolve(p));

/**
 * The resolved configuration as a `--config` file (train-config.json): what
 * `camtl train --resume` reads back, with every value explicit, and the
 * input paths absolute so that --resume works from any directory.
 */
export function savedConfig(cfg: TrainConfig): ConfigLayer {
  const { decay, adamEpsilon, evalBatchSize, keepCheckpoints, earlyStoppingMinDelta } = cfg.trainer;
  return {
    preset: cfg.preset,
    output: cfg.output,
    data: absolute(cfg.data),
    tasks: cfg.tasks,
    taskDefs: cfg.taskDefs.map((f) => path.resolve(f)),
    limit: cfg.limit,
    dataFraction: cfg.dataFraction,
    skipBadRows: cfg.skipBadRows,
    backend: cfg.backend,
    model: {
      ...{ from: absolute(cfg.model), variant: cfg.variant, architecture: cfg.architecture },
      ...{ lossWeighting: cfg.lossWeighting, dropout: cfg.dropout, ...cfg.caMtl },
    },
    freeze: { range: cfg.freeze ? `${cfg.freeze[0]}-${cfg.freeze[1]}` : 'none', fixQuirk: cfg.fixQuirk },
    sampler: { name: cfg.sampler, schedule: absolute(cfg.schedule), ...cfg.samplerOptions } as ConfigLayer['sampler'],
    trainer: {
      ...recipeOf(cfg),
      ...{ maxSteps: cfg.maxSteps, evalEvery: cfg.evalEvery, saveEvery: cfg.saveEvery },
      ...{ earlyStoppingPatience: cfg.earlyStopping, padding: cfg.padding, selectBy: cfg.selectBy },
      ...{ decay, adamEpsilon, evalBatchSize, keepCheckpoints, earlyStoppingMinDelta },
    },
    tokenizer: {
      ...{ truncation: cfg.truncation, from: absolute(cfg.tokenizerDir) },
      ...{ docStride: cfg.docStride, maxQueryLength: cfg.maxQueryLength },
    },
  };
}
