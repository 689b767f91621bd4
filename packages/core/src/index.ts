// @camtl/core — parameters and modules, the BERT encoder, safetensors
// checkpoints, the WordPiece tokenizer, AdamW and schedules, and the
// interfaces that plug-in packages implement.

export { CamtlError, isCamtlError, type CamtlErrorCode } from './errors';
export { checkSchema, describeValue, jsonPath, parseJsonText, type CheckSchemaOptions } from './schema';
export { Rng, type RngState } from './rng';
export { formatBackendSummary, useBackend } from './backend';
export { registerGradients } from './gradients';
export {
  parseBackendPreference,
  tryBackends,
  type Attempt,
  type AttemptFailure,
  type AttemptSuccess,
  type BackendSelection,
  type ParsedPreference,
  type SkippedBackend,
  type TryBackendsOptions,
} from './backend-selection';
export {
  applyKernelPatches,
  isKernelPatched,
  listKernelPatches,
  registerKernelPatch,
  type KernelPatch,
} from './kernels/patches';
export { simdKernelReady } from './kernels/simd/simd-kernels';
export {
  fromJsonTensor,
  isJsonTensor,
  toJsonTensor,
  toJsonTensorAsync,
  validateJsonTensor,
  type JsonTensor,
} from './tensor-json';

// Parameters
export { ParamStore, paramsFromRecord, sameShape, type NamedTensor, type Params } from './params/store';
export {
  constant,
  initTensor,
  initValues,
  normal,
  ones,
  torchLinearDefault,
  uniform,
  zeros,
  type Initializer,
} from './params/init';
export { instantiate, numel, specShapes, type ParamSpec } from './params/spec';
export {
  DEFAULT_LAYER_PATTERN,
  freeze,
  globToRegExp,
  layerIndex,
  matchesSelector,
  parseLayerRange,
  setTrainable,
  unfreeze,
  type ParamSelector,
} from './params/select';
export {
  defaultGroup,
  storeInfos,
  summarize,
  summarizeStore,
  type Counts,
  type ParamInfo,
  type ParamSummary,
} from './params/summary';

// Modules and plug-in interfaces
export { evalContext, trainContext, type ModuleContext } from './modules/context';
export {
  activationNames,
  dropout,
  gelu,
  geluTanh,
  getActivation,
  layerNorm,
  layerNormWith,
  linear,
  oneHotFloat,
  type Activation,
} from './modules/basic';
export { film, filmParams, filmSpecs } from './modules/film';
export {
  checkSpecification,
  type AdapterModule,
  type AttentionFactory,
  type AttentionInputs,
  type AttentionModule,
  type AttentionOptions,
  type LayerModule,
  type NormModule,
  type SpecificationVersion,
} from './plugins';

// BERT
export { BERT_CONFIG_LIMITS, bertConfigToJson, parseBertConfig, type BertConfig } from './bert/config';
export {
  bertAttention,
  mergeHeads,
  multiHeadSelfAttention,
  scaledDotProductAttention,
  selfAttentionSpecs,
  splitHeads,
  type ScaledDotProductOptions,
} from './bert/attention';
export { additiveMask, bertEmbeddings, checkSequenceLength, checkTokenInputs, embeddingSpecs } from './bert/embeddings';
export {
  bertPooler,
  classifierHead,
  crossEntropyPerExample,
  sequenceClassificationLoss,
  squaredErrorPerExample,
} from './bert/heads';
export { bertLayer, layerNormModule, linearSpecs, mount, residualNorm, type BertLayerParts } from './bert/layer';
export { BertDefinition, BertModel, type BertInputs, type BertModelOptions, type BertOutputs } from './bert/model';
export {
  IGNORE_INDEX,
  flattenChoices,
  maskedCrossEntropy,
  meanCrossEntropyIgnoring,
  multipleChoiceHead,
  multipleChoiceLoss,
  questionAnsweringHead,
  questionAnsweringLoss,
  tokenClassificationHead,
  tokenClassificationLoss,
} from './bert/task-heads';
export {
  BERT_TASK_ARCHITECTURES,
  BertTaskDefinition,
  BertTaskModel,
  bertTaskArchitecture,
  bertTaskHeadOf,
  type BertTaskHead,
  type BertTaskInputs,
  type BertTaskOutputs,
} from './bert/task-model';
export { loadBertTaskModel, saveBertTaskModel, type LoadTaskOptions } from './bert/task-load';

// I/O: file systems, safetensors, HF checkpoint folders
export {
  CONFIG_FILE,
  DEFAULT_IGNORED,
  MAX_HEADER_BYTES,
  SAFETENSORS_FILE,
  SAFETENSORS_INDEX_FILE,
  bytesSource,
  conversionHint,
  describeMatch,
  joinPath,
  loadHfCheckpoint,
  matchParameters,
  memoryFileSystem,
  readSafetensors,
  saveHfCheckpoint,
  serializeSafetensors,
  summarizeNames,
  type ByteSource,
  type FileSystem,
  type HfCheckpoint,
  type HfTensor,
  type MatchOptions,
  type ParameterMatch,
  type SafetensorsDtype,
  type SafetensorsEntry,
  type SafetensorsFile,
  type SafetensorsTensor,
  type SerializeOptions,
} from './io';
export {
  BERT_ENCODER_WEIGHT,
  checkMatch,
  describeCreated,
  loadBertModel,
  saveBertModel,
  storeFromCheckpoint,
  storeFromSpecs,
  type LoadOptions,
  type LoadReport,
} from './bert/load';

// Training maths
export {
  AdamW,
  GradientAccumulator,
  HF_NO_DECAY,
  clipByGlobalNorm,
  globalNorm,
  gradsByParamName,
  hasNonFinite,
  hfNoDecay,
  lrAt,
  lrFactor,
  toGradMap,
  warmupStepsFromRatio,
  type AdamWOptions,
  type AdamWState,
  type ClipResult,
  type GradMap,
  type ScheduleSpec,
} from './optim';

// Autodiff: a tape walk that frees intermediate gradients and activations as it goes
export { leanGradients, leanVariableGrads, type LeanGradients } from './autodiff/lean-grads';

// Tokenizer
export {
  BertTokenizer,
  DEFAULT_BERT_NORMALIZER,
  WordPiece,
  bertNormalize,
  bertNormalizeAligned,
  bertPreTokenize,
  decodeWordPiece,
  isBertPunctuation,
  loadTokenizer,
  longestFirstLengths,
  parseTokenizerJson,
  parseVocab,
  TOKENIZER_LIMITS,
  tokenizerConfigOptions,
  vocabConfig,
  type AddedToken,
  type AlignedText,
  type BatchEncodeOptions,
  type BatchEncoding,
  type BatchInput,
  type BertNormalizerOptions,
  type BertTokenizerConfig,
  type EncodeOptions,
  type Encoding,
  type PairTruncation,
  type SpecialToken,
  type SpecialTokens,
  type TruncationStrategy,
  type VocabOptions,
} from './tokenizer';

// Multi-task interfaces: tasks, samplers and models
export { TASK_KINDS } from './multitask/tasks';
export type {
  Example,
  MetricValues,
  ReadOptions,
  ReadResult,
  SkippedRow,
  SpanAnswer,
  TaskDefinition,
  TaskKind,
} from './multitask/tasks';
export type {
  Draw,
  SampleRequest,
  Sampler,
  SamplerContext,
  SamplerFactory,
  SamplerState,
  SamplerTask,
} from './multitask/sampler';
export type { MultiTaskBatch, MultiTaskModel, MultiTaskOutputs } from './multitask/model';
export {
  headLayout,
  headParameterNames,
  headSpecs,
  maskedLogSoftmax,
  multiTaskLoss,
  normalizedEntropy,
  perExampleLoss,
  rowClasses,
  taskHeads,
  type HeadLayout,
} from './multitask/task-heads';
export {
  LOG_VARS,
  LOSS_WEIGHTINGS,
  checkLossWeighting,
  lossWeightingSpecs,
  uncertaintyWeightedLoss,
  weightedMultiTaskLoss,
  type LossWeighting,
} from './multitask/loss-weighting';
export {
  HEAD_KINDS,
  applyKindHeads,
  defaultKinds,
  headPrefix,
  isSentenceKind,
  kindHeadOutputs,
  kindHeadSpecs,
  kindHeads,
  rowsOfKind,
  type HeadKind,
  type KindHeadOutputs,
  type KindHeads,
} from './multitask/kind-heads';
export {
  choiceRowEntropy,
  choiceRowLoss,
  sameExample,
  spanRowEntropy,
  spanRowLoss,
  tokenRowEntropy,
  tokenRowLoss,
  type RowLoss,
} from './multitask/kind-losses';
export { multiTaskObjective, type ObjectiveOptions, type ObjectiveOutputs } from './multitask/objective';
export { checkTaskKind, parseTaskKinds, taskKindsToJson } from './multitask/task-kinds';
export { MultiTaskModelBase, multiTaskConfigToJson, type MultiTaskConfigBase } from './multitask/model-base';
export {
  bertHeadSpecs,
  checkBatchFits,
  headsOnBert,
  type BertHeadsConfig,
  type BertHeadsOutputs,
} from './multitask/bert-heads';
export {
  MULTI_TASK_BERT_MODEL,
  MultiTaskBert,
  MultiTaskBertDefinition,
  createMultiTaskBert,
  isMultiTaskBertConfig,
  loadMultiTaskBert,
  multiTaskBert,
  multiTaskBertConfigToJson,
  multiTaskBertWithReport,
  parseMultiTaskBertConfig,
  type MultiTaskBertConfig,
  type MultiTaskBertOptions,
  type MultiTaskBertOutputs,
} from './multitask/multi-task-bert';
export { REFERENCE_RECIPE, type TrainingRecipe } from './multitask/recipe';
export {
  collate,
  exampleFirstRows,
  exampleLength,
  inLengthBuckets,
  disposeBatch,
  encodeExamples,
  lengthBuckets,
  taskIdTensor,
  type CollateOptions,
  type EncodeExamplesOptions,
  type EncodedExample,
} from './multitask/data';
export {
  DEFAULT_DOC_STRIDE,
  DEFAULT_MAX_QUERY_LENGTH,
  answerTokens,
  contextWindows,
  encodeChoiceExamples,
  encodeSpanExamples,
  encodeTokenExamples,
  type SpanEncodeOptions,
} from './multitask/encode-kinds';
export { bestSpan, spanPredictions, type SpanChoice, type SpanDecodeOptions } from './multitask/span-answers';
export { OUTSIDE_TAG, wordTags } from './multitask/token-words';
export {
  evaluate,
  predictRows,
  predictTask,
  type EvalResult,
  type EvalSet,
  type PredictOptions,
} from './multitask/evaluate';
export { predictKindRows, type TaskPrediction } from './multitask/predict-kinds';
export {
  BEST,
  LATEST,
  checkpointName,
  latestCheckpoint,
  loadTrainingCheckpoint,
  pruneCheckpoints,
  saveTrainingCheckpoint,
  type TrainerState,
} from './multitask/checkpoint';
export { Trainer, type TrainResult } from './multitask/trainer';
export {
  SELECT_BY_MEAN,
  averageScore,
  judgeEvaluation,
  type BestEvaluation,
  type Judgement,
  type SelectBy,
} from './multitask/selection';
export { TrainLog } from './multitask/train-log';
export { SCHEDULE_FILE, ScheduleLog, parseSchedule, scheduleLine, type ScheduleLine } from './multitask/schedule-log';
export { variablesFor } from './multitask/absent-heads';
export type {
  EvalProgress,
  TrainLogRecord,
  TrainProgress,
  TrainStepProgress,
  TrainerOptions,
  TrainerRecipe,
} from './multitask/trainer-options';
