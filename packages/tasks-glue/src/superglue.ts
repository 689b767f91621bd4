import type { MetricValues } from '@camtl/core';
import { meanOrNull } from './metrics';
import type { OfficialTask } from './official-task';
import {
  BOOLEAN_CLASSES,
  CB_CLASSES,
  COPA_CLASSES,
  ENTAILMENT_CLASSES,
  pairAxg,
  readAxb,
  readAxg,
  readBoolq,
  readCb,
  readCopa,
  readMultirc,
  readWic,
  readWsc,
} from './superglue-readers';
import { accuracyMetrics, axbMetrics, axgMetrics, cbMetrics, multircMetrics } from './superglue-metrics';
import { standardSplits, superglueTask } from './superglue-task';

/**
 * The SuperGLUE classification-style tasks, read from the official JSONL
 * release: a folder holding `BoolQ/`, `CB/`, `COPA/`, `MultiRC/`, `WiC/`,
 * `WSC/`, `AX-b/` and `AX-g/`. Each task folder has train/val/test.jsonl
 * (`val` is camtl's split `dev`); the diagnostics AX-b and AX-g are labelled
 * and are the split `test`. Submission file names are the server's.
 */

const accuracyScore = (m: MetricValues) => m.accuracy ?? null;

export const boolq: OfficialTask = superglueTask({
  name: 'boolq',
  kind: 'classification',
  classes: BOOLEAN_CLASSES,
  splits: standardSplits('BoolQ'),
  submissionFile: 'BoolQ.jsonl',
  readRecord: readBoolq,
  metrics: accuracyMetrics,
  score: accuracyScore,
});

/** CB's leaderboard score is the mean of accuracy and macro F1. */
export const cb: OfficialTask = superglueTask({
  name: 'cb',
  kind: 'classification',
  classes: CB_CLASSES,
  splits: standardSplits('CB'),
  submissionFile: 'CB.jsonl',
  readRecord: readCb,
  metrics: cbMetrics,
  score: (m) => meanOrNull([m.accuracy ?? null, m.f1 ?? null]),
});

export const copa: OfficialTask = superglueTask({
  name: 'copa',
  kind: 'multiple-choice',
  classes: COPA_CLASSES,
  splits: standardSplits('COPA'),
  submissionFile: 'COPA.jsonl',
  readRecord: readCopa,
  metrics: accuracyMetrics,
  score: accuracyScore,
});

/** MultiRC's leaderboard score is the mean of F1a and EM. */
export const multirc: OfficialTask = superglueTask({
  name: 'multirc',
  kind: 'classification',
  classes: BOOLEAN_CLASSES,
  splits: standardSplits('MultiRC'),
  submissionFile: 'MultiRC.jsonl',
  readRecord: readMultirc,
  grouped: true,
  metrics: (p, l, groups) => multircMetrics(p, l, groups!),
  score: (m) => meanOrNull([m.f1a ?? null, m.em ?? null]),
});

export const wic: OfficialTask = superglueTask({
  name: 'wic',
  kind: 'classification',
  classes: BOOLEAN_CLASSES,
  splits: standardSplits('WiC'),
  submissionFile: 'WiC.jsonl',
  readRecord: readWic,
  metrics: accuracyMetrics,
  score: accuracyScore,
});

export const wsc: OfficialTask = superglueTask({
  name: 'wsc',
  kind: 'classification',
  classes: BOOLEAN_CLASSES,
  splits: standardSplits('WSC'),
  submissionFile: 'WSC.jsonl',
  readRecord: readWsc,
  metrics: accuracyMetrics,
  score: accuracyScore,
});

/** AX-b: predicted with an RTE-style head; scored by Matthews correlation. */
export const axb: OfficialTask = superglueTask({
  name: 'axb',
  kind: 'classification',
  classes: ENTAILMENT_CLASSES,
  splits: { test: 'AX-b/AX-b.jsonl' },
  submissionFile: 'AX-b.jsonl',
  readRecord: readAxb,
  metrics: axbMetrics,
  score: (m) => m.mcc ?? null,
});

/** AX-g: accuracy and gender parity; its single score is the accuracy (parity is a bias check, not a skill). */
export const axg: OfficialTask = superglueTask({
  name: 'axg',
  kind: 'classification',
  classes: ENTAILMENT_CLASSES,
  splits: { test: 'AX-g/AX-g.jsonl' },
  submissionFile: 'AX-g.jsonl',
  readRecord: readAxg,
  finish: pairAxg,
  grouped: true,
  metrics: (p, l, groups) => axgMetrics(p, l, groups!),
  score: accuracyScore,
});

/** The SuperGLUE tasks camtl reads here (ReCoRD is a span task, elsewhere; RTE is GLUE's `rte`). */
export const SUPERGLUE_TASKS: readonly OfficialTask[] = [boolq, cb, copa, multirc, wic, wsc, axb, axg];
