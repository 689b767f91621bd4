/** One input through every task head of a CA-MTL model. */
import * as tf from '@tensorflow/tfjs-core';
import { collate, disposeBatch, normalizedEntropy, type EncodedExample } from '@camtl/core';
import type { LoadedModel } from './model';

export interface TaskPrediction {
  task: string;
  kind: 'classification' | 'regression';
  /** Classification: the winning class id and its probability; regression: the value. */
  label: string;
  labelName: string;
  score: number;
  /** Classification: softmax probabilities per class. */
  probabilities: number[];
  /** Normalised entropy of the head (0 = certain, 1 = uniform). */
  entropy: number;
}

export interface Prediction {
  tokens: string[];
  unknownTokens: string[];
  perTask: TaskPrediction[];
  ms: number;
}

function softmax(xs: number[]): number[] {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** Runs `textA` (and `textB`) once per task: a batch of T rows that differ only in their task id. */
export async function predictAll(loaded: LoadedModel, textA: string, textB?: string): Promise<Prediction> {
  const started = performance.now();
  const { model, tokenizer, tasks } = loaded;
  const enc = tokenizer.encode(textA, textB && textB.trim() ? textB : undefined, {
    maxSeqLength: model.maxSeqLength,
  });
  const rows: EncodedExample[] = tasks.map((_, t) => ({
    ids: enc.ids,
    typeIds: enc.typeIds,
    task: t,
    target: Number.NaN,
  }));
  const batch = collate(rows);
  let logits: number[][];
  let entropy: number[];
  try {
    const [l, e] = tf.tidy(() => {
      const out = model.forward(batch);
      return [out.logits, normalizedEntropy(out.logits, batch.taskIds, model.numLabelsPerTask)];
    });
    logits = (await l.array()) as number[][];
    entropy = Array.from(await e.data());
    tf.dispose([l, e]);
  } finally {
    disposeBatch(batch);
  }
  const perTask = tasks.map((task, t): TaskPrediction => {
    if (task.kind === 'regression') {
      const v = logits[t][0];
      const shown = task.range ? Math.min(task.range[1], Math.max(task.range[0], v)) : v;
      return {
        task: task.name,
        kind: 'regression',
        label: shown.toFixed(2),
        labelName: shown.toFixed(2),
        score: v,
        probabilities: [],
        entropy: 0,
      };
    }
    const probabilities = softmax(logits[t].slice(0, task.labels.length));
    const best = probabilities.indexOf(Math.max(...probabilities));
    return {
      task: task.name,
      kind: 'classification',
      label: task.labels[best],
      labelName: task.labelNames[best],
      score: probabilities[best],
      probabilities,
      entropy: entropy[t],
    };
  });
  const tokens = enc.tokens;
  const words = [textA, textB ?? ''].map((t) => tokenizer.preTokenize(t));
  const unknownTokens = [
    ...new Set(
      tokens.flatMap((tok, i) =>
        tok === '[UNK]' && enc.wordIds[i] !== null ? [words[enc.typeIds[i]]?.[enc.wordIds[i]!] ?? '?'] : [],
      ),
    ),
  ];
  return { tokens, unknownTokens, perTask, ms: performance.now() - started };
}
