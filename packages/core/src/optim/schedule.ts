import { CamtlError } from '../errors';

/**
 * Learning-rate schedules as pure functions, formula for formula the LambdaLR
 * lambdas of transformers.optimization (2.11):
 *   linear   = get_linear_schedule_with_warmup
 *   cosine   = get_cosine_schedule_with_warmup
 *   constant = get_constant_schedule_with_warmup
 *
 * `step` is the number of optimiser updates already taken: HF calls
 * `scheduler.step()` AFTER `optimizer.step()`, so update k (1-based) runs with
 * lrAt(k − 1) and the first update of a warmup run uses lr 0.
 *
 * `warmupSteps` may be fractional: CA-MTL passes `warmup_proportion *
 * num_training_steps` unrounded (see warmupStepsFromRatio), and the lambdas
 * compare and divide by it as a float.
 */
export interface ScheduleSpec {
  baseLr: number;
  warmupSteps: number;
  totalSteps: number;
  decay: 'linear' | 'cosine' | 'constant';
  /** Cosine only: number of cosine waves over the decay phase (HF default 0.5 = half a wave, down to 0). */
  numCycles?: number;
}

export function lrAt(step: number, s: ScheduleSpec): number {
  checkSpec(step, s);
  return s.baseLr * lrFactor(step, s);
}

/** The LambdaLR multiplier (lr / baseLr). */
export function lrFactor(step: number, s: ScheduleSpec): number {
  const { warmupSteps: warm, totalSteps: total } = s;
  if (step < warm) {
    // HF: float(current_step) / float(max(1, num_warmup_steps)).
    return step / Math.max(1, warm);
  }
  switch (s.decay) {
    case 'constant':
      return 1;
    case 'linear':
      // Floors at 0 after totalSteps.
      return Math.max(0, (total - step) / Math.max(1, total - warm));
    case 'cosine': {
      // Not clamped at totalSteps: beyond it the cosine rises again, as in HF.
      const progress = (step - warm) / Math.max(1, total - warm);
      const cycles = s.numCycles ?? 0.5;
      return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * cycles * 2 * progress)));
    }
  }
}

/**
 * Warmup steps from a proportion of the total.
 * rounding 'none' (default) matches CA-MTL's `MultiTaskTrainer.get_optimizers`,
 * which passes `self.args.warmup_proportion * num_training_steps` to
 * get_linear_schedule_with_warmup without int() (so e.g.
 * `0.07·100 = 7.000000000000001` in both Python and JS, and step 7 is still warmup).
 * 'floor' = Python int() on a positive number; 'ceil' = later HF Trainer's
 * math.ceil(warmup_ratio · steps).
 */
export function warmupStepsFromRatio(
  totalSteps: number,
  ratio: number,
  rounding: 'none' | 'floor' | 'ceil' = 'none',
): number {
  if (!(Number.isFinite(totalSteps) && totalSteps >= 0)) {
    throw new CamtlError('BAD_CONFIG', `totalSteps must be ≥ 0, got ${totalSteps}`);
  }
  if (!(Number.isFinite(ratio) && ratio >= 0)) {
    throw new CamtlError('BAD_CONFIG', `warmup ratio must be ≥ 0, got ${ratio}`);
  }
  // Same operand order as the reference; IEEE multiplication is commutative anyway.
  const w = ratio * totalSteps;
  return rounding === 'floor' ? Math.floor(w) : rounding === 'ceil' ? Math.ceil(w) : w;
}

function checkSpec(step: number, s: ScheduleSpec): void {
  const bad = (what: string) => new CamtlError('BAD_CONFIG', `lr schedule: ${what}`);
  if (!(Number.isFinite(step) && step >= 0)) throw bad(`step must be ≥ 0, got ${step}`);
  if (!(Number.isFinite(s.baseLr) && s.baseLr >= 0)) throw bad(`baseLr must be ≥ 0, got ${s.baseLr}`);
  if (!(Number.isFinite(s.warmupSteps) && s.warmupSteps >= 0))
    throw bad(`warmupSteps must be ≥ 0, got ${s.warmupSteps}`);
  if (!(Number.isFinite(s.totalSteps) && s.totalSteps >= 0)) throw bad(`totalSteps must be ≥ 0, got ${s.totalSteps}`);
  if (s.decay !== 'linear' && s.decay !== 'cosine' && s.decay !== 'constant') throw bad(`unknown decay "${s.decay}"`);
  if (s.numCycles !== undefined && !Number.isFinite(s.numCycles))
    throw bad(`numCycles must be finite, got ${s.numCycles}`);
}
