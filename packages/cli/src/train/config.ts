import { CamtlError, REFERENCE_RECIPE, parseLayerRange, type TrainingRecipe } from '@camtl/core';
import { samplerNames } from '@camtl/sampler';
import { DEFAULT_TRAINING } from '@camtl/synthetic';
import { parseDataFraction } from './data-fraction';

/**
 * Everything `camtl train` can be told, from flags and/or a JSON config file
 * (same names; flags win). Defaults depend on the data: the GLUE recipe of
 * the reference (spec §5) for real data, the synthetic suite's own for the
 * built-in default (a model trained from scratch needs a far larger lr).
 */
export interface TrainConfig extends TrainingRecipe {
  output: string;
  /** HF BERT folder to start from; absent = from scratch (the built-in default). */
  model?: string;
  /** GLUE-layout data folder; absent = the built-in synthetic suite. */
  data?: string;
  tasks?: string[];
  taskDefs: string[];
  variant: 'base' | 'large';
  freeze?: [number, number];
  sampler: string;
  maxSteps?: number;
  evalEvery?: number;
  saveEvery?: number;
  earlyStopping?: number;
  padding: 'longest' | 'max';
  limit?: number;
  /** Share of each task's training split trained on (a seeded subset), 0.001..1. */
  dataFraction: number;
  skipBadRows: boolean;
  resume: boolean;
  backend: string;
}

type Raw = Record<string, unknown>;

const camel = (k: string) => k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function num(raw: Raw, key: string, fallback: number | undefined, integer: boolean): number | undefined {
  const v = raw[key];
  if (v === undefined) return fallback;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new CamtlError(
      'BAD_CONFIG',
      `--${key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}: expected a non-negative ${integer ? 'integer' : 'number'}, got ${JSON.stringify(v)}`,
    );
  }
  return n;
}

function list(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  const items = (Array.isArray(v) ? v.map(String) : String(v).split(',')).map((s) => s.trim()).filter(Boolean);
  return items.length > 0 ? items : undefined;
}

function freezeRange(v: unknown, pretrained: boolean, variant: 'base' | 'large'): [number, number] | undefined {
  if (v === undefined) return pretrained ? (variant === 'base' ? [0, 4] : [0, 11]) : undefined; // the README settings of the reference
  if (v === 'none' || v === false) return undefined;
  const r = parseLayerRange(String(v));
  if (!r)
    throw new CamtlError(
      'BAD_CONFIG',
      `--freeze: expected a layer range such as 0-4, or "none", got ${JSON.stringify(v)}`,
    );
  return r;
}

/** The recipe part: flags (and the keys older train-config.json files used) over the defaults `d`. */
function recipe(raw: Raw, d: Readonly<TrainingRecipe>): TrainingRecipe {
  const int = (key: string, fallback: number) => num(raw, key, fallback, true)!;
  const real = (key: string, fallback: number) => num(raw, key, fallback, false)!;
  return {
    epochs: int('epochs', d.epochs),
    batchSize: int('batchSize', d.batchSize),
    learningRate: real('lr', real('learningRate', d.learningRate)),
    warmupRatio: real('warmup', real('warmupRatio', d.warmupRatio)),
    weightDecay: real('weightDecay', d.weightDecay),
    maxGradNorm: real('maxGradNorm', d.maxGradNorm),
    gradientAccumulation: int('accumulation', int('gradientAccumulation', d.gradientAccumulation)),
    maxSeqLength: int('maxSeqLength', int('maxLength', d.maxSeqLength)),
    seed: int('seed', d.seed),
  };
}

/** The named choices, checked: variant, sampler, padding (and that real data comes with a model). */
function choices(raw: Raw, synthetic: boolean): Pick<TrainConfig, 'variant' | 'sampler' | 'padding'> {
  const variant = (raw.variant ?? 'base') as TrainConfig['variant'];
  if (variant !== 'base' && variant !== 'large')
    throw new CamtlError('BAD_CONFIG', `--variant: expected base or large, got "${String(variant)}"`);
  if (!synthetic && raw.model === undefined) {
    throw new CamtlError(
      'BAD_CONFIG',
      `--data ${String(raw.data)} needs --model, the HF BERT folder to start from`,
      'e.g. --model ./bert-base-uncased (config.json, model.safetensors, vocab.txt)',
    );
  }
  const sampler = String(raw.sampler ?? 'mt-uncertainty');
  if (!(samplerNames() as string[]).includes(sampler))
    throw new CamtlError('BAD_CONFIG', `--sampler: unknown "${sampler}"`, `use one of: ${samplerNames().join(', ')}`);
  const padding = String(raw.padding ?? 'longest');
  if (padding !== 'longest' && padding !== 'max')
    throw new CamtlError('BAD_CONFIG', `--padding: expected longest or max, got "${padding}"`);
  return { variant, sampler, padding: padding as TrainConfig['padding'] };
}

/** Merges a config file's object with the flags (camelCase or kebab-case keys) and fills defaults. */
export function resolveTrainConfig(fileConfig: Raw, flags: Raw): TrainConfig {
  const raw: Raw = {};
  for (const [k, v] of [...Object.entries(fileConfig), ...Object.entries(flags)])
    if (v !== undefined) raw[camel(k)] = v;
  if (raw.glue !== undefined && raw.data === undefined) raw.data = raw.glue;
  const synthetic = raw.data === undefined;
  const { variant, sampler, padding } = choices(raw, synthetic);
  const d = synthetic ? DEFAULT_TRAINING : REFERENCE_RECIPE;
  return {
    output: String(raw.output ?? 'camtl-run'),
    model: raw.model === undefined ? undefined : String(raw.model),
    data: raw.data === undefined ? undefined : String(raw.data),
    tasks: list(raw.tasks),
    taskDefs: list(raw.taskDef ?? raw.taskDefs) ?? [],
    variant,
    freeze: freezeRange(raw.freeze, raw.model !== undefined, variant),
    sampler,
    ...recipe(raw, d),
    maxSteps: num(raw, 'maxSteps', undefined, true),
    evalEvery: num(raw, 'evalEvery', undefined, true),
    saveEvery: num(raw, 'saveEvery', undefined, true),
    earlyStopping: num(raw, 'earlyStopping', undefined, true),
    padding,
    limit: num(raw, 'limit', undefined, true),
    dataFraction: parseDataFraction(raw.dataFraction),
    skipBadRows: Boolean(raw.skipBadRows ?? false),
    resume: Boolean(raw.resume ?? false),
    backend: String(raw.backend ?? 'auto'),
  };
}
