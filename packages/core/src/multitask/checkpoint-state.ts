import * as z from 'zod/mini';
import { checkSchema } from '../schema';
import type { TrainerState } from './checkpoint';

/**
 * trainer_state.json as read back by --resume, checked by a schema so a
 * damaged or hand-edited file is a one-line error naming the file and the
 * field, not a TypeError deep in the Trainer. The sampler checks the rest of
 * its own state (its kind's fields) when it is restored.
 */

// Bounds before z.int(): the first issue is the one reported.
const count = z.number().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER), z.int());
const uint32 = z.number().check(z.minimum(0), z.maximum(0xffffffff), z.int());
const rngState = z.tuple([uint32, uint32, uint32, uint32]);

const best = z.nullable(
  z.looseObject({
    step: count,
    average: z.nullable(z.number()),
    score: z.optional(z.number()),
  }),
);

const trainerState = z.looseObject({
  version: z.literal(1),
  step: count,
  epoch: count,
  updates: count,
  evalsWithoutImprovement: count,
  examplesSeen: count,
  sampler: z.looseObject({
    kind: z.optional(z.string()),
    batches: z.optional(count),
    rng: z.optional(rngState),
  }),
  dropoutRng: rngState,
  best,
  optimizer: z.looseObject({
    step: count,
    paramSteps: z.record(z.string(), count),
  }),
});

const DAMAGED =
  'the checkpoint is damaged: delete its folder (and latest.json if it points there) and resume from an earlier one';

/** The parsed trainer_state.json `value` of `file`, checked. */
export function checkTrainerState(value: unknown, file: string): TrainerState {
  checkSchema(trainerState, value, file, { hint: DAMAGED, code: 'BAD_FILE' });
  return value as TrainerState;
}
