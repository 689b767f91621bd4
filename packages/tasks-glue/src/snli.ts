import { official, classificationTask } from './official-base';
import type { OfficialTask } from './official-task';
import { jsonlPairs } from './pair-files';

/** SNLI's gold labels, in HF's `snli` ClassLabel order. */
export const SNLI_LABELS = ['entailment', 'neutral', 'contradiction'];

/**
 * SNLI 1.0 jsonl (`snli_1.0_{train,dev,test}.jsonl`): sentence1, sentence2,
 * gold_label, pairID. Pairs whose annotators reached no consensus have the
 * gold label "-"; as every SNLI user does, they are dropped and counted
 * ("pairs without a gold label ("-"), dropped"). A domain-adaptation target of the paper.
 */
export const snli: OfficialTask = official(
  classificationTask({
    name: 'snli',
    dataset: 'snli',
    labels: SNLI_LABELS,
    files: { train: 'snli_1.0_train.jsonl', dev: 'snli_1.0_dev.jsonl', test: 'snli_1.0_test.jsonl' },
    parse: (text, rows) =>
      jsonlPairs(
        text,
        rows,
        { textA: 'sentence1', textB: 'sentence2', label: 'gold_label', id: 'pairID' },
        { labels: SNLI_LABELS, drop: { '-': 'pairs without a gold label ("-"), dropped' } },
      ),
  }),
);
