import * as tf from '@tensorflow/tfjs-core';
import {
  BertTokenizer,
  collate,
  disposeBatch,
  encodeExamples,
  evalContext,
  predictTask,
  type EncodedExample,
  type TaskDefinition,
  type TaskKind,
} from '@camtl/core';
import { describeEachBackend, expectNoLeak } from '@camtl/core/testing';
import { expect, it } from 'vitest';
import { createCaMtl, loadCaMtl } from './ca-mtl-model';
import { smallBertCheckpoint } from './test-helpers';

// One task of every kind: a 3-way classifier, a regression, a 5-tag NER head, extractive QA, multiple choice.
const TASKS = ['cls', 'reg', 'ner', 'qa', 'mc'];
const NUM_LABELS = [3, 1, 5, 2, 1];
const KINDS: TaskKind[] = [
  'classification',
  'regression',
  'token-classification',
  'span-extraction',
  'multiple-choice',
];
const S = 12;

const seq = (n: number, k: number) => ({
  ids: Array.from({ length: n }, (_, j) => (j === 0 ? 2 : 5 + ((k * 7 + j * 3) % 40))),
  typeIds: Array.from({ length: n }, (_, j) => (j >= n / 2 ? 1 : 0)),
});
const ex = (task: number, n: number, k: number, extra: Partial<EncodedExample>): EncodedExample => ({
  ...seq(n, k),
  task,
  target: Number.NaN,
  ...extra,
});

/** Two examples of each task; the multiple-choice ones have 2 and 3 choices. */
function examples(): EncodedExample[][] {
  return [
    [ex(0, 7, 1, { target: 2 }), ex(0, 4, 2, { target: 0 })],
    [ex(1, 5, 3, { target: 0.7 }), ex(1, 9, 4, { target: -1.2 })],
    [
      ex(2, 8, 5, { tokenTargets: [-100, 1, -100, 4, 0, 2, -100, -100] }),
      ex(2, 6, 6, { tokenTargets: [-100, 3, 3, -100, 0, -100] }),
    ],
    [ex(3, 9, 7, { startPosition: 3, endPosition: 5 }), ex(3, 11, 8, { startPosition: 0, endPosition: 0 })],
    [
      ex(4, 6, 9, { target: 1, choices: [seq(6, 9), seq(7, 10)] }),
      ex(4, 5, 11, { target: 2, choices: [seq(5, 11), seq(8, 12), seq(4, 13)] }),
    ],
  ];
}

function ce(logits: tf.Tensor2D, labels: number[]): tf.Scalar {
  const logp = tf.logSoftmax(logits);
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(labels, logits.shape[1]), logp), -1))) as tf.Scalar;
}

/** Task t's loss as HF computes it for a batch of that task alone. */
function hfLoss(
  t: number,
  out: ReturnType<Awaited<ReturnType<typeof createCaMtl>>['model']['forward']>,
  rows: EncodedExample[],
) {
  if (t === 0)
    return ce(
      tf.slice(out.logits, [0, 0], [-1, 3]),
      rows.map((r) => r.target),
    );
  if (t === 1)
    return tf.mean(
      tf.square(
        tf.sub(
          tf.reshape(tf.slice(out.logits, [0, 0], [-1, 1]), [-1]),
          rows.map((r) => r.target),
        ),
      ),
    );
  if (t === 2) {
    const logits = tf.reshape(tf.slice(out.tokenLogits!, [0, 0, 0], [-1, -1, 5]), [-1, 5]); // [N·S, 5]
    const labels = rows.flatMap((r) => [...r.tokenTargets!, ...new Array(S - r.tokenTargets!.length).fill(-100)]);
    const keep = labels.flatMap((l, i) => (l === -100 ? [] : [i]));
    return ce(
      tf.gather(logits, keep) as tf.Tensor2D,
      keep.map((i) => labels[i]),
    );
  }
  if (t === 3) {
    const start = ce(
      out.startLogits!,
      rows.map((r) => r.startPosition!),
    );
    return tf.div(
      tf.add(
        start,
        ce(
          out.endLogits!,
          rows.map((r) => r.endPosition!),
        ),
      ),
      2,
    );
  }
  // Multiple choice: each example's choice rows viewed as one row of C logits.
  const scores = out.choiceLogits!;
  const losses = [
    ce(tf.reshape(tf.slice(scores, [0], [2]), [1, 2]), [1]),
    ce(tf.reshape(tf.slice(scores, [2], [3]), [1, 3]), [2]),
  ];
  return tf.div(tf.addN(losses), 2);
}

/** A CA-MTL model over one task of every kind, on the small random BERT. */
async function kindsModel(maxSeqLength: number) {
  const { fs } = await smallBertCheckpoint();
  const options = { tasks: TASKS, numLabels: NUM_LABELS, taskKinds: KINDS, maxSeqLength, seed: 2 };
  const { model } = await createCaMtl({ base: 'bert', fs, ...options });
  return { fs, model };
}

describeEachBackend('a batch mixing every task kind', () => {
  it('trains with the mean over tasks of each kind’s HF loss; its gradients match a per-kind computation', async () => {
    const { model } = await kindsModel(S);
    expect(model.store.get('decoders.2.classifier.weight').shape).toEqual([5, 32]);
    expect(model.store.get('decoders.3.qa_outputs.weight').shape).toEqual([2, 32]);
    expect(model.store.get('decoders.4.classifier.weight').shape).toEqual([1, 32]);
    expect(model.taskParameters[3]).toEqual(['decoders.3.qa_outputs.weight', 'decoders.3.qa_outputs.bias']);
    const perTask = examples();
    const mixed = collate(perTask.flat(), { padTo: S, labels: true });
    expect(mixed.inputIds.shape).toEqual([13, S]); // 8 one-row examples + 2 + 3 choice rows
    const vars = [...model.store.trainable().values()];
    const got = tf.variableGrads(() => model.forward(mixed, evalContext()).loss!, vars);
    const batches = perTask.map((rows) => collate(rows, { padTo: S, labels: true }));
    const want = tf.variableGrads(() => {
      const losses = batches.map((b, t) => hfLoss(t, model.forward(b, evalContext()), perTask[t]));
      return tf.div(tf.addN(losses), losses.length) as tf.Scalar;
    }, vars);
    expect(Math.abs((await got.value.data())[0] - (await want.value.data())[0])).toBeLessThan(1e-5);
    let worst = 0;
    for (const name of Object.keys(want.grads)) {
      const diff = tf.max(tf.abs(tf.sub(got.grads[name], want.grads[name])));
      worst = Math.max(worst, (await diff.data())[0]);
    }
    expect(worst).toBeLessThan(1e-5);
    expect(Object.keys(got.grads).sort()).toEqual(Object.keys(want.grads).sort());
    tf.dispose([got.value, want.value, ...Object.values(got.grads), ...Object.values(want.grads)]);
    expectNoLeak(() => {
      const r = tf.variableGrads(() => model.forward(mixed, evalContext()).loss!, vars);
      tf.dispose([r.value, ...Object.values(r.grads)]);
    }, 2);
    [mixed, ...batches].forEach(disposeBatch);
    model.dispose();
  });

  it('gives every row its kind’s normalised uncertainty in [0, 1], and keeps the kinds through save and load', async () => {
    const { fs, model } = await kindsModel(S);
    const rows = examples().flat();
    const batch = collate(rows, { padTo: S });
    const out = model.forward(batch, evalContext());
    const h = Array.from(await out.normalizedEntropy!.data());
    expect(h).toHaveLength(13);
    h.forEach((v) => expect(v).toBeGreaterThanOrEqual(0));
    h.forEach((v) => expect(v).toBeLessThanOrEqual(1 + 1e-5));
    // Multiple choice: H(softmax over the example's choices)/log C, the same on each of its rows.
    const scores = Array.from(await out.choiceLogits!.data());
    const entropy = (x: number[]) => {
      const z = x.map(Math.exp).reduce((a, b) => a + b, 0);
      return -x.reduce((a, v) => a + (Math.exp(v) / z) * (v - Math.log(z)), 0) / (Math.log(x.length) + 1e-5);
    };
    expect(h[8]).toBeCloseTo(entropy(scores.slice(8, 10)), 5);
    expect(h[9]).toBeCloseTo(h[8], 6);
    expect(h[10]).toBeCloseTo(entropy(scores.slice(10, 13)), 5);
    await model.save('saved', fs);
    expect(JSON.parse(await fs.readText('saved/config.json')).task_kinds).toEqual(KINDS);
    const { model: loaded } = await loadCaMtl('saved', fs);
    expect(loaded.taskKinds).toEqual(KINDS);
    const again = Array.from(await loaded.forward(batch, evalContext()).normalizedEntropy!.data());
    again.forEach((v, i) => expect(v).toBeCloseTo(h[i], 6));
    disposeBatch(batch);
    model.dispose();
    loaded.dispose();
  });
});

describeEachBackend('predictions of every task kind', () => {
  it('reads back choice ids, word tags and answer texts from the original contexts', async () => {
    const words = ['the', 'cat', 'sat', 'on', 'mat', 'dog', 'ran', 'far', 'away', 'home', 'red', 'big', 'who', 'what'];
    const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...words].join('\n');
    const tokenizer = BertTokenizer.fromVocab(vocab, { lowercase: true });
    const { model } = await kindsModel(16);
    const def = (name: string, kind: TaskKind, labels?: string[]) =>
      ({ name, kind, labels }) as unknown as TaskDefinition;
    const tags = ['O', 'B-x', 'I-x', 'B-y', 'I-y'];
    const ner = [{ textA: 'The cat sat', words: ['The', 'cat', 'sat'], tags: ['O', 'B-x', 'O'] }];
    const nerTask = { ...def('ner', 'token-classification', tags), target: (t: string) => tags.indexOf(t) };
    const nerRows = encodeExamples(tokenizer, ner, nerTask, 2, 16);
    expect(await predictTask(model, nerTask, nerRows, ner)).toEqual([expect.any(Array)]);
    const [wordTags] = (await predictTask(model, nerTask, nerRows, ner)) as string[][];
    expect(wordTags).toHaveLength(3);
    wordTags.forEach((t) => expect(tags).toContain(t));
    const context = 'The big red Dog ran far away home on the mat';
    const qa = [{ textA: 'who ran', textB: context, answers: [{ text: 'red Dog', start: 8 }] }];
    const qaTask = def('qa', 'span-extraction');
    const qaRows = encodeExamples(tokenizer, qa, qaTask, 3, 12, { docStride: 3 });
    expect(qaRows.length).toBeGreaterThan(1); // the context takes several windows
    const [answer] = (await predictTask(model, qaTask, qaRows, qa)) as string[];
    expect(context).toContain(answer); // a span of the original text, its casing kept
    const mc = [{ textA: 'the cat', choices: ['sat', 'ran far', 'on the mat'], label: '2' }];
    const mcTask = def('mc', 'multiple-choice');
    const [picked] = (await predictTask(model, mcTask, encodeExamples(tokenizer, mc, mcTask, 4, 16), mc)) as number[];
    expect([0, 1, 2]).toContain(picked);
    model.dispose();
  });
});
