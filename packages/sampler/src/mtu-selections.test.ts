// MT-U's scoring without padding and with a [CLS]-only last layer selects
// exactly what the one forward over the whole pool at the fixed training
// length (the reference's 128) selected, step after step.
import * as tf from '@tensorflow/tfjs-core';
import {
  BertDefinition,
  Rng,
  collate,
  disposeBatch,
  evalContext,
  headLayout,
  headSpecs,
  instantiate,
  multiTaskObjective,
  normalizedEntropy,
  parseBertConfig,
  trainContext,
  type EncodedExample,
  type MultiTaskBatch,
  type ModuleContext,
  type MultiTaskModel,
  type ParamStore,
  type Sampler,
} from '@camtl/core';
import { describeEachBackend } from '@camtl/core/testing';
import { expect, it } from 'vitest';
import type { Scorer } from './candidate-scoring';
import { mtUncertainty, mtUncertaintyWith, type MtUncertaintyOptions } from './mt-uncertainty';
import { context } from './test-helpers';

const PAD_TO = 24;
const NUM_LABELS = [2, 3, 1];
const CONFIG = parseBertConfig({
  vocab_size: 40,
  hidden_size: 16,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  intermediate_size: 24,
  max_position_embeddings: PAD_TO,
  initializer_range: 0.3,
});

/** A small BERT with per-task heads (as MTL-BERT): honours `headRowsOnly` through core's encoder. */
class TinyMultiTaskBert implements MultiTaskModel {
  readonly taskNames = ['pair', 'nli', 'similarity'];
  readonly numLabelsPerTask = NUM_LABELS;
  readonly maxSeqLength = PAD_TO;
  readonly store: ParamStore;
  private readonly definition = new BertDefinition(CONFIG, { classifier: false });
  private readonly layout = headLayout(NUM_LABELS);
  /** Forwards that ran with every row of the last layer / its [CLS] row alone. */
  readonly calls = { full: 0, clsOnly: 0 };

  constructor(seed: number) {
    this.store = instantiate([...this.definition.specs(), ...headSpecs(NUM_LABELS, 16, 0.3)], new Rng(seed));
  }

  forward(batch: MultiTaskBatch, ctx: ModuleContext) {
    const root = this.store.view();
    const clsOnly = !!ctx.headRowsOnly && !ctx.training;
    this.calls[clsOnly ? 'clsOnly' : 'full']++;
    const out = this.definition.forward(root, batch, ctx, { clsOnly });
    const encoded = { sequence: out.lastHiddenState, pooled: out.pooledOutput! };
    return multiTaskObjective(root, encoded, batch, this.layout, {}, ctx);
  }

  save(): Promise<void> {
    throw new Error('not saved in tests');
  }
}

/** 32 rows a task (4 steps of 8), 3 to 24 tokens. */
function pools(): EncodedExample[][] {
  const rng = new Rng(8);
  return NUM_LABELS.map((c, task) =>
    Array.from({ length: 32 }, () => {
      const ids = [2, ...Array.from({ length: 1 + rng.int(PAD_TO - 2) }, () => 3 + rng.int(37))];
      return { ids, typeIds: ids.map(() => 0), task, target: c === 1 ? rng.int(50) / 10 : rng.int(c) };
    }),
  );
}

/** Camtl's scoring before this change: the whole pool in one forward at the fixed length, every row computed. */
function onePaddedForward(model: MultiTaskModel, train: EncodedExample[][], rng: Rng): Scorer {
  return (draws, { dropout }) =>
    tf.tidy(() => {
      const rows = draws.map((d) => train[d.task][d.index]);
      const batch = collate(rows, { padTo: PAD_TO });
      const out = model.forward(batch, dropout ? trainContext(rng) : evalContext());
      const scores = {
        normalizedEntropy: normalizedEntropy(out.logits, batch.taskIds, model.numLabelsPerTask),
        prediction: tf.reshape(tf.slice(out.logits, [0, 0], [-1, 1]), [-1]) as tf.Tensor1D,
        target: tf.tensor1d(rows.map((r) => r.target)),
      };
      disposeBatch(batch);
      return scores;
    });
}

async function selections(sampler: Sampler, steps: number): Promise<string[]> {
  const out: string[] = [];
  for (let step = 0; step < steps; step++) {
    const draws = await sampler.next({ step, epoch: 1 });
    out.push(draws.map((d) => `${d.task}:${d.index}`).join(' '));
  }
  sampler.dispose?.();
  return out;
}

describeEachBackend('MT-U selections: chunks padded to their own length, [CLS]-only last layer', () => {
  const cases: MtUncertaintyOptions[] = [
    { candidatesPerTask: 8 },
    { candidatesPerTask: 8, scoreChunkSize: 5, minRowsPerTask: 0 },
    { candidatesPerTask: 8, scoreMode: 'reference', regression: { kind: 'residual' } },
  ];
  for (const options of cases) {
    it(`chooses the draws of one padded forward, for 6 steps (${JSON.stringify(options)})`, async () => {
      const train = pools();
      const ctx = (model: MultiTaskModel) => ({
        ...context([32, 32, 32], 6, { kinds: ['classification', 'classification', 'regression'] }),
        model,
        train,
        padTo: PAD_TO,
      });
      const before = tf.memory().numTensors;
      const [oldModel, newModel] = [new TinyMultiTaskBert(3), new TinyMultiTaskBert(3)];
      const old = mtUncertaintyWith(options, (c) => (rng) => onePaddedForward(c.model!, train, rng))(ctx(oldModel));
      const now = mtUncertainty(options)(ctx(newModel));
      const expected = await selections(old, 6);
      expect(await selections(now, 6)).toEqual(expected);
      expect(new Set(expected).size).toBe(6);
      // The new path ran: without dropout every forward on the [CLS] row alone, ⌈24 / size⌉ a step with a size.
      const dropoutSteps = options.scoreMode === 'reference' ? 5 : 0; // steps 2–6: one forward at the fixed length
      expect(newModel.calls.full).toBe(dropoutSteps);
      const size = options.scoreChunkSize;
      if (size) expect(newModel.calls.clsOnly).toBe(Math.ceil(24 / size) * 6);
      else expect(newModel.calls.clsOnly).toBeGreaterThanOrEqual(6 - dropoutSteps);
      [oldModel, newModel].forEach((m) => m.store.dispose());
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
