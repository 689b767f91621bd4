import { parseConll } from './conll';
import { official, tokenTask } from './official-base';
import type { OfficialTask } from './official-task';

/** WNUT2017's entity types, in the order of HF's `wnut_17` label list (B- and I- of each after "O"). */
export const WNUT17_TYPES = ['corporation', 'creative-work', 'group', 'location', 'person', 'product'] as const;
export const WNUT17_LABELS: readonly string[] = ['O', ...WNUT17_TYPES.flatMap((t) => [`B-${t}`, `I-${t}`])];

/** WNUT2017 Emerging Entities, from the official repository's CoNLL files: one example per sentence. */
export const wnut17: OfficialTask = official(
  tokenTask({
    name: 'wnut17',
    dataset: 'wnut17',
    labels: WNUT17_LABELS,
    files: { train: 'wnut17train.conll', dev: 'emerging.dev.conll', test: 'emerging.test.annotated' },
    parse: (text, rows) => parseConll(text, rows, WNUT17_LABELS),
  }),
);
