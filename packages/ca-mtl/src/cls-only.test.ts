// ModuleContext.headRowsOnly, as MT-U's scoring asks: the last layer runs its
// [CLS] row alone when every head reads the pooled output, and the logits and
// entropies equal the full forward's; a model with token-level heads, a
// training forward and a forward collecting intermediates ignore it.
import * as tf from '@tensorflow/tfjs-core';
import {
  Rng,
  collate,
  disposeBatch,
  evalContext,
  normalizedEntropy,
  trainContext,
  type EncodedExample,
  type ModuleContext,
  type TaskKind,
} from '@camtl/core';
import { describeEachBackend, maxAbsDiff } from '@camtl/core/testing';
import { expect, it } from 'vitest';
import type { CaMtlInputs } from './ca-mtl-definition';
import type { ConditionalComponent } from './config';
import { createCaMtl } from './ca-mtl-model';
import { createMtlBert } from './mtl-bert';
import type { CamtlMultiTaskModel } from './models';
import { batch, smallBertCheckpoint } from './test-helpers';

const TASKS = ['mrpc', 'mnli', 'sts-b'];

/** Random task conditioning (generators and A are zero or near it at init), so the tasks differ. */
function randomiseConditioning(model: CamtlMultiTaskModel): void {
  const rng = new Rng(4);
  for (const [name, v] of model.store.vars) {
    if (/gb_weights\.weight$|random_weight_matrix$/.test(name))
      v.assign(tf.randomNormal(v.shape, 0, 0.3, 'float32', rng.int(1e6)));
  }
}

async function caMtl(variant: 'base' | 'large', without: ConditionalComponent[] = []) {
  const { fs } = await smallBertCheckpoint();
  const options = { without };
  const { model } = await createCaMtl({ base: 'bert', fs, tasks: TASKS, variant, maxSeqLength: 16, seed: 1, options });
  randomiseConditioning(model);
  return model;
}

type Forward = (x: CaMtlInputs, ctx: ModuleContext) => ReturnType<CamtlMultiTaskModel['forward']>;

/** Logits, entropies and pooled output within 1e-5 of the full forward; the sequence output is its row 0. */
function expectSameHeads(forward: Forward, x: CaMtlInputs, numLabels: readonly number[]): void {
  tf.tidy(() => {
    const full = forward(x, evalContext());
    const cls = forward(x, evalContext({ headRowsOnly: true }));
    const [B, , H] = full.sequenceOutput.shape;
    expect(cls.sequenceOutput.shape).toEqual([B, 1, H]); // the [CLS]-only path ran
    const row0 = tf.slice(full.sequenceOutput, [0, 0, 0], [-1, 1, -1]);
    expect(maxAbsDiff(cls.sequenceOutput.dataSync(), row0.dataSync())).toBeLessThan(1e-5);
    expect(maxAbsDiff(cls.pooledOutput.dataSync(), full.pooledOutput.dataSync())).toBeLessThan(1e-5);
    expect(maxAbsDiff(cls.logits.dataSync(), full.logits.dataSync())).toBeLessThan(1e-5);
    const entropy = (logits: tf.Tensor2D) => normalizedEntropy(logits, x.taskIds, numLabels).dataSync();
    expect(maxAbsDiff(entropy(cls.logits), entropy(full.logits))).toBeLessThan(1e-5);
    const [first, second] = full.logits.arraySync() as number[][];
    expect(maxAbsDiff(first, second)).toBeGreaterThan(1e-3); // rows differ: a wrong row would show
  });
}

describeEachBackend('CA-MTL with headRowsOnly (MT-U scoring)', () => {
  const x = () => batch([9, 4, 12, 6, 11], [0, 1, 2, 0, 1], 12);

  for (const variant of ['base', 'large'] as const) {
    it(`${variant}: the [CLS]-only last layer gives the full forward's logits and entropies`, async () => {
      const model = await caMtl(variant);
      expectSameHeads((b, ctx) => model.forward(b, ctx), x(), model.numLabelsPerTask);
      model.dispose();
    });
  }

  it('ablations: a plain-attention top layer and a base top without its bottleneck', async () => {
    for (const without of [['conditional-attention'], ['conditional-bottleneck']] as ConditionalComponent[][]) {
      for (const variant of ['base', 'large'] as const) {
        const model = await caMtl(variant, without);
        expectSameHeads((b, ctx) => model.forward(b, ctx), x(), model.numLabelsPerTask);
        model.dispose();
      }
    }
  });

  it('MTL-BERT: the same through core’s BERT encoder', async () => {
    const { fs } = await smallBertCheckpoint();
    const { model } = await createMtlBert({ base: 'bert', fs, tasks: TASKS, maxSeqLength: 16, seed: 1 });
    expectSameHeads((b, ctx) => model.forward(b, ctx), x(), model.numLabelsPerTask);
    model.dispose();
  });

  it('training and collected intermediates keep every row', async () => {
    const model = await caMtl('base');
    tf.tidy(() => {
      const train = model.forward(x(), trainContext(new Rng(1), { headRowsOnly: true }));
      expect(train.sequenceOutput.shape[1]).toBe(12);
      const collected = model.forward(x(), evalContext({ headRowsOnly: true }), true);
      expect(collected.sequenceOutput.shape[1]).toBe(12);
      expect(collected.intermediates!['hidden_states.4'].shape[1]).toBe(12);
    });
    model.dispose();
  });
});

// Heads of every kind: token and span heads read token rows, so the model must fall back.
const MIXED = ['cls', 'reg', 'ner', 'qa', 'mc'];
const MIXED_LABELS = [3, 1, 5, 2, 1];
const MIXED_KINDS: TaskKind[] = [
  'classification',
  'regression',
  'token-classification',
  'span-extraction',
  'multiple-choice',
];

const seq = (n: number, k: number) => ({
  ids: Array.from({ length: n }, (_, j) => (j === 0 ? 2 : 5 + ((k * 7 + j * 3) % 40))),
  typeIds: Array.from({ length: n }, (_, j) => (j >= n / 2 ? 1 : 0)),
});
const example = (task: number, n: number, k: number, extra: Partial<EncodedExample> = {}): EncodedExample => ({
  ...seq(n, k),
  task,
  target: Number.NaN,
  ...extra,
});
const ROWS = [
  example(0, 7, 1),
  example(1, 5, 3),
  example(2, 8, 5),
  example(3, 11, 8),
  example(4, 6, 9, { choices: [seq(6, 9), seq(7, 10)] }),
];

async function kindsModel(architecture: 'ca-mtl' | 'mtl-bert', kinds: TaskKind[]) {
  const { fs } = await smallBertCheckpoint();
  const options = { base: 'bert', fs, tasks: MIXED, numLabels: MIXED_LABELS, taskKinds: kinds, maxSeqLength: 16 };
  const { model } =
    architecture === 'ca-mtl'
      ? await createCaMtl({ ...options, seed: 2 })
      : await createMtlBert({ ...options, seed: 2 });
  return model as CamtlMultiTaskModel;
}

describeEachBackend('headRowsOnly with heads that read token rows', () => {
  for (const architecture of ['ca-mtl', 'mtl-bert'] as const) {
    it(`${architecture}: token and span heads make the forward ignore it, bit for bit`, async () => {
      const model = await kindsModel(architecture, MIXED_KINDS);
      const b = collate(ROWS);
      tf.tidy(() => {
        const full = model.forward(b, evalContext());
        const asked = model.forward(b, evalContext({ headRowsOnly: true }));
        expect(asked.sequenceOutput.shape).toEqual(full.sequenceOutput.shape);
        for (const key of [
          'logits',
          'tokenLogits',
          'startLogits',
          'endLogits',
          'choiceLogits',
          'normalizedEntropy',
        ] as const) {
          expect(maxAbsDiff(asked[key]!.dataSync(), full[key]!.dataSync()), key).toBe(0);
        }
      });
      disposeBatch(b);
      model.dispose();
    });
  }

  it('multiple choice reads the pooled output: honoured, choice logits within 1e-5', async () => {
    const kinds = MIXED_KINDS.map((k) =>
      k === 'token-classification' || k === 'span-extraction' ? 'classification' : k,
    );
    const model = await kindsModel('ca-mtl', kinds);
    const b = collate(ROWS);
    tf.tidy(() => {
      const full = model.forward(b, evalContext());
      const cls = model.forward(b, evalContext({ headRowsOnly: true }));
      expect(cls.sequenceOutput.shape[1]).toBe(1);
      for (const key of ['logits', 'choiceLogits', 'normalizedEntropy'] as const) {
        expect(maxAbsDiff(cls[key]!.dataSync(), full[key]!.dataSync()), key).toBeLessThan(1e-5);
      }
    });
    disposeBatch(b);
    model.dispose();
  });
});
