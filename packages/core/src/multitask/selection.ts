import { CamtlError } from '../errors';
import type { EvalResult } from './evaluate';

/**
 * Model selection: which single number of an evaluation picks the best
 * checkpoint and drives early stopping. The default is the mean of the
 * per-task scores (EvalResult.average); @camtl/tasks-glue builds the GLUE
 * paper convention (BERT's table: one metric per task, WNLI left out).
 */
export interface SelectBy {
  /** Recorded in the log next to the score (e.g. 'mean', 'paper'). */
  name: string;
  /** The selected score of an evaluation (a pure function of it); null when undefined (never "best"). */
  score: (r: EvalResult) => number | null;
}

export const SELECT_BY_MEAN: SelectBy = { name: 'mean', score: (r) => r.average };

/** The best evaluation so far: its step, its mean and its selected score (absent in checkpoints before selectBy). */
export interface BestEvaluation {
  step: number;
  average: number | null;
  score?: number;
  selectBy?: string;
}

/**
 * The mean of the defined per-task scores, null when none is: the "average"
 * of evaluate(), the trainer's log and `camtl glue-score --convention mean`
 * (one function, so the three are the same number, summed in the same order).
 */
export function averageScore(scores: Readonly<Record<string, number | null>>): number | null {
  const defined = Object.values(scores).filter((s): s is number => s !== null && Number.isFinite(s));
  return defined.length > 0 ? defined.reduce((a, b) => a + b, 0) / defined.length : null;
}

export function checkSelectBy(s: SelectBy): SelectBy {
  if (typeof s?.name !== 'string' || s.name === '' || typeof s.score !== 'function')
    throw new CamtlError(
      'BAD_CONFIG',
      'trainer: selectBy must be { name: string, score: (result) => number | null }',
      'e.g. glueSelection("paper") from @camtl/tasks-glue',
    );
  return s;
}

export interface Judgement {
  /** The selected score of this evaluation (null: undefined). */
  score: number | null;
  /** Better than the best so far: this evaluation becomes the best. */
  improved: boolean;
  /** Better by more than minDelta: resets the early-stopping patience. */
  progressed: boolean;
  /** The best evaluation after this one. */
  best: BestEvaluation | null;
}

/**
 * Compares an evaluation with the best so far on the selected score. A best
 * restored from a checkpoint written before selectBy existed has no score:
 * its mean stands in (it was selected by the mean).
 */
export function judgeEvaluation(
  selectBy: SelectBy,
  result: EvalResult,
  step: number,
  best: BestEvaluation | null,
  minDelta: number,
): Judgement {
  const raw = selectBy.score(result);
  const score = raw !== null && Number.isFinite(raw) ? raw : null;
  const previous = best?.score ?? best?.average ?? -Infinity;
  const improved = score !== null && score > previous;
  const progressed = score !== null && score > previous + minDelta;
  const next = improved ? { step, average: result.average, score: score!, selectBy: selectBy.name } : best;
  return { score, improved, progressed, best: next };
}
