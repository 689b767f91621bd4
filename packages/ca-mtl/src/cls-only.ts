import * as tf from '@tensorflow/tfjs-core';
import type { ModuleContext, TaskKind } from '@camtl/core';

/** Kinds whose heads read token rows of the sequence output, not only the pooled [CLS] row. */
const TOKEN_KINDS: readonly TaskKind[] = ['token-classification', 'span-extraction'];

/**
 * Whether a forward honours `ctx.headRowsOnly`: in inference, and only when
 * no task's head reads token rows (sentence heads and multiple choice read
 * the pooled [CLS] row). Training keeps every row: its dropout masks follow
 * the shapes.
 */
export function clsOnlyForward(ctx: ModuleContext, kinds: readonly TaskKind[]): boolean {
  return !!ctx.headRowsOnly && !ctx.training && !kinds.some((k) => TOKEN_KINDS.includes(k));
}

/** [B, S, H] → [B, 1, H]: position 0, the [CLS] row (itself when it is the only row). */
export function clsRow(x: tf.Tensor3D): tf.Tensor3D {
  return x.shape[1] === 1 ? x : (tf.slice(x, [0, 0, 0], [-1, 1, -1]) as tf.Tensor3D);
}
