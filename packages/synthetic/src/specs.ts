/**
 * What the synthetic tasks are, as data: names, folders, labels, sizes at
 * scale 1, and how they are scored. The generators (suite.ts) and the task
 * definitions (definitions.ts) both read this table, so the TSV files and
 * their readers cannot drift apart.
 */
import type { TaskKind } from '@camtl/core';

export type SplitName = 'train' | 'dev' | 'test';
export const SPLITS: readonly SplitName[] = ['train', 'dev', 'test'];

/** The @camtl/tasks-glue metrics the synthetic tasks report. */
export type MetricName = 'accuracy' | 'f1' | 'pearson' | 'spearman';

export interface SyntheticTaskSpec {
  /** Task name, "synthetic-…". */
  readonly name: string;
  /** Folder under the suite directory, GLUE-style ("Sentiment/train.tsv"). */
  readonly folder: string;
  readonly kind: TaskKind;
  /** Classification labels in class-id order, as written in the files. */
  readonly labels?: readonly string[];
  /** Two texts per example (sentence1, sentence2) or one (sentence). */
  readonly pair: boolean;
  /** Examples per split at scale 1; multiples of the strata weights' sum, so strata come out exact. */
  readonly sizes: Readonly<Record<SplitName, number>>;
  /** The values examples are balanced over: the labels, or the similarity levels. */
  readonly strata: readonly string[];
  /** Relative share of each stratum (default: equal). */
  readonly strataWeights?: readonly number[];
  readonly metrics: readonly MetricName[];
  /** The task's single score: the mean of these metrics (GLUE convention). */
  readonly scoreOf: readonly MetricName[];
  /** The score of uniform random guessing (labels are balanced; for regression, no correlation). */
  readonly chance: number;
}

/** Gaussian noise (σ) added to a similarity score, as rater disagreement. */
export const SIMILARITY_NOISE = 0.3;

export const TASK_SPECS: readonly SyntheticTaskSpec[] = [
  {
    name: 'synthetic-sentiment',
    folder: 'Sentiment',
    kind: 'classification',
    labels: ['0', '1'],
    pair: false,
    sizes: { train: 1600, dev: 300, test: 300 },
    strata: ['0', '1'],
    metrics: ['accuracy', 'f1'],
    scoreOf: ['accuracy'],
    chance: 0.5,
  },
  {
    name: 'synthetic-paraphrase',
    folder: 'Paraphrase',
    kind: 'classification',
    labels: ['0', '1'],
    pair: true,
    sizes: { train: 1200, dev: 300, test: 300 },
    strata: ['0', '1'],
    metrics: ['accuracy', 'f1'],
    scoreOf: ['accuracy', 'f1'],
    chance: 0.5,
  },
  {
    name: 'synthetic-similarity',
    folder: 'Similarity',
    kind: 'regression',
    pair: true,
    sizes: { train: 1400, dev: 350, test: 350 },
    strata: ['0', '1', '2', '3', '4'],
    strataWeights: [2, 1, 1, 1, 2],
    metrics: ['pearson', 'spearman'],
    scoreOf: ['pearson', 'spearman'],
    chance: 0,
  },
  {
    name: 'synthetic-polarity',
    folder: 'Polarity',
    kind: 'classification',
    labels: ['negative', 'neutral', 'positive'],
    pair: false,
    sizes: { train: 240, dev: 150, test: 150 },
    strata: ['negative', 'neutral', 'positive'],
    metrics: ['accuracy'],
    scoreOf: ['accuracy'],
    chance: 1 / 3,
  },
];

/** The task names, in suite order. */
export const SYNTHETIC_TASKS: readonly string[] = TASK_SPECS.map((t) => t.name);

export function taskSpec(name: string): SyntheticTaskSpec | undefined {
  return TASK_SPECS.find((t) => t.name === name.toLowerCase());
}
