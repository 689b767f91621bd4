import type { MetricValues, TaskDefinition } from '@camtl/core';

/** The folders of a data root laid out as camtl's shared data is: one folder per dataset. */
export type DatasetName = 'glue' | 'superglue' | 'wnut17' | 'scitail' | 'snli' | 'squad' | 'mrqa';

/**
 * A task of a published benchmark beyond GLUE (SuperGLUE, WNUT2017, SciTail,
 * SNLI, SQuAD/MRQA): a core TaskDefinition that also knows which dataset
 * folder it reads, and how `camtl metrics` scores predictions made elsewhere
 * (the JSON input shape of its official scorer; values are fractions in [0, 1]).
 */
export interface OfficialTask extends TaskDefinition {
  readonly dataset: DatasetName;
  /** `camtl metrics --task NAME --input IN.json`: the parsed IN.json → metrics; `source` names the file in errors. */
  metricsFromJson(input: unknown, source: string): MetricValues;
}
