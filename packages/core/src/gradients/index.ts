// camtl's gradient registry. tfjs-core's published bundles register no
// gradients (only its extensionless dist/register_all_gradients does, which
// plain Node cannot import), so core brings its own: gradients are data, one
// GradConfig per kernel, written against tfjs-core's public API and
// registered through tf.registerGradient only where the kernel has none, so a
// user of @tensorflow/tfjs or tfjs-node keeps the gradients it registered.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig } from '@tensorflow/tfjs-core';
import { BINARY_GRADIENTS } from './binary';
import { GATHER_GRADIENTS } from './gather';
import { REDUCE_GRADIENTS } from './reduce';
import { SHAPE_GRADIENTS } from './shape';
import { UNARY_GRADIENTS } from './unary';

/** Every gradient camtl provides, one per kernel. */
export const CAMTL_GRADIENTS: readonly GradConfig[] = [
  ...BINARY_GRADIENTS,
  ...UNARY_GRADIENTS,
  ...REDUCE_GRADIENTS,
  ...SHAPE_GRADIENTS,
  ...GATHER_GRADIENTS,
];

/**
 * Registers camtl's gradient for every kernel that has none yet. Idempotent and cheap (a map lookup per kernel):
 * core calls it wherever it differentiates (useBackend, leanVariableGrads,
 * Trainer, trainable models), so users never need to. It is not run on
 * import: `@camtl/core` is side-effect free, so bundlers may drop modules.
 */
export function registerGradients(): void {
  for (const config of CAMTL_GRADIENTS) {
    if (tf.getGradient(config.kernelName) == null) tf.registerGradient(config);
  }
}

/** Whether the gradient tfjs will run for `kernelName` is camtl's own. */
export function isCamtlGradient(kernelName: string): boolean {
  const config = tf.getGradient(kernelName);
  return config != null && CAMTL_GRADIENTS.includes(config);
}
