// Every FiLM, conditional LayerNorm and conditional bottleneck case of the
// reference fixtures (official CA-MTL code, float64): outputs within 1e-4,
// gradients of the fixture loss w.r.t. every parameter and float input
// within 1e-4 + 1e-3·|ref|.
import * as tf from '@tensorflow/tfjs-core';
import {
  caseTensors,
  describeEachBackend,
  maxAbsDiff,
  moduleCase,
  runCase,
  worstViolation,
  type CaseRun,
  type ModuleCase,
} from '@camtl/testkit';
import { expect, it } from 'vitest';
import { conditionalBottleneck } from './bottleneck';
import { conditionalLayerNormApply } from './conditional-layer-norm';
import { film } from '@camtl/core';

const condition = (get: (n: string) => tf.Tensor) => tf.gather(get('task_table'), get('task_ids')) as tf.Tensor2D;

const filmRun: CaseRun = (p, get) => ({ out: film(p.at('film'), get('x_to_film'), condition(get)) });

const clnRun =
  (c: ModuleCase, rows: 'first-of-task' | 'per-example' = 'first-of-task'): CaseRun =>
  (p, get) => {
    const cond = c.inputs.condition ? (get('condition') as tf.Tensor2D) : condition(get);
    const options = { hiddenSize: 64, conditionSize: 64, eps: c.constructor.eps, conditionRows: rows };
    return {
      out: conditionalLayerNormApply(p.at('cln'), get('input_'), cond, get('task_ids') as tf.Tensor1D, options),
    };
  };

const bottleneckRun: CaseRun = (p, get) => ({
  out: conditionalBottleneck(p.at('bottleneck'), get('hidden_states'), condition(get)),
});

const CASES: [string, (c: ModuleCase) => CaseRun][] = [
  ['film_hidden', () => filmRun],
  ['film_matrix', () => filmRun],
  ['film_as_initialised', () => filmRun],
  ['cln_h64_eps1e-12', clnRun],
  ['cln_h64_eps1e-5', clnRun],
  ['cln_h64_as_initialised', clnRun],
  ['cln_h64_first_row_quirk', clnRun],
  ['bottleneck_h64', () => bottleneckRun],
  ['bottleneck_h64_as_initialised', () => bottleneckRun],
];

describeEachBackend('reference fixtures', () => {
  for (const [name, makeRun] of CASES) {
    it(`${name}: outputs, loss and every gradient`, async () => {
      const c = moduleCase(name);
      const tensors = await caseTensors(c);
      const { outputs, loss, grads } = runCase(c, tensors, makeRun(c));
      for (const [k, ref] of Object.entries(c.outputs)) {
        expect(outputs[k].shape, k).toEqual(ref.shape);
        expect(maxAbsDiff(outputs[k].dataSync(), ref.data), k).toBeLessThan(1e-4);
      }
      expect(Math.abs(loss.dataSync()[0] - c.loss)).toBeLessThan(1e-4 + 1e-4 * Math.abs(c.loss));
      expect([...grads.keys()].sort()).toEqual(Object.keys(c.grads).sort());
      for (const [g, ref] of Object.entries(c.grads)) {
        expect(worstViolation(grads.get(g)!.dataSync(), ref.data, 1e-4, 1e-3), g).toBeLessThanOrEqual(0);
      }
      tf.dispose([...tensors.values(), ...Object.values(outputs), loss, ...grads.values()]);
    });
  }

  it('as-initialised cases: the zero-initialised tensors are exactly zero (and CLN weight one)', async () => {
    const zero = [
      'film.gb_weights.bias',
      'cln.bias',
      'cln.ln_weight_modulation.gb_weights.bias',
      'bottleneck.hidden_modulation.gb_weights.bias',
    ];
    for (const name of ['film_as_initialised', 'cln_h64_as_initialised', 'bottleneck_h64_as_initialised']) {
      const tensors = await caseTensors(moduleCase(name));
      for (const z of zero.filter((n) => tensors.has(n)))
        expect(
          tensors
            .get(z)!
            .dataSync()
            .every((v) => v === 0),
          z,
        ).toBe(true);
      if (tensors.has('cln.weight'))
        expect(
          tensors
            .get('cln.weight')!
            .dataSync()
            .every((v) => v === 1),
        ).toBe(true);
      tf.dispose([...tensors.values()]);
    }
  });

  it('first-row quirk: row 3 gets exactly 0 condition gradient by default; per-example differs', async () => {
    const c = moduleCase('cln_h64_first_row_quirk');
    const tensors = await caseTensors(c);
    const quirk = runCase(c, tensors, clnRun(c)).grads.get('input.condition')!;
    const perExample = runCase(c, tensors, clnRun(c, 'per-example'));
    const row3 = (t: tf.Tensor) => tf.slice(t, [3, 0], [1, 64]).dataSync();
    expect(Array.from(row3(quirk)).every((v) => v === 0)).toBe(true);
    const g3 = row3(perExample.grads.get('input.condition')!);
    expect(Math.max(...Array.from(g3).map(Math.abs))).toBeGreaterThan(1e-3);
    // the outputs differ only in row 3 (task 0, whose first row is row 0)
    const ref = c.outputs.out.data;
    const out = perExample.outputs.out.dataSync();
    expect(maxAbsDiff(out.slice(0, 3 * 256), ref.slice(0, 3 * 256))).toBeLessThan(1e-4);
    expect(maxAbsDiff(out.slice(3 * 256), ref.slice(3 * 256))).toBeGreaterThan(1e-3);
  });
});
