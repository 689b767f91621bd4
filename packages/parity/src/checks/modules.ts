// The CA-MTL module fixtures (official CA-MTL code, float64): FiLM, CBDA's
// attention bias M(z), the conditional self-attention, conditional LayerNorm
// and the conditional bottleneck. Each case: its outputs, and the gradients of
// the fixture loss Σ_k Σ(outputs[k] ⊙ loss_weights[k]) w.r.t. every parameter
// and float input (as packages/testkit/src/module-cases.ts runs them).
import * as tf from '@tensorflow/tfjs-core';
import { additiveMask, evalContext, film, paramsFromRecord, type Params } from '@camtl/core';
import { conditionalAttention, conditionalAttentionBias } from '@camtl/attention';
import { conditionalBottleneck, conditionalLayerNormApply } from '@camtl/hypernet-adapters';
import { measure, read } from '../compare';
import { MODULES_EXPECTED, cachedJson, float32Tensors, isIntTensor, jsonTensor, type JsonTensor } from '../fixtures';
import type { Measure, ParityCheck } from '../types';

export interface ModuleCase {
  name: string;
  module: string;
  constructor: Record<string, number>;
  params_file: string;
  param_names: string[];
  inputs: Record<string, JsonTensor>;
  outputs: Record<string, JsonTensor>;
  loss_weights: Record<string, JsonTensor>;
  loss: number;
  grads: Record<string, JsonTensor>;
}

/** The module under test: `p` views the parameters, `get(name)` gives a case input. */
type CaseRun = (p: Params, get: (input: string) => tf.Tensor) => Record<string, tf.Tensor>;

const condition = (get: (n: string) => tf.Tensor) => tf.gather(get('task_table'), get('task_ids')) as tf.Tensor2D;

/** How each module family of modules_expected.json is computed with camtl's public API. */
function runnerFor(c: ModuleCase): CaseRun {
  const k = c.constructor;
  switch (c.module) {
    case 'FiLM':
      return (p, get) => ({ out: film(p.at('film'), get('x_to_film'), condition(get)) });
    case 'CBDA': {
      const H = k.input_size;
      const L = k.max_seq_length;
      return (p, get) => ({
        M: conditionalAttentionBias(p.at('self_attention'), condition(get), L, { hiddenSize: H, maxSeqLength: L }),
      });
    }
    case 'MyBertSelfAttention9': {
      const attention = conditionalAttention({
        hiddenSize: k.hidden_size,
        numHeads: k.num_attention_heads,
        attentionDropout: k.attention_probs_dropout_prob,
        initializerRange: 0.02,
        layerIndex: 0,
        maxSeqLength: k.max_seq_length,
      });
      return (p, get) => {
        const mask = additiveMask(tf.cast(get('attention_mask'), 'float32') as tf.Tensor2D); // [B, 1, 1, S]
        const hidden = get('hidden_states') as tf.Tensor3D;
        return {
          context: attention.apply(
            p.at('self_attention'),
            { hidden, mask },
            evalContext({ taskEmbedding: condition(get) }),
          ),
        };
      };
    }
    case 'ConditionalLayerNorm':
      return (p, get) => {
        const cond = c.inputs.condition ? (get('condition') as tf.Tensor2D) : condition(get);
        const options = {
          hiddenSize: k.normalized_shape,
          conditionSize: k.condition_size,
          eps: k.eps,
          conditionRows: 'first-of-task' as const,
        };
        return {
          out: conditionalLayerNormApply(p.at('cln'), get('input_'), cond, get('task_ids') as tf.Tensor1D, options),
        };
      };
    case 'ConditionalBottleNeck':
      return (p, get) => ({ out: conditionalBottleneck(p.at('bottleneck'), get('hidden_states'), condition(get)) });
    default:
      throw new Error(`modules_expected.json: no parity runner for module ${c.module} (case ${c.name})`);
  }
}

/** The case names, in fixture order (kept here so the runners can name tests before reading the fixture). */
export const MODULE_CASES = [
  'film_hidden',
  'film_matrix',
  'film_as_initialised',
  'cbda_h64_l32',
  'cbda_h96_l32',
  'cbda_h384_l32',
  'cbda_h64_l32_as_initialised',
  'self_attention_h32_l16',
  'cln_h64_eps1e-12',
  'cln_h64_eps1e-5',
  'cln_h64_as_initialised',
  'cln_h64_first_row_quirk',
  'bottleneck_h64',
  'bottleneck_h64_as_initialised',
] as const;

async function moduleCase(loader: Parameters<ParityCheck['run']>[0]['loader'], name: string): Promise<ModuleCase> {
  const { cases } = await cachedJson<{ cases: ModuleCase[] }>(loader, MODULES_EXPECTED);
  const c = cases.find((x) => x.name === name);
  if (!c) throw new Error(`${MODULES_EXPECTED} has no case ${name}`);
  return c;
}

function moduleCheck(name: string): ParityCheck {
  return {
    name: `module/${name}`,
    description: `CA-MTL module case ${name}: outputs, fixture loss, gradients w.r.t. every parameter and float input`,
    async run({ loader, tolerance }) {
      const c = await moduleCase(loader, name);
      const params = await float32Tensors(loader, `camtl/${c.params_file}`);
      const names = [...c.param_names];
      const tensors = names.map((n) => {
        const t = params.get(n);
        if (!t) throw new Error(`${c.params_file} has no tensor ${n}`);
        return t;
      });
      for (const [n, j] of Object.entries(c.inputs)) {
        if (isIntTensor(j) || n === 'attention_mask') continue;
        names.push(`input.${n}`);
        tensors.push(jsonTensor(j));
      }
      // Integer inputs (and the 0/1 mask) are not differentiated.
      const constants = new Map(
        Object.entries(c.inputs)
          .filter(([n, j]) => isIntTensor(j) || n === 'attention_mask')
          .map(([n, j]) => [n, jsonTensor(j, n === 'attention_mask' ? 'float32' : 'int32')]),
      );
      const weights = Object.entries(c.loss_weights).map(([k, j]) => [k, jsonTensor(j, 'float32')] as const);
      const run = runnerFor(c);
      const call = (xs: tf.Tensor[]) => {
        const record = Object.fromEntries(names.map((n, i) => [n, xs[i]]));
        return run(paramsFromRecord(record), (n) => {
          const t = constants.get(n) ?? record[`input.${n}`];
          if (!t) throw new Error(`case ${c.name} has no input ${n}`);
          return t;
        });
      };
      const lossOf = (...xs: tf.Tensor[]): tf.Scalar => {
        const outs = call(xs);
        const terms = weights.map(([k, w]) => {
          if (!outs[k]) throw new Error(`case ${c.name}: no output ${k}`);
          return tf.sum(tf.mul(outs[k], w));
        });
        return tf.addN(terms) as tf.Scalar;
      };
      const measures: Measure[] = [];
      try {
        const outputs = tf.tidy(() => call(tensors));
        for (const [k, ref] of Object.entries(c.outputs)) {
          const got = outputs[k];
          if (!got) throw new Error(`case ${c.name}: no output ${k}`);
          if (got.shape.join() !== ref.shape.join())
            throw new Error(`${k}: shape [${got.shape}], reference [${ref.shape}]`);
          measures.push(measure('output', k, await read(got), ref.data, tolerance));
        }
        tf.dispose(Object.values(outputs));
        const { value, grads } = tf.valueAndGrads(lossOf)(tensors);
        measures.push(measure('loss', 'loss', await read(value), [c.loss], tolerance));
        const byName = new Map(names.map((n, i) => [n, grads[i]]));
        const expectedNames = Object.keys(c.grads).sort();
        if (expectedNames.join() !== [...byName.keys()].sort().join()) {
          throw new Error(`gradients of [${[...byName.keys()].sort()}], fixture has [${expectedNames}]`);
        }
        for (const [g, ref] of Object.entries(c.grads)) {
          measures.push(measure('grad', `grad ${g}`, await read(byName.get(g)!), ref.data, tolerance));
        }
        tf.dispose([value, ...grads]);
        return { measures, notes: [] };
      } finally {
        tf.dispose([...params.values(), ...tensors, ...constants.values(), ...weights.map(([, w]) => w)]);
      }
    },
  };
}

export const moduleChecks: ParityCheck[] = MODULE_CASES.map(moduleCheck);
