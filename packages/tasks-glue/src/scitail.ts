import { official, classificationTask } from './official-base';
import type { OfficialTask } from './official-task';
import { tsvPairs } from './pair-files';

/** SciTail's labels as its tsv release writes them (HF's `scitail` tsv_format order). */
export const SCITAIL_LABELS = ['entails', 'neutral'];

/**
 * SciTail 1.0, the `tsv_format` release: no header, `premise<TAB>hypothesis<TAB>label`.
 * A domain-adaptation target of the paper (with 0.1–100 % of its training data).
 */
export const scitail: OfficialTask = official(
  classificationTask({
    name: 'scitail',
    dataset: 'scitail',
    labels: SCITAIL_LABELS,
    files: { train: 'scitail_1.0_train.tsv', dev: 'scitail_1.0_dev.tsv', test: 'scitail_1.0_test.tsv' },
    parse: (text, rows) =>
      tsvPairs(text, rows, { textA: 0, textB: 1, label: 2 }, ['premise', 'hypothesis', 'label'], {
        labels: SCITAIL_LABELS,
      }),
  }),
);
