/**
 * Plain-JS baselines for the learnability tests: a bag-of-words logistic
 * regression, a best-single-word rule, and word-overlap features for pairs.
 * They show the signal exists (and that one word is not enough), nothing more.
 */
import { Rng } from '@camtl/core';
import { preTokenize } from './vocab';

export interface Labelled {
  text: string;
  textB?: string;
  y: number;
}

type Sparse = Map<number, number>;

/** Multinomial logistic regression on sparse features: seeded SGD, a few epochs. */
export function trainLogistic(xs: Sparse[], ys: number[], classes: number, dim: number, epochs = 30, lr = 0.1) {
  const w = Array.from({ length: classes }, () => new Float64Array(dim + 1));
  const scores = (x: Sparse) =>
    w.map((wc) => {
      let s = wc[dim];
      for (const [j, v] of x) s += wc[j] * v;
      return s;
    });
  const order = xs.map((_, i) => i);
  const rng = new Rng(1);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const i of rng.shuffle(order)) {
      const s = scores(xs[i]);
      const m = Math.max(...s);
      const e = s.map((v) => Math.exp(v - m));
      const z = e.reduce((a, b) => a + b, 0);
      e.forEach((ec, c) => {
        const g = lr * (ec / z - (c === ys[i] ? 1 : 0));
        for (const [j, v] of xs[i]) w[c][j] -= g * v;
        w[c][dim] -= g;
      });
    }
  }
  return (x: Sparse) => {
    const s = scores(x);
    return s.indexOf(Math.max(...s));
  };
}

/** Word-presence features over a vocabulary learned from the training texts. */
export function bagOfWords(train: Labelled[]) {
  const index = new Map<string, number>();
  for (const ex of train) for (const t of preTokenize(ex.text)) if (!index.has(t)) index.set(t, index.size);
  const features = (text: string): Sparse => {
    const x: Sparse = new Map();
    for (const t of preTokenize(text)) if (index.has(t)) x.set(index.get(t)!, 1);
    return x;
  };
  return { dim: index.size, features };
}

export function accuracyOf(predict: (ex: Labelled) => number, data: Labelled[]): number {
  return data.filter((ex) => predict(ex) === ex.y).length / data.length;
}

export function bowAccuracy(train: Labelled[], dev: Labelled[], classes: number): number {
  const bow = bagOfWords(train);
  const model = trainLogistic(
    train.map((ex) => bow.features(ex.text)),
    train.map((ex) => ex.y),
    classes,
    bow.dim,
  );
  return accuracyOf((ex) => model(bow.features(ex.text)), dev);
}

/**
 * The best rule "class c when word w is present, else class d", chosen on
 * train: what a model that looks at one token can do.
 */
export function bestSingleWordAccuracy(train: Labelled[], dev: Labelled[], classes: number): number {
  const sets = train.map((ex) => new Set(preTokenize(ex.text)));
  const total = new Array<number>(classes).fill(0);
  const withWord = new Map<string, number[]>();
  train.forEach((ex, i) => {
    total[ex.y]++;
    for (const w of sets[i]) {
      if (!withWord.has(w)) withWord.set(w, new Array<number>(classes).fill(0));
      withWord.get(w)![ex.y]++;
    }
  });
  // For word w, predicting c when present and d when absent is right on
  // with[c] + (total[d] - with[d]) training examples.
  let best = { correct: -1, word: '', c: 0, d: 0 };
  for (const [word, counts] of withWord) {
    const c = counts.indexOf(Math.max(...counts));
    const rest = total.map((t, k) => t - counts[k]);
    const d = rest.indexOf(Math.max(...rest));
    if (counts[c] + rest[d] > best.correct) best = { correct: counts[c] + rest[d], word, c, d };
  }
  return accuracyOf((ex) => (preTokenize(ex.text).includes(best.word) ? best.c : best.d), dev);
}

/** Jaccard overlap of the two texts' word sets (punctuation ignored). */
export function overlap(a: string, b: string): number {
  const sa = new Set(preTokenize(a).filter((t) => /^[a-z]/.test(t)));
  const sb = new Set(preTokenize(b).filter((t) => /^[a-z]/.test(t)));
  const shared = [...sa].filter((t) => sb.has(t)).length;
  return shared / (sa.size + sb.size - shared);
}

/** Paraphrase by thresholding word overlap, with the threshold chosen on train. */
export function overlapThresholdAccuracy(train: Labelled[], dev: Labelled[]): number {
  const scored = train.map((ex) => ({ o: overlap(ex.text, ex.textB ?? ''), y: ex.y }));
  let best = { acc: -1, t: 0 };
  for (const { o: t } of scored) {
    const acc = scored.filter((s) => (s.o >= t ? 1 : 0) === s.y).length / scored.length;
    if (acc > best.acc) best = { acc, t };
  }
  return accuracyOf((ex) => (overlap(ex.text, ex.textB ?? '') >= best.t ? 1 : 0), dev);
}
