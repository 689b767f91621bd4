import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { describeEachBackend } from '../testing/backends';
import { worstViolation } from '../testing/fixtures';
import { isCamtlError } from '../errors';
import { AdamW, type AdamWOptions, type AdamWState, hfNoDecay } from './adamw';

/** A variable that owns its data (tidy frees the initial tensor). */
function vari(values: number[]): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor1d(values)));
}

/** float32 tolerance: |a − ref| ≤ 1e-7 + 1e-6·|ref|. */
function expectClose(actual: ArrayLike<number>, expected: number[]): void {
  const worst = worstViolation(actual, expected, 1e-7, 1e-6);
  if (worst > 0) expect(Array.from(actual)).toEqual(expected); // shows the diff
}

function expectCamtlError(fn: () => unknown, code: string, mentions: string): void {
  try {
    fn();
  } catch (e) {
    expect(isCamtlError(e)).toBe(true);
    expect((e as { code: string }).code).toBe(code);
    expect((e as Error).message).toContain(mentions);
    return;
  }
  throw new Error('expected a CamtlError');
}

// Two tiny parameters: "dense.weight" decays, "dense.bias" matches the
// no-decay rule. Gradients for three steps:
const W0 = [1, -2];
const B0 = [0.5];
const GW = [
  [0.1, -0.2],
  [0.3, 0.1],
  [-0.2, 0.05],
];
const GB = [[0.4], [-0.4], [0.2]];

describe('hfNoDecay (CA-MTL get_optimizers: any(nd in n for nd in ["bias", "LayerNorm.weight"]))', () => {
  it('is a substring test, exactly like the reference', () => {
    expect(hfNoDecay('bert.encoder.layer.0.attention.self.query.bias')).toBe(true);
    expect(hfNoDecay('bert.encoder.layer.0.output.LayerNorm.weight')).toBe(true);
    expect(hfNoDecay('bert.embeddings.LayerNorm.bias')).toBe(true); // via "bias"
    expect(hfNoDecay('bert.encoder.layer.0.attention.self.query.weight')).toBe(false);
    expect(hfNoDecay('classifier.weight')).toBe(false);
    expect(hfNoDecay('task_bias_gate.weight')).toBe(true); // substring quirk kept
    expect(hfNoDecay('layernorm.weight')).toBe(false); // case-sensitive, as Python `in`
  });
});

describeEachBackend('AdamW', () => {
  const owned: Array<{ dispose(): void }> = [];
  afterEach(() => {
    while (owned.length) owned.pop()!.dispose();
  });

  function setup(opts: AdamWOptions, w0 = W0, b0 = B0) {
    const w = vari(w0);
    const b = vari(b0);
    const opt = new AdamW(
      new Map([
        ['dense.weight', w],
        ['dense.bias', b],
      ]),
      opts,
    );
    owned.push(w, b, opt);
    return { w, b, opt };
  }

  /** Runs steps k = 0..n−1 with fresh gradient tensors, disposing them after. */
  function run(opt: AdamW, n: number, from = 0, lr?: number) {
    for (let k = from; k < from + n; k++) {
      const grads = new Map([
        ['dense.weight', tf.tensor1d(GW[k])],
        ['dense.bias', tf.tensor1d(GB[k])],
      ]);
      opt.step(grads, lr);
      tf.dispose([...grads.values()]);
    }
  }

  it('hf, bias correction on: three steps match the hand computation', () => {
    const { w, b, opt } = setup({ lr: 0.01, weightDecay: 0.1 });
    // Step 1, w[0]: m = 0.1·0.1 = 0.01, v = 0.001·0.01 = 1e-5,
    //   denom = sqrt(1e-5) + 1e-8 = 0.00316228766,
    //   step_size = 0.01·sqrt(1 − 0.999)/(1 − 0.9) = 0.00316227766,
    //   p = 1 − 0.00316227766·0.01/0.00316228766 = 0.99000000316,
    //   decay (after, on the new p): p = p − 0.01·0.1·p = 0.99000000316·0.999 = 0.98901000316.
    // b[0] (no decay): m = 0.04, v = 1.6e-4, p = 0.5 − 0.00316227766·0.04/(0.0126491106 + 1e-8) = 0.49000000791.
    run(opt, 1);
    expectClose(w.dataSync(), [0.989010031591, -1.9880100158]);
    expectClose(b.dataSync(), [0.490000007906]);
    // Step 2, w[0]: m = 0.9·0.01 + 0.1·0.3 = 0.039, v = 0.999·1e-5 + 0.001·0.09 = 9.999e-5,
    //   step_size = 0.01·sqrt(1 − 0.999²)/(1 − 0.9²) = 0.01·0.0447101778/0.19 = 0.00235316725,
    //   p = (0.98901003159 − 0.00235316725·0.039/(0.0099995 + 1e-8))·0.999 = 0.97885239735.
    run(opt, 1, 1);
    expectClose(w.dataSync(), [0.97885239735, -1.98336130252]);
    expectClose(b.dataSync(), [0.490526323401]);
    // Step 3, w[0]: m = 0.9·0.039 − 0.1·0.2 = 0.0151, v = 0.999·9.999e-5 + 0.001·0.04 = 1.3989001e-4,
    //   step_size = 0.01·sqrt(1 − 0.999³)/(1 − 0.9³) = 0.00202010597.
    run(opt, 1, 2);
    expectClose(w.dataSync(), [0.975297088118, -1.98076466732]);
    expectClose(b.dataSync(), [0.48877906898]);
    const st = opt.getState();
    expectClose(st.m.get('dense.weight')!, [0.0151, -0.0022]);
    expectClose(st.v.get('dense.weight')!, [0.00013989001, 0.00005241004]);
    expectClose(st.m.get('dense.bias')!, [0.0164]);
    expectClose(st.v.get('dense.bias')!, [0.00035952016]);
    expect(st.step).toBe(3);
    expect(opt.stepCount).toBe(3);
  });

  it('hf, bias correction off: step_size = lr', () => {
    const { w, b, opt } = setup({ lr: 0.01, weightDecay: 0.1, correctBias: false });
    // Step 1, b[0]: p = 0.5 − 0.01·0.04/(sqrt(1.6e-4) + 1e-8) = 0.5 − 0.0004/0.01264912 = 0.46837724840.
    //   w[0]: p = (1 − 0.01·0.01/0.00316228766)·0.999 = 0.96837725·0.999 = 0.96740894608.
    run(opt, 1);
    expectClose(w.dataSync(), [0.967408946075, -1.96640889612]);
    expectClose(b.dataSync(), [0.468377248398]);
    // Step 2, w[0]: p = (0.96740894608 − 0.01·0.039/(0.0099995 + 1e-8))·0.999.
    run(opt, 1, 1);
    expectClose(w.dataSync(), [0.927478627897, -1.95313558476]);
    expectClose(b.dataSync(), [0.470613874352]);
  });

  it('torch variant: decay first, eps on the corrected sqrt(v)', () => {
    const { w, b, opt } = setup({ lr: 0.01, weightDecay: 0.1, variant: 'torch' });
    // Step 1, w[0]: p = 1·(1 − 0.01·0.1) = 0.999; denom = sqrt(1e-5)/sqrt(0.001) + 1e-8 = 0.1 + 1e-8;
    //   p = 0.999 − (0.01/0.1)·0.01/(0.1 + 1e-8) = 0.999 − 0.009999999 = 0.989000001.
    //   b[0]: p = 0.5 − 0.1·0.04/(0.4 + 1e-8) = 0.49000000025.
    run(opt, 1);
    expectClose(w.dataSync(), [0.989000001, -1.9880000005]);
    expectClose(b.dataSync(), [0.49000000025]);
    run(opt, 2, 1);
    expectClose(w.dataSync(), [0.975275319098, -1.98075139306]);
    expectClose(b.dataSync(), [0.488779060735]);
  });

  it('eps placement differs between the variants (eps = 0.01 makes it visible)', () => {
    const hf = setup({ lr: 0.01, eps: 0.01 });
    const torch = setup({ lr: 0.01, eps: 0.01, variant: 'torch' });
    run(hf.opt, 1);
    run(torch.opt, 1);
    // hf:    0.5 − 0.00316227766·0.04/(0.0126491106 + 0.01) = 0.5 − 0.00558481560 = 0.4944151844
    // torch: 0.5 − 0.1·0.04/(0.4 + 0.01) = 0.5 − 0.0097560976 = 0.4902439024
    expectClose(hf.b.dataSync(), [0.494415184401]);
    expectClose(torch.b.dataSync(), [0.490243902439]);
  });

  it('lr comes from step() when given, else from options; none is an error', () => {
    const a = setup({ lr: 0.5 });
    run(a.opt, 1, 0, 0.01); // the argument wins over options.lr
    const b = setup({}, W0, B0);
    expectCamtlError(() => run(b.opt, 1), 'BAD_INPUT', 'learning rate');
    run(b.opt, 1, 0, 0.01);
    expect(Array.from(a.w.dataSync())).toEqual(Array.from(b.w.dataSync()));
    expectClose(b.b.dataSync(), [0.490000007906]);
  });

  it('skips parameters without a gradient; bias correction counts their own updates', () => {
    const { w, b, opt } = setup({ lr: 0.01 });
    const g = tf.tensor1d([0.5]);
    opt.step(new Map([['dense.bias', g]]));
    expect(Array.from(w.dataSync())).toEqual(W0); // untouched
    const st = opt.getState();
    expect(Array.from(st.m.get('dense.weight')!)).toEqual([0, 0]);
    expect(st.paramSteps!.get('dense.weight')).toBe(0);
    opt.step(new Map([['dense.bias', g]]));
    // bias: its second update. weight's first update would use t = 1, not 2:
    const gw = tf.tensor1d([0.5, 0.5]);
    opt.step(new Map([['dense.weight', gw]]));
    // t = 1: 1 − 0.00316227766·0.05/(sqrt(2.5e-4) + 1e-8) = 1 − 0.0099999937 (t = 2 would give 1 − 0.0074414).
    expectClose(w.dataSync(), [1 - 0.009999993675448687, -2 - 0.009999993675448687]);
    expect(opt.stepCount).toBe(3);
    expect(opt.getState().paramSteps!.get('dense.bias')).toBe(2);
    tf.dispose([g, gw]);
    void b;
  });

  it("missingGrads 'zeroIfSeen' decays the moments of a parameter seen before", () => {
    const { w, b, opt } = setup({ lr: 0.01, missingGrads: 'zeroIfSeen' }, [1, 1], [0.5]);
    const g = tf.tensor1d([0.5, 0.5]);
    opt.step(new Map([['dense.weight', g]]));
    opt.step(new Map());
    // Step 2 with g = 0: m = 0.9·0.05 = 0.045, v = 0.999·2.5e-4 = 2.4975e-4,
    //   p = 0.99000000632 − 0.00235316725·0.045/(sqrt(2.4975e-4) + 1e-8) = 0.98329942802.
    expectClose(w.dataSync(), [0.9832994280231242, 0.9832994280231242]);
    expect(Array.from(b.dataSync())).toEqual([0.5]); // never seen: still skipped
    expectClose(opt.getState().m.get('dense.weight')!, [0.045, 0.045]);
    g.dispose();
  });

  it('the first update at lr 0 (warmup) moves nothing but still advances the moments and step counts', () => {
    const { w, opt } = setup({ missingGrads: 'zeroIfSeen' }, [1, 1], [0.5]);
    const g = tf.tensor1d([0.5, 0.5]);
    opt.step(new Map([['dense.weight', g]]), 0);
    expect(Array.from(w.dataSync())).toEqual([1, 1]);
    const state = opt.getState();
    expect(state.step).toBe(1);
    expect(state.paramSteps!.get('dense.weight')).toBe(1);
    expect(state.paramSteps!.get('dense.bias')).toBe(0); // no gradient yet: not counted
    expectClose(state.m.get('dense.weight')!, [0.05, 0.05]);
    expectClose(state.v.get('dense.weight')!, [0.00025, 0.00025]);
    // Step 2 (lr 0.01) is then HF's second update: t = 2 in the bias correction.
    opt.step(new Map([['dense.weight', g]]), 0.01);
    const size = (0.01 * Math.sqrt(1 - 0.999 ** 2)) / (1 - 0.9 ** 2);
    const m = 0.9 * 0.05 + 0.1 * 0.5;
    const v = 0.999 * 0.00025 + 0.001 * 0.25;
    expectClose(w.dataSync(), [1 - (size * m) / (Math.sqrt(v) + 1e-8), 1 - (size * m) / (Math.sqrt(v) + 1e-8)]);
    g.dispose();
  });

  it('rejects unknown or misshapen gradients before moving anything', () => {
    const { w, opt } = setup({ lr: 0.01 });
    const good = tf.tensor1d([1, 1]);
    const bad = tf.tensor1d([1, 1, 1]);
    expectCamtlError(
      () =>
        opt.step(
          new Map([
            ['dense.weight', good],
            ['dense.kernel', good],
          ]),
        ),
      'BAD_INPUT',
      'dense.kernel',
    );
    expectCamtlError(() => opt.step({ 'dense.weight': good, 'dense.bias': bad }), 'SHAPE_MISMATCH', 'dense.bias');
    expect(Array.from(w.dataSync())).toEqual(W0);
    expect(opt.stepCount).toBe(0);
    tf.dispose([good, bad]);
  });

  it('getState/setState round-trips through plain arrays and continues identically', () => {
    const lrs = [0, 0.005, 0.01];
    const ref = setup({ weightDecay: 0.1 });
    for (let k = 0; k < 3; k++) run(ref.opt, 1, k, lrs[k]);

    const first = setup({ weightDecay: 0.1 });
    run(first.opt, 1, 0, lrs[0]);
    run(first.opt, 1, 1, lrs[1]);
    // As a checkpoint would: to JSON and back.
    const json = JSON.stringify(serialise(first.opt.getState()));
    const resumed = setup({ weightDecay: 0.1 }, Array.from(first.w.dataSync()), Array.from(first.b.dataSync()));
    resumed.opt.setState(deserialise(JSON.parse(json)));
    expect(resumed.opt.stepCount).toBe(2);
    run(resumed.opt, 1, 2, lrs[2]);
    expect(Array.from(resumed.w.dataSync())).toEqual(Array.from(ref.w.dataSync()));
    expect(Array.from(resumed.b.dataSync())).toEqual(Array.from(ref.b.dataSync()));
  });

  it('setState without paramSteps uses step for every parameter; arrays are copied', () => {
    const { opt } = setup({ lr: 0.01 });
    const m = new Map([
      ['dense.weight', new Float32Array([1, 2])],
      ['dense.bias', new Float32Array([3])],
    ]);
    const v = new Map([
      ['dense.weight', new Float32Array([4, 5])],
      ['dense.bias', new Float32Array([6])],
    ]);
    opt.setState({ step: 7, m, v });
    m.get('dense.weight')![0] = 99; // must not reach the optimiser
    const st = opt.getState();
    expect(Array.from(st.m.get('dense.weight')!)).toEqual([1, 2]);
    expect(Array.from(st.v.get('dense.bias')!)).toEqual([6]);
    expect(st.paramSteps!.get('dense.bias')).toBe(7);
  });

  it('setState validates names and sizes, naming the parameter, and changes nothing on error', () => {
    const { opt } = setup({ lr: 0.01 });
    run(opt, 1);
    const good = opt.getState();
    const withExtra = { ...good, m: new Map([...good.m, ['dense.gamma', new Float32Array(1)]]) };
    expectCamtlError(() => opt.setState(withExtra), 'BAD_INPUT', 'dense.gamma');
    const short = { ...good, v: new Map([...good.v, ['dense.weight', new Float32Array(3)]]) };
    expectCamtlError(() => opt.setState(short), 'SHAPE_MISMATCH', 'dense.weight');
    const missing = { ...good, m: new Map([['dense.weight', good.m.get('dense.weight')!]]) };
    expectCamtlError(() => opt.setState(missing), 'BAD_INPUT', 'dense.bias');
    expectCamtlError(() => opt.setState({ ...good, step: -1 }), 'BAD_INPUT', 'step');
    const after = opt.getState();
    expect(after.step).toBe(1);
    expect(Array.from(after.m.get('dense.weight')!)).toEqual(Array.from(good.m.get('dense.weight')!));
  });

  it('leaks no tensors: numTensors is flat across step, getState and setState', () => {
    for (const variant of ['hf', 'torch'] as const) {
      const { opt } = setup({ lr: 0.01, weightDecay: 0.1, variant, missingGrads: 'zeroIfSeen' });
      const grads = new Map([
        ['dense.weight', tf.tensor1d([0.1, 0.2])],
        ['dense.bias', tf.tensor1d([0.3])],
      ]);
      const partial = new Map([['dense.bias', tf.tensor1d([0.3])]]);
      for (let k = 0; k < 3; k++) {
        const before = tf.memory().numTensors;
        opt.step(k === 1 ? partial : grads);
        expect(tf.memory().numTensors).toBe(before);
      }
      const before = tf.memory().numTensors;
      opt.setState(opt.getState());
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([...grads.values(), ...partial.values()]);
    }
  });

  it('dispose frees the moments and not the parameters', () => {
    const before = tf.memory().numTensors;
    const w = vari([1, 2]);
    const opt = new AdamW(new Map([['w', w]]), { lr: 0.1 });
    expect(tf.memory().numTensors).toBe(before + 3);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(w.isDisposed).toBe(false);
    expectCamtlError(() => opt.getState(), 'BAD_INPUT', 'dispose');
    w.dispose();
  });

  it('rejects bad options', () => {
    const w = vari([1]);
    owned.push(w);
    const params = new Map([['w', w]]);
    expectCamtlError(() => new AdamW(params, { beta1: 1 }), 'BAD_CONFIG', 'beta1');
    expectCamtlError(() => new AdamW(params, { variant: 'torch', correctBias: false }), 'BAD_CONFIG', 'correctBias');
    expectCamtlError(() => new AdamW(params, { weightDecay: -1 }), 'BAD_CONFIG', 'weightDecay');
  });

  it('a custom noDecay list replaces the default', () => {
    const w = vari([1]);
    const b = vari([1]);
    owned.push(w, b);
    const params = new Map([
      ['x.weight', w],
      ['x.bias', b],
    ]);
    const opt = new AdamW(params, { noDecay: ['weight'] });
    owned.push(opt);
    expect(opt.decays('x.weight')).toBe(false);
    expect(opt.decays('x.bias')).toBe(true);
    const opt2 = new AdamW(params, { noDecay: (n) => n.endsWith('.bias') });
    owned.push(opt2);
    expect(opt2.decays('x.weight')).toBe(true);
  });
});

type Plain = {
  step: number;
  m: Record<string, number[]>;
  v: Record<string, number[]>;
  paramSteps: Record<string, number>;
};

function serialise(s: AdamWState): Plain {
  const rec = (m: Map<string, Float32Array>) => Object.fromEntries([...m].map(([k, a]) => [k, Array.from(a)]));
  return { step: s.step, m: rec(s.m), v: rec(s.v), paramSteps: Object.fromEntries(s.paramSteps!) };
}

function deserialise(p: Plain): AdamWState {
  const map = (r: Record<string, number[]>) => new Map(Object.entries(r).map(([k, a]) => [k, Float32Array.from(a)]));
  return { step: p.step, m: map(p.m), v: map(p.v), paramSteps: new Map(Object.entries(p.paramSteps)) };
}
