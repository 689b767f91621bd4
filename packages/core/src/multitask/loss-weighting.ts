import * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from '../errors';
import { zeros } from '../params/init';
import type { ParamSpec } from '../params/spec';
import type { Params } from '../params/store';
import { multiTaskLoss } from './task-heads';

/**
 * How a multi-task model combines its per-task losses:
 * - 'equal': the reference's unweighted mean over the tasks present;
 * - 'uncertainty': Kendall, Gal & Cipolla (2018), a learned log-variance s_t per task.
 */
export type LossWeighting = 'equal' | 'uncertainty';

export const LOSS_WEIGHTINGS: readonly LossWeighting[] = ['equal', 'uncertainty'];

/** The parameter of the uncertainty weighting: s [T], init 0 (every weight exp(−0) = 1 at the start). */
export const LOG_VARS = 'loss_weighting.log_vars';

export function checkLossWeighting(value: unknown, source = 'lossWeighting'): LossWeighting {
  if (value === undefined) return 'equal';
  if (!LOSS_WEIGHTINGS.includes(value as LossWeighting)) {
    throw new CamtlError('BAD_CONFIG', `${source}: expected equal or uncertainty, got ${JSON.stringify(value)}`);
  }
  return value as LossWeighting;
}

/** The parameters a weighting adds: none for 'equal', `loss_weighting.log_vars` [T] for 'uncertainty'. */
export function lossWeightingSpecs(weighting: LossWeighting | undefined, numTasks: number): ParamSpec[] {
  return weighting === 'uncertainty' ? [{ name: LOG_VARS, shape: [numTasks], init: zeros }] : [];
}

/**
 * Kendall et al.'s uncertainty weighting in the simplified form most
 * multi-task code uses (camtl's choice; the paper's exact form has ½ factors
 * and differs between regression and classification):
 *
 *   loss = (1/|P|) Σ_{t∈P} [ exp(−s_t) · L_t + s_t ]
 *
 * where P is the set of tasks present in the batch, L_t each task's mean loss
 * and s_t = log σ_t² its learned log-variance. Absent tasks contribute
 * nothing, so their s_t gets no gradient. With every s_t = 0 this is the
 * 'equal' loss (the reference's unweighted mean over the tasks present).
 */
export function uncertaintyWeightedLoss(perTask: tf.Tensor1D, present: tf.Tensor1D, logVars: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const terms = tf.add(tf.mul(tf.exp(tf.neg(logVars)), perTask), logVars); // [T]
    return tf.div(tf.sum(tf.mul(terms, present)), tf.sum(present)) as tf.Scalar;
  });
}

/**
 * The batch loss of a multi-task model under `weighting`, and the unweighted
 * per-task means [T] (0 where absent) that the trainer logs in either case.
 */
export function weightedMultiTaskLoss(
  root: Params,
  perExample: tf.Tensor1D,
  taskIds: tf.Tensor1D,
  numTasks: number,
  weighting: LossWeighting | undefined,
  rowWeights?: tf.Tensor1D,
): { loss: tf.Scalar; perTask: tf.Tensor1D } {
  const { loss, perTask, present } = multiTaskLoss(perExample, taskIds, numTasks, rowWeights);
  if (weighting !== 'uncertainty') return { loss, perTask };
  return { loss: uncertaintyWeightedLoss(perTask, present, root.get(LOG_VARS)), perTask };
}
