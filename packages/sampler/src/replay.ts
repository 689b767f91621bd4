import { CamtlError, type Draw, type SamplerContext, type SamplerFactory, type ScheduleLine } from '@camtl/core';
import { BaseSampler } from './base';

/** One step of a recorded run (a schedule.jsonl line): its rows by task name and train-split index, in batch order. */
export type ScheduleStep = ScheduleLine;

export interface ReplayOptions {
  /** The steps to replay, e.g. a run's schedule.jsonl through core's `parseSchedule`. */
  schedule: ScheduleStep[];
  /** Where the schedule came from, for error messages (`source:line`; default 'schedule'). */
  source?: string;
}

/**
 * Replays a recorded schedule: step k returns exactly the rows of line k, in
 * their order. A row is named by its task and its `index` in the task's train
 * split (`EncodedExample.index`, or the row's position when the rows carry
 * none), so a schedule written by one run replays on any backend. Epoch length
 * = schedule length; asking past its end is an error.
 */
class ReplaySampler extends BaseSampler {
  readonly kind = 'replay';
  private readonly steps: Draw[][];

  constructor(context: SamplerContext, options: ReplayOptions) {
    super(context, {});
    this.steps = resolveSchedule(context, options.schedule, options.source ?? 'schedule');
  }

  protected defaultEpochLength(): number {
    return this.steps.length;
  }

  /** The run ends with the schedule, whatever the epochs (the Trainer's LR schedule spans it too). */
  totalSteps(): number {
    return this.steps.length;
  }

  protected draw(): Draw[] {
    if (this.batches >= this.steps.length) {
      throw new CamtlError(
        'BAD_INPUT',
        `the replayed schedule has ${this.steps.length} steps; step ${this.batches + 1} was asked for`,
        'stop at the end of the schedule (--max-steps) or give a longer schedule',
      );
    }
    return this.steps[this.batches].map((d) => ({ ...d }));
  }

  protected saveExtra(): Record<string, unknown> {
    return { scheduleLength: this.steps.length };
  }

  protected loadExtra(state: Record<string, unknown>): void {
    const { scheduleLength, batches } = state;
    if (scheduleLength !== this.steps.length || (batches as number) > this.steps.length) {
      throw new CamtlError(
        'BAD_INPUT',
        `sampler state is for a replay of ${String(scheduleLength)} steps, this schedule has ${this.steps.length}`,
        'resume with the schedule the run was started with',
      );
    }
  }
}

/** Maps every (task name, index) of the schedule to a Draw, failing on the first unknown one. */
function resolveSchedule(context: SamplerContext, schedule: ScheduleStep[], source: string): Draw[][] {
  const taskIndex = new Map(context.tasks.map((t, i) => [t.name, i]));
  const positions: Array<Map<number, number> | undefined> = context.tasks.map(() => undefined);
  const positionOf = (task: number, index: number): number | undefined => {
    const rows = context.train?.[task];
    if (!rows) return Number.isInteger(index) && index >= 0 && index < context.tasks[task].size ? index : undefined;
    // Built once per task: the row whose `index` (or position) is the schedule's index.
    positions[task] ??= new Map(rows.map((r, p) => [r.index ?? p, p]));
    return positions[task]!.get(index);
  };
  return schedule.map((step, k) => {
    const where = `${source}:${k + 1}`;
    if (!step || !Array.isArray(step.rows) || step.rows.length === 0) {
      throw new CamtlError('BAD_INPUT', `${where}: a step needs a non-empty "rows" array`);
    }
    return step.rows.map(({ task, index }) => {
      const t = taskIndex.get(task);
      if (t === undefined) {
        throw new CamtlError(
          'BAD_INPUT',
          `${where}: unknown task "${String(task)}"`,
          `the run trains: ${[...taskIndex.keys()].join(', ')}`,
        );
      }
      const p = positionOf(t, index);
      if (p === undefined) {
        throw new CamtlError('BAD_INPUT', `${where}: task "${task}" has no training row with index ${String(index)}`);
      }
      return { task: t, index: p };
    });
  });
}

/** The replay plug-in (registered as 'replay'): the batches of a recorded schedule, in order. */
export function replay(options?: ReplayOptions): SamplerFactory {
  if (!options || !Array.isArray(options.schedule) || options.schedule.length === 0) {
    throw new CamtlError(
      'BAD_CONFIG',
      'the replay sampler needs a non-empty schedule',
      "give --schedule FILE (a run's schedule.jsonl)",
    );
  }
  return (context) => new ReplaySampler(context, options!);
}
