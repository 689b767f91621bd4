// @camtl/tasks-glue — more than GLUE despite its name: the GLUE, SuperGLUE, WNUT2017, SciTail, SNLI and
// SQuAD/MRQA tasks (`ALL_TASKS`, `resolveTasks` by task or suite name), the GLUE tasks (a table, and `resolveTask` by name),
// `defineTask` for your own TSV/JSONL tasks, the GLUE metrics, the test-server
// submission writer, split inspection and the GLUE score (paper or mean convention).

export {
  METRIC_NAMES,
  accAndF1,
  accuracy,
  averageRanks,
  computeMetrics,
  defaultMetricNames,
  f1,
  f1Macro,
  isMetricName,
  matthewsCorrcoef,
  meanOrNull,
  mse,
  pearson,
  pearsonAndSpearman,
  spearman,
  type MetricName,
} from './metrics';
export { parseJsonl, parseTsv, splitLines, type ColumnRef, type Columns, type RawRow, type Role } from './formats';
export { parseCsv } from './csv';
export { defineTask, parseNumber, type DefinedTask, type FileSpec, type TaskSpec } from './define';
export {
  GLUE_ALIASES,
  GLUE_TASKS,
  GLUE_TASK_NAMES,
  ax,
  cola,
  mnli,
  mrpc,
  qnli,
  qqp,
  resolveTask,
  rte,
  sst2,
  stsb,
  taskMetrics,
  wnli,
} from './glue';
export {
  GLUE_SUBMISSION_FILES,
  SUBMISSION_ZIP,
  glueSubmissionFiles,
  submissionTsv,
  writeGlueSubmission,
  zipSubmission,
  type SubmissionEntry,
  type SubmissionResult,
  type TaskPredictions,
} from './submission';
export {
  GLUE_CONVENTIONS,
  GLUE_SCORE_TASKS,
  glueScore,
  glueScoreTask,
  glueSelection,
  type GlueConvention,
  type GlueScore,
} from './glue-score';
export {
  SUPERGLUE_SUBMISSION_FILES,
  pythonJson,
  superglueJsonl,
  superglueSubmissionFiles,
  writeSuperGlueSubmission,
  type SuperGlueSubmissionEntry,
} from './superglue-submission';
export { formatInspection, inspectSplit, type InspectOptions, type InspectedExample, type Inspection } from './inspect';
export type { DatasetName, OfficialTask } from './official-task';
export { SUPERGLUE_TASKS, axb, axg, boolq, cb, copa, multirc, wic, wsc } from './superglue';
export {
  accuracyMetrics,
  axbMetrics,
  axgMetrics,
  cbMetrics,
  classIdsFromJson,
  genderParity,
  multircMetrics,
  parseMetricsInput,
  type MetricsInput,
} from './superglue-metrics';
export { COPA_QUESTIONS } from './superglue-readers';
export { standardSplits, superglueTask, type SuperGlueSpec } from './superglue-task';
export { readJsonlSplit, type JsonRecord, type QuirkCounts, type RecordReader } from './jsonl-records';
export { squadExactMatch, squadF1, squadMetrics, squadNormalizeAnswer, pythonSplit } from './squad-metrics';
export { getEntities, seqevalMetrics, type Entity } from './seqeval';
export {
  classificationTask,
  official,
  Rows,
  spanTask,
  tokenTask,
  type BaseSpec,
  type KindTask,
  type Parser,
} from './official-base';
export { parseSquad, squad } from './squad';
export { MRQA_TASKS, hotpotqa, mrqaTask, naturalquestions, newsqa, readMrqa, searchqa, triviaqa } from './mrqa';
export { parseRecord, record, recordPassage } from './record';
export { parseConll } from './conll';
export { WNUT17_LABELS, WNUT17_TYPES, wnut17 } from './wnut17';
export { SCITAIL_LABELS, scitail } from './scitail';
export { SNLI_LABELS, snli } from './snli';
export { EXTRA_TASKS } from './extra-tasks';
export { TASK_SUITES } from './suites';
export { KIND_METRICS } from './define-kinds';
export { ALL_TASKS, resolveTasks } from './all-tasks';
