import { CamtlError } from '../errors';
import type { FileSystem } from '../io/fs';
import type { EncodedExample } from './data';
import type { Draw } from './sampler';

/**
 * `schedule.jsonl`: the rows of every training step, one line per step, so a
 * run can be replayed exactly (`camtl train --sampler replay --schedule FILE`)
 * or checked step by step against another trainer. A row is named by its task
 * and its position in that task's train split (`EncodedExample.index`, as
 * `camtl data --json` lists the split), not by the sampler's own numbering.
 */
export interface ScheduleLine {
  /** The batch's rows, in batch order. */
  rows: Array<{ task: string; index: number }>;
}

export const SCHEDULE_FILE = 'schedule.jsonl';

/** The line of one step: each draw's task name and its row's index (the draw's own when the row has none). */
export function scheduleLine(
  draws: readonly Draw[],
  train: readonly (readonly EncodedExample[])[],
  taskNames: readonly string[],
): ScheduleLine {
  return { rows: draws.map((d) => ({ task: taskNames[d.task], index: train[d.task][d.index].index ?? d.index })) };
}

/** Appends a line per step (host data only: no device read); on resume, cut back to the checkpoint's step. */
export class ScheduleLog {
  /** False once the file cannot be exact (a resumed run whose file lacks steps): it is then removed, not continued. */
  private exact = true;

  constructor(
    private readonly fs: FileSystem,
    readonly file: string,
  ) {}

  async start(): Promise<void> {
    await this.fs.writeFileAtomic(this.file, '');
  }

  async append(line: ScheduleLine): Promise<void> {
    if (this.exact) await this.fs.appendText(this.file, JSON.stringify(line) + '\n');
  }

  /**
   * Keeps the first `step` lines (what the checkpoint's steps trained on) and
   * drops the rest, a torn last line included. A file with fewer lines (a run
   * started before camtl wrote schedules) is removed rather than left wrong.
   */
  async truncateTo(step: number): Promise<void> {
    const text = (await this.fs.exists(this.file)) ? await this.fs.readText(this.file) : '';
    const kept: string[] = [];
    for (const line of text.split('\n')) {
      if (kept.length === step || !isLine(line)) break;
      kept.push(line + '\n');
    }
    this.exact = kept.length === step;
    if (this.exact) await this.fs.writeFileAtomic(this.file, kept.join(''));
    else if (await this.fs.exists(this.file)) await this.fs.remove(this.file);
  }
}

function isLine(text: string): boolean {
  try {
    return checkLine(JSON.parse(text)) === undefined;
  } catch {
    return false;
  }
}

/** Why `v` is not a schedule line, or undefined when it is one. */
function checkLine(v: unknown): string | undefined {
  const rows = (v as ScheduleLine | null)?.rows;
  if (!Array.isArray(rows) || rows.length === 0) return 'expected {"rows":[{"task":…,"index":…},…]} with rows';
  const bad = rows.findIndex(
    (r) => typeof r?.task !== 'string' || !(Number.isInteger(r.index) && (r.index as number) >= 0),
  );
  return bad < 0 ? undefined : `row ${bad} needs a task name and a non-negative integer index`;
}

/** Reads a schedule.jsonl text (blank lines ignored); a malformed line is a one-line error naming it. */
export function parseSchedule(text: string, source: string): ScheduleLine[] {
  const out: ScheduleLine[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new CamtlError('BAD_FILE', `${source}: line ${i + 1} is not JSON`, 'one {"rows":[…]} object per line');
    }
    const why = checkLine(v);
    if (why) throw new CamtlError('BAD_FILE', `${source}: line ${i + 1}: ${why}`);
    out.push(v as ScheduleLine);
  }
  if (out.length === 0) throw new CamtlError('BAD_FILE', `${source}: the schedule has no steps`);
  return out;
}
