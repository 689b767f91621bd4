// @camtl/ca-mtl — the CA-MTL presets: the reference base and large layouts,
// per-task heads and loss, freezing, and loading/saving of checkpoints.
export {
  CONDITIONAL_COMPONENTS,
  GLUE_NUM_LABELS,
  REFERENCE_TASKS,
  baseLayout,
  caMtlConfigToJson,
  hasComponent,
  isCaMtlConfig,
  largeLayout,
  parseCaMtlConfig,
  parseWithout,
  resolveNumLabels,
  resolveOptions,
  taskConditioning,
  type CaMtlConfig,
  type CaMtlOptions,
  type CaMtlVariant,
  type ConditionalComponent,
} from './config';
export {
  REFERENCE_UNFROZEN,
  caMtlComponent,
  freezeEncoderLayers,
  referenceTrainable,
  type FreezeOptions,
} from './freeze';
export { adapterTopLayer, caMtlAttention, caMtlLayerNorm, conditionalBertLayer } from './layers';
export { CaMtlDefinition, type CaMtlInputs, type CaMtlOutputs } from './ca-mtl-definition';
export {
  CaMtlModel,
  createCaMtl,
  loadCaMtl,
  parameter,
  saveCaMtl,
  type CreateCaMtlOptions,
  type LoadCaMtlOptions,
} from './ca-mtl-model';
export { PRESET_BACKBONES, caMtlParamCounts, presetConfig, type ParamCounts, type PresetCountOptions } from './counts';
export {
  MTL_BERT_MODEL,
  MtlBertDefinition,
  MtlBertModel,
  createMtlBert,
  isMtlBertConfig,
  loadMtlBert,
  mtlBertConfigToJson,
  parseMtlBertConfig,
  type CreateMtlBertOptions,
  type MtlBertConfig,
} from './mtl-bert';
export {
  ARCHITECTURES,
  createMultiTaskModel,
  isMultiTaskConfig,
  loadMultiTaskModel,
  type Architecture,
  type CamtlMultiTaskModel,
  type CreateModelOptions,
} from './models';
export { hyperformerParamCounts, mtlBertParamCounts, type BaselineCountOptions } from './baseline-counts';
