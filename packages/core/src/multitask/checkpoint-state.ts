import { CamtlError } from '../errors';
import type { TrainerState } from './checkpoint';

/**
 * trainer_state.json as read back by --resume, checked field by field so a
 * damaged or hand-edited file is a one-line error naming the file and the
 * field, not a TypeError deep in the Trainer. The sampler checks its own state.
 */

type Raw = Record<string, unknown>;

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isUint32 = (v: unknown): boolean => isCount(v) && (v as number) <= 0xffffffff;

function fail(file: string, field: string, expected: string, got: unknown): never {
  const shown = got === undefined ? 'nothing' : (JSON.stringify(got) ?? String(got)).slice(0, 60);
  throw new CamtlError(
    'BAD_FILE',
    `${file}: ${field}: expected ${expected}, got ${shown}`,
    'the checkpoint is damaged: delete its folder (and latest.json if it points there) and resume from an earlier one',
  );
}

function checkBest(best: unknown, file: string): void {
  if (best === null) return;
  if (!isObject(best)) fail(file, 'best', 'null or an object', best);
  if (!isCount(best.step)) fail(file, 'best.step', 'a step number', best.step);
  if (best.average !== null && typeof best.average !== 'number')
    fail(file, 'best.average', 'a number or null', best.average);
  if (best.score !== undefined && typeof best.score !== 'number') fail(file, 'best.score', 'a number', best.score);
}

function checkOptimizer(opt: unknown, file: string): void {
  if (!isObject(opt)) fail(file, 'optimizer', 'an object {step, paramSteps}', opt);
  if (!isCount(opt.step)) fail(file, 'optimizer.step', 'a step number', opt.step);
  if (!isObject(opt.paramSteps)) fail(file, 'optimizer.paramSteps', 'an object of step numbers', opt.paramSteps);
  for (const [k, v] of Object.entries(opt.paramSteps))
    if (!isCount(v)) fail(file, `optimizer.paramSteps.${k}`, 'a step number', v);
}

/** The fields every sampler's state has (the sampler checks the rest, and its kind, when it is restored). */
function checkSampler(sampler: unknown, file: string): void {
  if (!isObject(sampler)) fail(file, 'sampler', 'an object', sampler);
  if (sampler.kind !== undefined && typeof sampler.kind !== 'string')
    fail(file, 'sampler.kind', 'a sampler name', sampler.kind);
  if (sampler.batches !== undefined && !isCount(sampler.batches))
    fail(file, 'sampler.batches', 'a non-negative integer', sampler.batches);
  const rng = sampler.rng;
  if (rng !== undefined && (!Array.isArray(rng) || rng.length !== 4 || !rng.every(isUint32)))
    fail(file, 'sampler.rng', 'four unsigned 32-bit integers', rng);
}

/** The parsed trainer_state.json `value` of `file`, checked. */
export function checkTrainerState(value: unknown, file: string): TrainerState {
  if (!isObject(value)) fail(file, '(top level)', 'a JSON object', value);
  if (value.version !== 1) fail(file, 'version', '1', value.version);
  for (const k of ['step', 'epoch', 'updates', 'evalsWithoutImprovement', 'examplesSeen'] as const)
    if (!isCount(value[k])) fail(file, k, 'a non-negative integer', value[k]);
  checkSampler(value.sampler, file);
  const rng = value.dropoutRng;
  if (!Array.isArray(rng) || rng.length !== 4 || !rng.every(isUint32))
    fail(file, 'dropoutRng', 'four unsigned 32-bit integers', rng);
  checkBest(value.best, file);
  checkOptimizer(value.optimizer, file);
  return value as unknown as TrainerState;
}
