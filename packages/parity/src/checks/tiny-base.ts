// The tiny-base CA-MTL fixture (official CA-MTL code, float64, CA-MTL-base
// layout on a 4-layer H 64 BERT, 3 tasks, a mixed 6-row batch): the loss,
// each task's logits and loss, the pooled output, and the gradient of every
// one of the 114 parameters. Also the three-step training run compared with cpu.
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, clipByGlobalNorm, evalContext, normalizedEntropy } from '@camtl/core';
import { loadCaMtl, type CaMtlInputs, type CaMtlModel } from '@camtl/ca-mtl';
import { measure, pickRows, read, readAll } from '../compare';
import { TINY_BASE, cachedJson, fixtureFolder, referenceTensors, type JsonTensor } from '../fixtures';
import type { FixtureLoader, Measure, ParityCheck } from '../types';

interface TinyBaseExpected {
  inputs: Record<'input_ids' | 'token_type_ids' | 'attention_mask' | 'task_id' | 'labels', JsonTensor>;
  outputs: {
    loss: number;
    pooled_output: JsonTensor;
    per_task: Record<
      string,
      {
        task_index: number;
        num_labels: number;
        rows: number[];
        logits: JsonTensor;
        normalized_entropy: JsonTensor;
        loss: number;
      }
    >;
  };
}

const expectedOf = (loader: FixtureLoader) => cachedJson<TinyBaseExpected>(loader, `${TINY_BASE}/expected.json`);

async function loadTinyBase(loader: FixtureLoader): Promise<CaMtlModel> {
  const fs = await fixtureFolder(loader, TINY_BASE, 'tiny-base', ['config.json', 'model.safetensors']);
  const { model, report } = await loadCaMtl('tiny-base', fs);
  if (report.initialized.length > 0 || report.unexpected.length > 0) {
    model.dispose();
    throw new Error(`tiny-base: initialised [${report.initialized}], unexpected [${report.unexpected}]`);
  }
  return model;
}

/** The fixture's mixed-task batch (6 rows of tasks mrpc, sts-b, mnli, …, length 32), made anew for every forward. */
function batch(e: TinyBaseExpected): CaMtlInputs {
  const i = e.inputs;
  const t2 = (j: JsonTensor) => tf.tensor2d(j.data, j.shape as [number, number], 'int32');
  return {
    inputIds: t2(i.input_ids),
    tokenTypeIds: t2(i.token_type_ids),
    attentionMask: t2(i.attention_mask),
    taskIds: tf.tensor1d(i.task_id.data, 'int32'),
    labels: tf.tensor1d(i.labels.data, 'float32'),
  };
}

const disposeBatch = (x: CaMtlInputs) =>
  tf.dispose([x.inputIds, x.tokenTypeIds!, x.attentionMask!, x.taskIds, x.labels!]);

export const tinyBase: ParityCheck = {
  name: 'tiny-base',
  description:
    'ca-mtl loadCaMtl + forward + tf.variableGrads vs the official CA-MTL code on tiny-base: loss, per-task logits and losses, normalised entropies, pooled output; all 114 gradients',
  async run({ loader, tolerance }) {
    const e = await expectedOf(loader);
    const model = await loadTinyBase(loader);
    const measures: Measure[] = [];
    try {
      const x1 = batch(e);
      const outs = tf.tidy(() => {
        const out = model.forward(x1);
        const entropy = normalizedEntropy(out.logits, x1.taskIds, model.numLabelsPerTask); // as MT-U derives it
        return [out.loss!, out.pooledOutput, out.logits, entropy, out.perTaskLoss!];
      });
      const [loss, pooled, logits, entropy, perTask] = await readAll(outs);
      const width = outs[2].shape[1]!;
      tf.dispose(outs);
      disposeBatch(x1);
      const o = e.outputs;
      measures.push(measure('loss', 'loss', loss, [o.loss], tolerance));
      measures.push(measure('output', 'pooled_output', pooled, o.pooled_output.data, tolerance));
      for (const [task, t] of Object.entries(o.per_task)) {
        measures.push(
          measure('output', `logits ${task}`, pickRows(logits, width, t.rows, t.num_labels), t.logits.data, tolerance),
        );
        measures.push(
          measure(
            'output',
            `normalized_entropy ${task}`,
            pickRows(entropy, 1, t.rows),
            t.normalized_entropy.data,
            tolerance,
          ),
        );
        measures.push(measure('loss', `loss ${task}`, [perTask[t.task_index]], [t.loss], tolerance));
      }

      const ref = await referenceTensors(loader, `${TINY_BASE}/grads.safetensors`);
      const vars = [...model.store.vars];
      const x2 = batch(e);
      const { value, grads } = tf.variableGrads(
        () => model.forward(x2).loss!,
        vars.map(([, v]) => v),
      );
      disposeBatch(x2);
      for (const [name, v] of vars) {
        const r = ref.get(name);
        if (!r) throw new Error(`grads.safetensors has no gradient for ${name}`);
        measures.push(measure('grad', `grad ${name}`, await read(grads[v.name]), r.data, tolerance));
      }
      tf.dispose([value, ...Object.values(grads)]);
      return { measures, notes: [`${vars.length} parameters`] };
    } finally {
      model.dispose();
    }
  },
};

// ---------------------------------------------------------------------------
// Three training steps, compared with the same run on cpu.

/** The training run: what the reference records and every backend repeats. */
export const TRAINING = {
  steps: 3,
  lr: 1e-3,
  weightDecay: 0.01,
  maxGradNorm: 1,
} as const;

export interface TrainingTrace {
  losses: number[];
  gradNorms: number[];
  /** Every parameter after the last step, by name. */
  weights: Record<string, Float32Array>;
}

/**
 * tiny-base's weights, the fixture's mixed-task batch, dropout off (eval
 * context): `steps` × (variableGrads → clipByGlobalNorm → AdamW.step), every
 * read asynchronous.
 */
export async function trainingRun(loader: FixtureLoader): Promise<TrainingTrace> {
  const e = await expectedOf(loader);
  const model = await loadTinyBase(loader);
  const params = model.store.trainable();
  const byVar = new Map([...params].map(([name, v]) => [v.name, name]));
  const optimizer = new AdamW(params, { lr: TRAINING.lr, weightDecay: TRAINING.weightDecay });
  const losses: number[] = [];
  const gradNorms: number[] = [];
  try {
    for (let step = 0; step < TRAINING.steps; step++) {
      const x = batch(e);
      const { value, grads } = tf.variableGrads(() => model.forward(x, evalContext()).loss!, [...params.values()]);
      disposeBatch(x);
      const named = new Map(Object.entries(grads).map(([k, g]) => [byVar.get(k)!, g]));
      const { grads: clipped, norm } = clipByGlobalNorm(named, TRAINING.maxGradNorm);
      optimizer.step(clipped);
      const [l, n] = await readAll([value, norm]);
      losses.push(l[0]);
      gradNorms.push(n[0]);
      tf.dispose([value, norm, ...named.values(), ...clipped.values()]);
    }
    const weights: Record<string, Float32Array> = {};
    for (const [name, v] of params) weights[name] = new Float32Array(await read(v));
    return { losses, gradNorms, weights };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

export const trainingSteps: ParityCheck = {
  name: 'train-3-steps',
  description: `tiny-base, fixed mixed-task batch, dropout off: ${TRAINING.steps} × (variableGrads, clipByGlobalNorm ${TRAINING.maxGradNorm}, AdamW lr ${TRAINING.lr} wd ${TRAINING.weightDecay}); the losses and every final weight vs the same run on cpu`,
  cpuReference: ({ loader }) => trainingRun(loader),
  async run({ loader, tolerance, reference }) {
    const ref = reference as TrainingTrace | undefined;
    if (!ref) throw new Error('train-3-steps needs the cpu reference run');
    const got = await trainingRun(loader);
    const measures: Measure[] = got.losses.map((l, i) =>
      measure('trainLoss', `step ${i + 1} loss`, [l], [ref.losses[i]], tolerance),
    );
    measures.push(measure('trainLoss', 'grad norms (pre-clip)', got.gradNorms, ref.gradNorms, tolerance));
    for (const [name, w] of Object.entries(ref.weights)) {
      const x = got.weights[name];
      if (!x) throw new Error(`no weight ${name} after training`);
      measures.push(measure('trainWeight', `weight ${name}`, x, w, tolerance));
    }
    const notes = [
      `cpu losses ${ref.losses.map((l) => l.toFixed(6)).join(', ')}; here ${got.losses.map((l) => l.toFixed(6)).join(', ')}`,
    ];
    return { measures, notes };
  },
};
