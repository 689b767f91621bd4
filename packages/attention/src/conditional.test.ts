// The attention plug-ins: factories, errors, dynamic padding, mixed-task
// batches, per-head biases and tensor hygiene.
import * as tf from '@tensorflow/tfjs-core';
import {
  BertDefinition,
  additiveMask,
  bertAttention,
  evalContext,
  isCamtlError,
  paramsFromRecord,
  parseBertConfig,
  type AttentionOptions,
  type ParamSpec,
} from '@camtl/core';
import { describeEachBackend, maxAbsDiff } from '@camtl/testkit';
import { describe, expect, it } from 'vitest';
import {
  attentionBiasSpecs,
  conditionalAttention,
  conditionalAttentionBias,
  multiHeadAttention,
  type ConditionalAttentionOptions,
} from './index';
import { disposeAll, randomArray, randomValues, toTensors } from './test-helpers';

const H = 32;
const HEADS = 2;
const L = 16;
const base: AttentionOptions = {
  hiddenSize: H,
  numHeads: HEADS,
  attentionDropout: 0,
  initializerRange: 0.02,
  layerIndex: 0,
};
const opts: ConditionalAttentionOptions = { ...base, maxSeqLength: L };

function expectCamtlError(f: () => unknown, code: string, pattern: RegExp): void {
  try {
    f();
  } catch (e) {
    expect(isCamtlError(e)).toBe(true);
    expect((e as { code: string }).code).toBe(code);
    expect((e as Error).message).toMatch(pattern);
    return;
  }
  throw new Error('expected a CamtlError');
}

const shapes = (specs: ParamSpec[]) => Object.fromEntries(specs.map((s) => [s.name, s.shape]));
const rand = (shape: number[], seed: number) => {
  const r = randomArray(shape, seed);
  return tf.tensor(r.data, shape, 'float32');
};

describe('factories and specs', () => {
  it('build v1 modules of their kind, and plug into a core BERT as factories', () => {
    expect(conditionalAttention(opts)).toMatchObject({ specificationVersion: 'v1', kind: 'conditional' });
    expect(multiHeadAttention(base)).toMatchObject({ specificationVersion: 'v1', kind: 'multi-head' });
    const config = parseBertConfig({
      vocab_size: 30,
      hidden_size: H,
      num_hidden_layers: 2,
      num_attention_heads: HEADS,
      intermediate_size: 64,
      max_position_embeddings: L,
    });
    const layout = (d: BertDefinition) => d.specs().map((s) => [s.name, s.shape]);
    const conditional = new BertDefinition(config, {
      attention: (o) => conditionalAttention({ ...o, maxSeqLength: L }),
    });
    expect(conditional.specs().map((s) => s.name)).toContain(
      'bert.encoder.layer.1.attention.self.random_weight_matrix',
    );
    expect(layout(new BertDefinition(config, { attention: multiHeadAttention }))).toEqual(
      layout(new BertDefinition(config)),
    );
  });

  it('conditionalAttention without maxSeqLength is a clear config error', () => {
    expectCamtlError(() => conditionalAttention(base as ConditionalAttentionOptions), 'BAD_CONFIG', /maxSeqLength/);
  });

  it('declares the reference names and shapes (shared, and per head)', () => {
    const specs = conditionalAttention(opts).paramSpecs();
    expect(shapes(specs)).toMatchObject({
      'query.weight': [H, H],
      'value.bias': [H],
      random_weight_matrix: [L, 8],
      'cond_block_diag_attn.gb_weights.weight': [16, H],
      'cond_block_diag_attn.gb_weights.bias': [16],
    });
    const byName = Object.fromEntries(specs.map((s) => [s.name, s.init]));
    expect(byName.random_weight_matrix).toEqual({ kind: 'zeros' });
    expect(byName['cond_block_diag_attn.gb_weights.bias']).toEqual({ kind: 'zeros' });
    expect(byName['cond_block_diag_attn.gb_weights.weight']).toMatchObject({ kind: 'normal', std: 0.02 });
    expect(shapes(conditionalAttention({ ...opts, perHead: true }).paramSpecs())).toMatchObject({
      random_weight_matrix: [HEADS, L, 8],
      'cond_block_diag_attn.gb_weights.weight': [2 * HEADS * 8, H],
      'cond_block_diag_attn.gb_weights.bias': [2 * HEADS * 8],
    });
    expect(shapes(multiHeadAttention(base).paramSpecs())).toEqual(shapes(bertAttention(base).paramSpecs()));
  });
});

describeEachBackend('attention plug-ins', () => {
  const specs = conditionalAttention(opts).paramSpecs();
  const withParams = <T>(seed: number, f: (p: ReturnType<typeof paramsFromRecord>) => T, s = specs): T => {
    const tensors = toTensors(randomValues(s, seed));
    try {
      return f(paramsFromRecord(tensors));
    } finally {
      disposeAll(tensors);
    }
  };

  it('"multi-head" computes exactly what the core\'s "bert" attention does', () => {
    withParams(1, (p) => {
      const hidden = rand([3, 7, H], 2) as tf.Tensor3D;
      const a = multiHeadAttention(base).apply(p, { hidden }, evalContext());
      const b = bertAttention(base).apply(p, { hidden }, evalContext());
      expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBe(0);
      tf.dispose([hidden, a, b]);
    });
  });

  it('a missing or misshapen ctx.taskEmbedding is a CamtlError', () => {
    withParams(1, (p) => {
      const hidden = rand([2, 5, H], 2) as tf.Tensor3D;
      const attention = conditionalAttention(opts);
      expectCamtlError(() => attention.apply(p, { hidden }, evalContext()), 'BAD_INPUT', /ctx\.taskEmbedding/);
      const wrong = rand([3, H], 3) as tf.Tensor2D;
      expectCamtlError(
        () => attention.apply(p, { hidden }, evalContext({ taskEmbedding: wrong })),
        'SHAPE_MISMATCH',
        /\[2, 32\]/,
      );
      tf.dispose([hidden, wrong]);
    });
  });

  it('a batch longer than maxSeqLength is a CamtlError naming both lengths', () => {
    withParams(1, (p) => {
      const hidden = rand([2, L + 1, H], 2) as tf.Tensor3D;
      const z = rand([2, H], 3) as tf.Tensor2D;
      const run = () => conditionalAttention(opts).apply(p, { hidden }, evalContext({ taskEmbedding: z }));
      expectCamtlError(run, 'BAD_INPUT', new RegExp(`${L + 1}.*${L}`));
      tf.dispose([hidden, z]);
    });
  });

  it('dynamic padding: padded to L′ or to L gives the same outputs at real tokens, and M is the top-left', () => {
    withParams(4, (p) => {
      const lengths = [10, 3, 7];
      const S = 10;
      const full = rand([3, L, H], 5) as tf.Tensor3D; // pad positions hold junk on purpose
      const short = tf.slice(full, [0, 0, 0], [3, S, H]) as tf.Tensor3D; // [B, L′, H]
      const maskOf = (len: number) =>
        tf.tensor2d(
          lengths.flatMap((n) => Array.from({ length: len }, (_, i) => (i < n ? 1 : 0))),
          [3, len],
        );
      const z = rand([3, H], 6) as tf.Tensor2D;
      const ctx = evalContext({ taskEmbedding: z });
      const attention = conditionalAttention(opts);
      const raw = [maskOf(S), maskOf(L)];
      const [mS, mL] = raw.map((m) => additiveMask(m)); // [B, 1, 1, L′ | L]
      const outS = attention.apply(p, { hidden: short, mask: mS }, ctx).arraySync();
      const outL = attention.apply(p, { hidden: full, mask: mL }, ctx).arraySync();
      lengths.forEach((n, b) => {
        for (let i = 0; i < n; i++) expect(maxAbsDiff(outS[b][i], outL[b][i])).toBeLessThanOrEqual(1e-5);
      });
      const biasS = conditionalAttentionBias(p, z, S, opts);
      const biasL = conditionalAttentionBias(p, z, L, opts);
      const topLeft = tf.slice(biasL, [0, 0, 0], [3, S, S]);
      expect(maxAbsDiff(biasS.dataSync(), topLeft.dataSync())).toBe(0);
      tf.dispose([full, short, z, ...raw, mS, mL, biasS, biasL, topLeft]);
    });
  });

  it('mixed-task batch: each row equals the same example run alone', () => {
    withParams(7, (p) => {
      const table = rand([3, H], 8);
      const taskIds = [0, 2, 1, 0];
      const z = tf.gather(table, tf.tensor1d(taskIds, 'int32')) as tf.Tensor2D; // [B, H]
      const hidden = rand([4, 9, H], 9) as tf.Tensor3D;
      const attention = conditionalAttention(opts);
      const batch = attention.apply(p, { hidden }, evalContext({ taskEmbedding: z })).arraySync();
      taskIds.forEach((_, b) => {
        const one = tf.tidy(() => {
          const h1 = tf.slice(hidden, [b, 0, 0], [1, 9, H]) as tf.Tensor3D; // [1, S, H]
          const z1 = tf.slice(z, [b, 0], [1, H]) as tf.Tensor2D; // [1, H]
          return attention.apply(p, { hidden: h1 }, evalContext({ taskEmbedding: z1 })).arraySync()[0];
        });
        expect(maxAbsDiff(batch[b].flat(), one.flat())).toBeLessThanOrEqual(1e-5);
      });
      tf.dispose([table, z, hidden]);
    });
  });

  it('perHead: replicating the shared parameters into every head reproduces the shared bias', () => {
    const shared = randomValues(attentionBiasSpecs(opts), 10);
    const c = 8;
    // A_k = A; γ rows [k·c, (k+1)·c) and β rows [h·c + k·c, …) copy the shared γ / β rows.
    const w = shared['cond_block_diag_attn.gb_weights.weight'];
    const rows = (from: number) => w.data.slice(from * H, (from + c) * H);
    const biasRep = new Float32Array(4 * c).fill(0.1);
    const a = shared.random_weight_matrix.data;
    const replicated = toTensors({
      random_weight_matrix: { shape: [HEADS, L, c], data: new Float32Array([...a, ...a]) },
      'cond_block_diag_attn.gb_weights.weight': {
        shape: [4 * c, H],
        data: new Float32Array([...rows(0), ...rows(0), ...rows(c), ...rows(c)]),
      },
      'cond_block_diag_attn.gb_weights.bias': { shape: [4 * c], data: biasRep },
    });
    const bias = { shape: [2 * c], data: biasRep.slice(0, 2 * c) };
    const sharedT = toTensors({ ...shared, 'cond_block_diag_attn.gb_weights.bias': bias });
    const z = rand([3, H], 11) as tf.Tensor2D;
    const mShared = conditionalAttentionBias(paramsFromRecord(sharedT), z, 12, opts); // [B, S, S]
    const mRep = conditionalAttentionBias(paramsFromRecord(replicated), z, 12, { ...opts, perHead: true });
    expect(mRep.shape).toEqual([3, HEADS, 12, 12]);
    const heads = tf.unstack(mRep, 1); // h × [B, S, S]
    for (const head of heads) expect(maxAbsDiff(head.dataSync(), mShared.dataSync())).toBeLessThanOrEqual(1e-6);
    tf.dispose(heads);
    disposeAll({ ...replicated, ...sharedT, z, mShared, mRep });
  });

  it('perHead: random heads differ, and the attention runs with a [B, h, S, S] bias', () => {
    const perHead = { ...opts, perHead: true };
    withParams(
      12,
      (p) => {
        const z = rand([3, H], 11) as tf.Tensor2D;
        const m = conditionalAttentionBias(p, z, 12, perHead);
        expect(m.shape).toEqual([3, HEADS, 12, 12]);
        const [h0, h1] = tf.unstack(m, 1);
        expect(maxAbsDiff(h0.dataSync(), h1.dataSync())).toBeGreaterThan(1e-2);
        const hidden = rand([3, 12, H], 13) as tf.Tensor3D;
        const out = conditionalAttention(perHead).apply(p, { hidden }, evalContext({ taskEmbedding: z }));
        expect(out.shape).toEqual([3, 12, H]);
        tf.dispose([z, m, h0, h1, hidden, out]);
      },
      conditionalAttention(perHead).paramSpecs(),
    );
  });

  it('tf.memory().numTensors is flat across repeated forward + backward', () => {
    const tensors = toTensors(randomValues(specs, 14));
    const vars = Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, tf.variable(t)]));
    const p = paramsFromRecord(vars);
    const hidden = rand([2, 11, H], 15) as tf.Tensor3D;
    const z = rand([2, H], 16) as tf.Tensor2D;
    const raw = tf.tensor2d([
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
    ]);
    const mask = additiveMask(raw); // [B, 1, 1, S]
    const attention = conditionalAttention(opts);
    const step = () => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(attention.apply(p, { hidden, mask }, evalContext({ taskEmbedding: z }))) as tf.Scalar,
      );
      expect(Object.keys(grads).length).toBe(specs.length);
      tf.dispose([value, ...Object.values(grads)]);
    };
    step(); // warm-up: anything cached on first use is not a leak
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    disposeAll({ ...tensors, ...vars, hidden, z, raw, mask });
  });
});
