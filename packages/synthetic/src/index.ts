// @camtl/synthetic — a deterministic synthetic multi-task text suite
// (sentiment, paraphrase, similarity, low-resource polarity), its word-level
// vocabulary, task definitions and a tiny model preset: camtl's built-in
// default for `camtl train` with no arguments.
export {
  NEAR_MISS_RATE,
  SUITE_VERSION,
  generateSuite,
  splitSizes,
  type SuiteOptions,
  type SyntheticExample,
  type SyntheticSuite,
  type SyntheticTask,
} from './suite';
export {
  SIMILARITY_NOISE,
  SPLITS,
  SYNTHETIC_TASKS,
  TASK_SPECS,
  taskSpec,
  type MetricName,
  type SplitName,
  type SyntheticTaskSpec,
} from './specs';
export { SYNONYM_RATE } from './events';
export { MANIFEST_FILE, VOCAB_FILE, suiteFiles, suiteManifest, writeSuite, type SuiteManifest } from './files';
export { SPECIAL_TOKENS, VOCAB_SIZE, buildVocab, preTokenize, suiteTokens, vocabTokens } from './vocab';
export { formatTsv, tsvColumns } from './tsv';
export {
  SCORE_RANGE,
  findSyntheticTask,
  syntheticTaskDefinition,
  syntheticTaskDefinitions,
  syntheticTaskSpec,
} from './definitions';
export { DEFAULT_MODEL_CONFIG, DEFAULT_TRAINING } from './config';
