import { z } from 'zod';
import { samplerNames } from '@camtl/sampler';
import {
  FREEZE_SECTION,
  LIMITS,
  LAYER_RANGE,
  MODEL_SECTION,
  SAMPLER_SECTION,
  TOKENIZER_SECTION,
  TRAINER_SECTION,
  type FreezeSection,
  type ModelSection,
  type SamplerSection,
  type TokenizerSection,
  type TrainerSection,
} from './config-schema';
import { PRESET_NAMES } from './presets';

/**
 * One source of options (a config file, the flags, a preset), in the nested
 * form. Sources merge in order: defaults < preset < config file < flags.
 */
export interface ConfigLayer {
  preset?: string;
  output?: string;
  data?: string;
  tasks?: string[];
  taskDefs?: string[];
  limit?: number;
  /** --data-fraction: the share of each train split trained on (checked when the config is built). */
  dataFraction?: number;
  skipBadRows?: boolean;
  resume?: boolean;
  backend?: string;
  model?: ModelSection;
  freeze?: FreezeSection;
  sampler?: Partial<SamplerSection>;
  trainer?: TrainerSection;
  tokenizer?: TokenizerSection;
}

const text = () => z.string().min(1);
/** Flags arrive as strings, and older config files wrote numbers so too: converted to numbers, then checked. */
const numeric = () => z.union([z.number(), z.string()]).describe('a number (a numeric string is read as one)');
const list = () => z.union([z.string(), z.array(z.string())]).describe('a list, or one comma-separated string');

/** The canonical layer, as validated after the flat keys are placed in their sections. */
export const LAYER_SCHEMA = z.strictObject({
  preset: z.enum(PRESET_NAMES).optional(),
  output: text().optional(),
  data: text().optional(),
  tasks: z.array(text()).min(1).optional(),
  taskDefs: z.array(text()).optional(),
  limit: z.number().int().min(1).max(LIMITS.steps).optional(),
  dataFraction: z.number().optional(),
  skipBadRows: z.boolean().optional(),
  resume: z.boolean().optional(),
  backend: text().optional(),
  model: MODEL_SECTION.optional(),
  freeze: FREEZE_SECTION.optional(),
  sampler: SAMPLER_SECTION.optional(),
  trainer: TRAINER_SECTION.optional(),
  tokenizer: TOKENIZER_SECTION.optional(),
});

/**
 * Flat keys (the flags, camelCase; kebab-case is read as camelCase) and the
 * option each sets: [section, key], or a top-level key. Older names that
 * train-config.json files used are kept.
 */
export const FLAT_KEYS: Record<string, readonly [string] | readonly [keyof ConfigLayer, string]> = {
  preset: ['preset'],
  output: ['output'],
  data: ['data'],
  glue: ['data'],
  tasks: ['tasks'],
  taskDef: ['taskDefs'],
  taskDefs: ['taskDefs'],
  limit: ['limit'],
  dataFraction: ['dataFraction'],
  skipBadRows: ['skipBadRows'],
  resume: ['resume'],
  backend: ['backend'],
  variant: ['model', 'variant'],
  epochs: ['trainer', 'epochs'],
  batchSize: ['trainer', 'batchSize'],
  lr: ['trainer', 'learningRate'],
  learningRate: ['trainer', 'learningRate'],
  warmup: ['trainer', 'warmupRatio'],
  warmupRatio: ['trainer', 'warmupRatio'],
  weightDecay: ['trainer', 'weightDecay'],
  maxGradNorm: ['trainer', 'maxGradNorm'],
  accumulation: ['trainer', 'gradientAccumulation'],
  gradientAccumulation: ['trainer', 'gradientAccumulation'],
  maxSeqLength: ['trainer', 'maxSeqLength'],
  maxLength: ['trainer', 'maxSeqLength'],
  seed: ['trainer', 'seed'],
  maxSteps: ['trainer', 'maxSteps'],
  evalEvery: ['trainer', 'evalEvery'],
  saveEvery: ['trainer', 'saveEvery'],
  earlyStopping: ['trainer', 'earlyStoppingPatience'],
  padding: ['trainer', 'padding'],
  selectBy: ['trainer', 'selectBy'],
  without: ['model', 'without'],
  dropout: ['model', 'dropout'],
  lossWeighting: ['model', 'lossWeighting'],
  adapter: ['model', 'adapter'],
  architecture: ['model', 'architecture'],
  schedule: ['sampler', 'schedule'],
  tokenizerDir: ['tokenizer', 'from'],
  docStride: ['tokenizer', 'docStride'],
  maxQueryLength: ['tokenizer', 'maxQueryLength'],
  // After merging the other branches, one line each (and the flag in commands/train.ts):
  // dataFraction: ['dataFraction'],
};

const FLAT_SCHEMAS: Record<string, z.ZodType> = {
  preset: z.enum(PRESET_NAMES),
  output: text(),
  data: text(),
  glue: text(),
  tasks: list(),
  taskDef: list(),
  taskDefs: list(),
  skipBadRows: z.boolean(),
  resume: z.boolean(),
  backend: text(),
  variant: z.enum(['base', 'large']),
  padding: z.enum(['longest', 'max']),
  selectBy: z.enum(['paper', 'mean']),
  without: list(),
  schedule: text(),
  tokenizerDir: text(),
  lossWeighting: z.enum(['equal', 'uncertainty']),
  adapter: z.enum(['hyperformer']),
  architecture: z.enum(['ca-mtl', 'mtl-bert', 'hyperformer']),
};

/** The `--config` file: any flat key, plus the sections; `model`, `freeze` and `sampler` take either form. */
export const FILE_SCHEMA = z
  .strictObject({
    ...Object.fromEntries(Object.keys(FLAT_KEYS).map((k) => [k, (FLAT_SCHEMAS[k] ?? numeric()).optional()])),
    model: z.union([text().describe('HF BERT folder (same as model.from)'), MODEL_SECTION]).optional(),
    freeze: z.union([LAYER_RANGE, z.literal(false), FREEZE_SECTION]).optional(),
    sampler: z.union([z.enum(samplerNames()), SAMPLER_SECTION]).optional(),
    trainer: TRAINER_SECTION.optional(),
    tokenizer: TOKENIZER_SECTION.optional(),
  })
  .describe('camtl train --config FILE.json: any flag as a key (camelCase or kebab-case), plus nested sections');

export type ConfigFile = Record<string, unknown>;

function toList(v: unknown): string[] {
  const items = Array.isArray(v) ? v.map(String) : String(v).split(',');
  return items.map((s) => s.trim()).filter(Boolean);
}

/** A flat value in its section's type: lists split, numeric strings read as numbers ('' stays invalid). */
function flatValue(key: string, v: unknown): unknown {
  if (key === 'tasks' || key === 'taskDef' || key === 'taskDefs' || key === 'without') return toList(v);
  // A string that is no number stays a string, so the error shows it as written.
  if (typeof v === 'string' && !(key in FLAT_SCHEMAS))
    return v.trim() === '' || Number.isNaN(Number(v)) ? v : Number(v);
  return v;
}

/** Section forms of the keys that are either a flat value or a section. */
function sectionForms(file: ConfigFile, layer: ConfigLayer, origins: Map<string, string>): void {
  const { model, freeze, sampler } = file;
  if (typeof model === 'string') {
    layer.model = { from: model };
    origins.set('model.from', 'model');
  } else if (model !== undefined) layer.model = { ...(model as ModelSection) };
  if (freeze === false || typeof freeze === 'string' || Array.isArray(freeze)) {
    layer.freeze = { range: freeze === false ? 'none' : (freeze as FreezeSection['range']) };
    origins.set('freeze.range', 'freeze');
  } else if (freeze !== undefined) layer.freeze = { ...(freeze as FreezeSection) };
  if (typeof sampler === 'string') {
    layer.sampler = { name: sampler as SamplerSection['name'] };
    origins.set('sampler.name', 'sampler');
  } else if (sampler !== undefined) layer.sampler = { ...(sampler as SamplerSection) };
  for (const k of ['trainer', 'tokenizer'] as const)
    if (file[k] !== undefined) Object.assign(layer, { [k]: { ...(file[k] as object) } });
}

/**
 * A parsed file (or the flags) as a layer; `origins` maps each option path
 * set by a flat key to that key, so a bad value is reported by the name the
 * user wrote. Flat keys win over the same option in a section.
 */
export function toLayer(file: ConfigFile): { layer: ConfigLayer; origins: Map<string, string> } {
  const layer: ConfigLayer = {};
  const origins = new Map<string, string>();
  sectionForms(file, layer, origins);
  for (const [key, value] of Object.entries(file)) {
    const target = FLAT_KEYS[key];
    if (!target || value === undefined) continue;
    const v = flatValue(key, value);
    if (target.length === 1) Object.assign(layer, { [target[0]]: v });
    else {
      const [section, field] = target;
      Object.assign(layer, { [section]: { ...(layer[section] as object), [field]: v } });
    }
    origins.set(target.join('.'), key);
  }
  return { layer, origins };
}
