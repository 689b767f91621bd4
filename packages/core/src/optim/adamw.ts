import * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from '../errors';
import { fusedAdamWUpdate } from './adamw-fused';
import { type GradMap, namedGrads, sameShape, shapeStr } from './grads';

/**
 * The no-decay list of HF's run_glue and CA-MTL's
 * `MultiTaskTrainer.get_optimizers`: a parameter is exempt from weight decay
 * when its name CONTAINS any of these (`any(nd in n for nd in no_decay)`).
 * Substring, not suffix: "LayerNorm.bias" is caught by "bias", and so is any
 * name with "bias" anywhere in it — we keep that quirk to match the reference.
 */
export const HF_NO_DECAY: readonly string[] = ['bias', 'LayerNorm.weight'];

/** The reference's predicate: true when `name` must NOT be weight-decayed. */
export function hfNoDecay(name: string): boolean {
  return HF_NO_DECAY.some((nd) => name.includes(nd));
}

export interface AdamWOptions {
  /** Used when `step` gets no lr (a schedule normally passes one each step). */
  lr?: number;
  beta1?: number; // 0.9
  beta2?: number; // 0.999
  eps?: number; // 1e-8, CA-MTL's adam_epsilon
  weightDecay?: number; // 0, as TrainingArguments.weight_decay
  /** HF only (torch.optim.AdamW always corrects): false drops bias correction. */
  correctBias?: boolean;
  /** 'hf' = transformers.AdamW (2.11), 'torch' = torch.optim.AdamW. */
  variant?: 'hf' | 'torch';
  /** Names (substring test) or a predicate saying which params skip decay. */
  noDecay?: readonly string[] | ((name: string) => boolean);
  /**
   * What a step does to a parameter that has no gradient in it.
   * 'skip' (default): nothing, like torch for `p.grad is None`.
   * 'zeroIfSeen': once a parameter has had a gradient, a missing one counts as
   * zero — what HF's Trainer really does, since `model.zero_grad()` zeroes
   * (rather than drops) grads, so an unused task head still decays its moments
   * and moves.
   */
  missingGrads?: 'skip' | 'zeroIfSeen';
}

/**
 * Optimiser state as plain arrays, so a checkpoint can serialise it.
 * `paramSteps` is each parameter's own update count (torch keeps `step` per
 * parameter; bias correction uses it). Absent in `setState` ⇒ `step` for all.
 */
export interface AdamWState {
  step: number;
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
  paramSteps?: Map<string, number>;
}

interface Slot {
  name: string;
  param: tf.Variable;
  m: tf.Variable;
  v: tf.Variable;
  /** Updates this parameter has had (its bias-correction step). */
  t: number;
  decays: boolean;
}

type Config = Required<Omit<AdamWOptions, 'lr' | 'noDecay'>> & { lr?: number };

/**
 * AdamW over named tf.Variables. Moments live on the device as non-trainable
 * variables, created (as zeros) up front so that `step` allocates nothing
 * that outlives it. The parameters stay owned by the caller.
 */
export class AdamW {
  private readonly slots = new Map<string, Slot>();
  private readonly params: Map<string, tf.Variable>;
  private readonly cfg: Config;
  private steps = 0;
  private disposed = false;

  constructor(params: Map<string, tf.Variable>, options: AdamWOptions = {}) {
    this.cfg = resolveOptions(options);
    this.params = new Map(params);
    const skipDecay = noDecayPredicate(options.noDecay);
    for (const [name, param] of params) {
      // Checked before allocating anything, so a throw leaks no moments.
      if (param.dtype !== 'float32') {
        throw new CamtlError('BAD_INPUT', `AdamW: parameter "${name}" is ${param.dtype}, expected float32`);
      }
    }
    for (const [name, param] of params) {
      // tf.variable shares the zeros' data; tidy then frees the temporary.
      const zeros = () => tf.tidy(() => tf.variable(tf.zerosLike(param), false));
      this.slots.set(name, { name, param, m: zeros(), v: zeros(), t: 0, decays: !skipDecay(name) });
    }
  }

  /** Number of `step` calls so far (restored by `setState`). */
  get stepCount(): number {
    return this.steps;
  }

  /** Whether weight decay applies to `name` (false for unknown names). */
  decays(name: string): boolean {
    return this.slots.get(name)?.decays ?? false;
  }

  /**
   * One update. `grads` are keyed by parameter name, or are
   * `tf.variableGrads(f, vars).grads` as they come (keyed by the tfjs names of
   * these parameters' variables; see `gradsByParamName`). They stay owned by
   * the caller; every gradient is checked before any parameter moves, so a bad
   * one leaves the optimiser untouched.
   */
  step(grads: GradMap, lr?: number): void {
    this.assertLive();
    const rate = lr ?? this.cfg.lr;
    if (rate === undefined || !Number.isFinite(rate) || rate < 0) {
      throw new CamtlError(
        'BAD_INPUT',
        `AdamW: learning rate must be a finite number ≥ 0, got ${rate}`,
        'pass it to step(grads, lr) or set options.lr',
      );
    }
    const work = this.collect(namedGrads(this.params, grads, 'AdamW'));
    this.steps++;
    for (const [slot, g] of work) {
      slot.t++;
      if (g && fusedAdamWUpdate(slot, g, rate, this.cfg)) continue; // one SIMD pass where it runs (wasm)
      // One tidy per parameter keeps peak memory at one parameter's temporaries.
      tf.tidy(() => (this.cfg.variant === 'hf' ? this.updateHf(slot, g, rate) : this.updateTorch(slot, g, rate)));
    }
  }

  /** Copies of the moments (reads the device; meant for checkpoints). */
  getState(): AdamWState {
    this.assertLive();
    const m = new Map<string, Float32Array>();
    const v = new Map<string, Float32Array>();
    const paramSteps = new Map<string, number>();
    for (const [name, s] of this.slots) {
      // dataSync may return the backend's own buffer: copy before handing out.
      m.set(name, new Float32Array(s.m.dataSync() as Float32Array));
      v.set(name, new Float32Array(s.v.dataSync() as Float32Array));
      paramSteps.set(name, s.t);
    }
    return { step: this.steps, m, v, paramSteps };
  }

  /** As getState, reading the device asynchronously (WebGPU in Node has no synchronous reads). */
  async readState(): Promise<AdamWState> {
    this.assertLive();
    const m = new Map<string, Float32Array>();
    const v = new Map<string, Float32Array>();
    const paramSteps = new Map<string, number>();
    for (const [name, s] of this.slots) {
      m.set(name, new Float32Array((await s.m.data()) as Float32Array));
      v.set(name, new Float32Array((await s.v.data()) as Float32Array));
      paramSteps.set(name, s.t);
    }
    return { step: this.steps, m, v, paramSteps };
  }

  /** Restores `getState` output; validates everything before changing anything. */
  setState(state: AdamWState): void {
    this.assertLive();
    checkCount(state.step, 'step');
    checkMoments(this.slots, state.m, 'm');
    checkMoments(this.slots, state.v, 'v');
    for (const [name, t] of state.paramSteps ?? []) {
      if (!this.slots.has(name)) {
        throw new CamtlError('BAD_INPUT', `AdamW state: paramSteps has unknown parameter "${name}"`);
      }
      checkCount(t, `paramSteps of "${name}"`);
    }
    for (const s of this.slots.values()) {
      // Copy: the cpu backend would otherwise alias the caller's array.
      tf.tidy(() => {
        s.m.assign(tf.tensor(Float32Array.from(state.m.get(s.name)!), s.param.shape, 'float32'));
        s.v.assign(tf.tensor(Float32Array.from(state.v.get(s.name)!), s.param.shape, 'float32'));
      });
      s.t = state.paramSteps?.get(s.name) ?? state.step;
    }
    this.steps = state.step;
  }

  /** Frees the moments (not the parameters, which the caller owns). */
  dispose(): void {
    if (this.disposed) return;
    for (const s of this.slots.values()) {
      s.m.dispose();
      s.v.dispose();
    }
    this.disposed = true;
  }

  // -------------------------------------------------------------------------

  private assertLive(): void {
    if (this.disposed) throw new CamtlError('BAD_INPUT', 'AdamW: used after dispose()');
  }

  /** Validates `grads` and pairs each parameter to update with its gradient. */
  private collect(grads: Map<string, tf.Tensor>): Array<[Slot, tf.Tensor | null]> {
    for (const [name, g] of grads) {
      const s = this.slots.get(name)!; // namedGrads has rejected unknown names
      if (g.isDisposed) throw new CamtlError('BAD_INPUT', `AdamW: gradient of "${name}" is disposed`);
      if (!sameShape(g.shape, s.param.shape)) {
        throw new CamtlError(
          'SHAPE_MISMATCH',
          `AdamW: gradient of "${name}" has shape ${shapeStr(g.shape)}, parameter has ${shapeStr(s.param.shape)}`,
        );
      }
    }
    const work: Array<[Slot, tf.Tensor | null]> = [];
    for (const s of this.slots.values()) {
      const g = grads.get(s.name);
      if (g) work.push([s, g]);
      else if (this.cfg.missingGrads === 'zeroIfSeen' && s.t > 0) work.push([s, null]);
    }
    return work;
  }

  /** m ← β1·m + (1−β1)·g and v ← β2·v + (1−β2)·g², assigned; returns the new values. */
  private moments(s: Slot, grad: tf.Tensor | null): { m: tf.Tensor; v: tf.Tensor } {
    const { beta1, beta2 } = this.cfg;
    let m = tf.mul(s.m, beta1);
    let v = tf.mul(s.v, beta2);
    if (grad) {
      // A null grad (zeroIfSeen) is exactly zero, so its terms vanish.
      const g = grad.dtype === 'float32' ? grad : tf.cast(grad, 'float32');
      m = tf.add(m, tf.mul(g, 1 - beta1));
      v = tf.add(v, tf.mul(tf.mul(g, g), 1 - beta2));
    }
    s.m.assign(m);
    s.v.assign(v);
    return { m, v };
  }

  /**
   * transformers.AdamW (2.11): eps is added to the UNcorrected sqrt(v); the
   * bias corrections are folded into the step size; decoupled decay comes
   * last and uses the already-updated p (`p.add_(p, alpha=-lr·wd)`).
   */
  private updateHf(s: Slot, grad: tf.Tensor | null, lr: number): void {
    const { beta1, beta2, eps, weightDecay, correctBias } = this.cfg;
    const { m, v } = this.moments(s, grad);
    const stepSize = correctBias ? (lr * Math.sqrt(1 - beta2 ** s.t)) / (1 - beta1 ** s.t) : lr;
    const denom = tf.add(tf.sqrt(v), eps);
    let p = tf.sub(s.param, tf.mul(tf.div(m, denom), stepSize));
    if (weightDecay > 0 && s.decays) p = tf.add(p, tf.mul(p, -lr * weightDecay));
    s.param.assign(p);
  }

  /**
   * torch.optim.AdamW: decay first (p·(1 − lr·wd)), then eps is added to the
   * bias-CORRECTED sqrt(v) and the step is lr/(1−β1^t).
   */
  private updateTorch(s: Slot, grad: tf.Tensor | null, lr: number): void {
    const { beta1, beta2, eps, weightDecay } = this.cfg;
    const p0 = weightDecay > 0 && s.decays ? tf.mul(s.param, 1 - lr * weightDecay) : s.param;
    const { m, v } = this.moments(s, grad);
    const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(1 - beta2 ** s.t)), eps);
    s.param.assign(tf.sub(p0, tf.mul(tf.div(m, denom), lr / (1 - beta1 ** s.t))));
  }
}

function resolveOptions(o: AdamWOptions): Config {
  const cfg: Config = {
    lr: o.lr,
    beta1: o.beta1 ?? 0.9,
    beta2: o.beta2 ?? 0.999,
    eps: o.eps ?? 1e-8,
    weightDecay: o.weightDecay ?? 0,
    correctBias: o.correctBias ?? true,
    variant: o.variant ?? 'hf',
    missingGrads: o.missingGrads ?? 'skip',
  };
  const bad = (what: string) => new CamtlError('BAD_CONFIG', `AdamW: ${what}`);
  if (cfg.lr !== undefined && !(Number.isFinite(cfg.lr) && cfg.lr >= 0)) throw bad(`lr must be ≥ 0, got ${cfg.lr}`);
  for (const k of ['beta1', 'beta2'] as const) {
    if (!(cfg[k] >= 0 && cfg[k] < 1)) throw bad(`${k} must be in [0, 1), got ${cfg[k]}`);
  }
  if (!(cfg.eps >= 0 && Number.isFinite(cfg.eps))) throw bad(`eps must be ≥ 0, got ${cfg.eps}`);
  if (!(cfg.weightDecay >= 0 && Number.isFinite(cfg.weightDecay)))
    throw bad(`weightDecay must be ≥ 0, got ${cfg.weightDecay}`);
  if (cfg.variant !== 'hf' && cfg.variant !== 'torch') throw bad(`unknown variant "${cfg.variant}"`);
  if (cfg.missingGrads !== 'skip' && cfg.missingGrads !== 'zeroIfSeen')
    throw bad(`unknown missingGrads "${cfg.missingGrads}"`);
  // torch.optim.AdamW has no such switch; refusing beats silently ignoring it.
  if (cfg.variant === 'torch' && !cfg.correctBias) throw bad("correctBias: false exists only in variant 'hf'");
  return cfg;
}

function noDecayPredicate(spec: AdamWOptions['noDecay']): (name: string) => boolean {
  if (spec === undefined) return hfNoDecay;
  if (typeof spec === 'function') return spec;
  const list = [...spec];
  return (name) => list.some((nd) => name.includes(nd));
}

function checkCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new CamtlError('BAD_INPUT', `AdamW state: ${what} must be an integer ≥ 0, got ${n}`);
  }
}

/** Same parameter names as the optimiser, each with as many values as its parameter. */
function checkMoments(slots: Map<string, Slot>, arrays: Map<string, ArrayLike<number>>, key: 'm' | 'v'): void {
  if (!(arrays instanceof Map)) throw new CamtlError('BAD_INPUT', `AdamW state: ${key} must be a Map`);
  for (const [name, arr] of arrays) {
    const s = slots.get(name);
    if (!s) throw new CamtlError('BAD_INPUT', `AdamW state: ${key} has unknown parameter "${name}"`);
    if (arr.length !== s.param.size) {
      throw new CamtlError(
        'SHAPE_MISMATCH',
        `AdamW state: ${key} of "${name}" has ${arr.length} values, parameter ${shapeStr(s.param.shape)} has ${s.param.size}`,
      );
    }
  }
  for (const name of slots.keys()) {
    if (!arrays.has(name)) throw new CamtlError('BAD_INPUT', `AdamW state: ${key} lacks parameter "${name}"`);
  }
}
