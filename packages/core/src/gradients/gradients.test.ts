// Every gradient camtl registers against tfjs-core 4.22.0's own one
// (dist/gradients/<Kernel>_grad.js, which vitest can import): the same bits
// through the engine on random inputs, broadcasting included, and the same
// bits for every input (indices and conditions too) from the same call.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GRAD_CASES, type GradCase } from './cases';
import { CAMTL_GRADIENTS, registerGradients } from './index';

async function tfjsGradient(kernel: string): Promise<GradConfig> {
  const mod = (await import(`@tensorflow/tfjs-core/dist/gradients/${kernel}_grad`)) as Record<string, unknown>;
  const config = Object.values(mod).find((v) => (v as GradConfig | undefined)?.kernelName === kernel);
  if (!config) throw new Error(`no gradient for ${kernel} in tfjs-core's dist/gradients/${kernel}_grad.js`);
  return config as GradConfig;
}

interface Call {
  dy: tf.Tensor | tf.Tensor[];
  saved: tf.Tensor[];
  attrs: NamedAttrMap;
}

const keepClone = <T extends tf.Tensor | tf.Tensor[]>(t: T): T =>
  (Array.isArray(t) ? t.map((x) => tf.keep(x.clone())) : tf.keep(t.clone())) as T;

/** d(Σ w·f(xs))/dxs with `config` as the kernel's gradient, and the first call it received. */
function differentiate(config: GradConfig, f: GradCase['f'], xs: tf.Tensor[], seed: number) {
  let call: Call | undefined;
  tf.registerGradient({
    ...config,
    gradFunc: (dy, saved, attrs) => {
      call ??= { dy: keepClone(dy), saved: keepClone(saved), attrs };
      return config.gradFunc(dy, saved, attrs);
    },
  });
  const loss = (...ys: tf.Tensor[]) => {
    const out = f(...ys);
    const outs = Array.isArray(out) ? out : [out];
    return tf.addN(outs.map((o, i) => tf.sum(tf.mul(o, tf.randomNormal(o.shape, 0, 1, 'float32', seed + i)))));
  };
  const grads = tf.grads(loss)(xs);
  tf.registerGradient(ours.get(config.kernelName)!); // camtl's again, for the kernels the next case runs
  return { grads: grads.map((g) => Array.from(g.dataSync())), call };
}

function inputs(c: GradCase, seed: number): tf.Tensor[] {
  return c.shapes.map((shape, i) =>
    c.positive
      ? tf.randomUniform(shape, 0.5, 2, 'float32', seed + i)
      : tf.randomNormal(shape, 0, 1, 'float32', seed + i),
  );
}

/** Each input's gradient from one gradFunc call, as plain numbers (null where it returned none). */
function eachInput(config: GradConfig, call: Call): Record<string, number[] | null> {
  const out: Record<string, number[] | null> = {};
  tf.tidy(() => {
    const map = config.gradFunc(call.dy, call.saved, call.attrs);
    for (const key of Object.keys(map)) out[key] = Array.from(map[key]().dataSync());
  });
  return out;
}

const ours = new Map(CAMTL_GRADIENTS.map((g) => [g.kernelName, g]));

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerGradients(); // the other kernels a case runs (casts, reshapes) need theirs
});

describe('camtl gradients equal tfjs-core 4.22.0 gradients', () => {
  it('has a test case for every kernel it registers', () => {
    const tested = new Set(GRAD_CASES.map((c) => c.kernel));
    const direct = ['OneHot', 'BroadcastTo', 'LogSoftmax']; // tested by direct calls below
    expect([...ours.keys()].filter((k) => !tested.has(k) && !direct.includes(k))).toEqual([]);
    expect(ours.size).toBe(CAMTL_GRADIENTS.length); // one gradient per kernel
  });

  GRAD_CASES.forEach((c, n) => {
    it(`${c.kernel} #${n} [${c.shapes.map((s) => `[${s}]`).join(' ')}]`, async () => {
      const stock = await tfjsGradient(c.kernel);
      const xs = inputs(c, 7 + n);
      const a = differentiate(ours.get(c.kernel)!, c.f, xs, 100 + n);
      const b = differentiate(stock, c.ref ?? c.f, xs, 100 + n);
      expect(a.call, `the case never reached ${c.kernel}'s gradient`).toBeDefined();
      if (c.ref) {
        a.grads.forEach((g, i) => g.forEach((v, j) => expect(v).toBeCloseTo(b.grads[i][j], 4)));
        return;
      }
      expect(a.grads).toEqual(b.grads);
      expect(ours.get(c.kernel)!.inputsToSave).toEqual(stock.inputsToSave);
      expect(ours.get(c.kernel)!.outputsToSave).toEqual(stock.outputsToSave);
      expect(Boolean(ours.get(c.kernel)!.saveAllInputs)).toBe(Boolean(stock.saveAllInputs));
      expect(eachInput(ours.get(c.kernel)!, a.call!)).toEqual(eachInput(stock, a.call!));
      tf.dispose([...xs, a.call!.dy, ...a.call!.saved, b.call!.dy, ...b.call!.saved].flat());
    });
  });

  it('OneHot: zeros for the indices, as tfjs', async () => {
    const call = { dy: tf.ones([3, 4]), saved: [tf.tensor1d([0, 3, 1], 'int32')], attrs: { depth: 4 } };
    expect(eachInput(ours.get('OneHot')!, call)).toEqual(eachInput(await tfjsGradient('OneHot'), call));
  });

  it('LogSoftmax (tf.logSoftmax is a composite; backends may provide the kernel): as tfjs', async () => {
    const value = tf.logSoftmax(tf.randomNormal([2, 5], 0, 1, 'float32', 4));
    const call = { dy: tf.randomNormal([2, 5], 0, 1, 'float32', 5), saved: [value], attrs: { axis: [-1] } };
    expect(eachInput(ours.get('LogSoftmax')!, call)).toEqual(eachInput(await tfjsGradient('LogSoftmax'), call));
  });

  it('BroadcastTo (tf.broadcastTo runs Tile; the kernel comes from other front ends): as tfjs', async () => {
    const dy = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 3);
    const call = { dy, saved: [], attrs: { shape: [2, 3, 4], inputShape: [1, 3, 1] } };
    expect(eachInput(ours.get('BroadcastTo')!, call)).toEqual(eachInput(await tfjsGradient('BroadcastTo'), call));
  });

  it('GatherV2 with batchDims 1 (tfjs calls x.split, absent here): as one gather per batch row', () => {
    const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 5);
    const idx = tf.tensor2d(
      [
        [1, 4, 4],
        [0, 3, 1],
      ],
      undefined,
      'int32',
    );
    const w = tf.randomNormal([2, 3, 3], 0, 1, 'float32', 6);
    const batched = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.gather(v, idx, 1, 1), w)))(x);
    const rows = tf.grad((v: tf.Tensor) => {
      const per = [0, 1].map((b) =>
        tf.gather(tf.squeeze(tf.slice(v, b, 1), [0]), tf.squeeze(tf.slice(idx, b, 1), [0])),
      );
      return tf.sum(tf.mul(tf.stack(per), w));
    })(x);
    expect(Array.from(batched.dataSync())).toEqual(Array.from(rows.dataSync()));
  });

  it('registers only where tfjs has no gradient: a gradient already registered stays', () => {
    const mine: GradConfig = { kernelName: 'Erf', gradFunc: (dy) => ({ x: () => tf.mul(dy as tf.Tensor, 3) }) };
    tf.registerGradient(mine);
    registerGradients();
    expect(tf.getGradient('Erf')).toBe(mine);
  });
});
