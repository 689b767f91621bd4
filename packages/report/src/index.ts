// @camtl/report: the training log's record types (written by the trainer), a tolerant
// JSONL parser, a self-contained HTML report and a plain-text summary table.

export { LOG_VERSION } from './types';
export type { RunView } from './collect';
export type {
  CheckpointRecord,
  EndReason,
  EndRecord,
  EvalRecord,
  FinalSummary,
  JsonValue,
  LogRecord,
  LogRecordType,
  Metrics,
  ModelInfo,
  PerTask,
  RunConfig,
  RunRecord,
  StepRecord,
  TaskInfo,
  TaskKind,
} from './types';

export { LogParseError, parseLog, parseLogDetailed } from './parse';
export type { ParsedLog, ParseLogOptions } from './parse';
export { validateRecord } from './validate';

export { renderReport, renderReportFromJsonl } from './render';
export type { RenderOptions } from './render';

export { finalTable, summaryTable } from './summary';
export type { FinalTable, FinalTaskRow } from './summary';
export { BEST_VALUES_TITLE, bestValues } from './best-values';
export type { BestValue } from './best-values';

export { comparisonTable, formatStat, renderComparison } from './comparison';
export type { ComparisonData, ComparisonRow, ComparisonStat } from './comparison-types';
