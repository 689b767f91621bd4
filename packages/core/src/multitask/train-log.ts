import type { FileSystem } from '../io/fs';
import type { TrainLogRecord } from './trainer-options';

/** The JSONL training log: one record per line, appended as training goes. */
export class TrainLog {
  constructor(
    private readonly fs: FileSystem,
    readonly file: string,
  ) {}

  /** Starts a fresh log with the run record. */
  async start(run: TrainLogRecord): Promise<void> {
    await this.fs.writeFileAtomic(this.file, JSON.stringify(run) + '\n');
  }

  async write(record: TrainLogRecord): Promise<void> {
    await this.fs.appendText(this.file, JSON.stringify(record) + '\n');
  }

  /**
   * On resume, drops what the interrupted run logged after the checkpoint it
   * resumes from (and any torn last line), so the log reads as one run.
   */
  async truncateAfter(step: number, run: TrainLogRecord): Promise<void> {
    if (!(await this.fs.exists(this.file))) return;
    const kept = (await this.fs.readText(this.file)).split('\n').filter((line) => {
      if (!line.trim()) return false;
      try {
        const r = JSON.parse(line) as { type: string; step?: number };
        return r.type !== 'end' && (r.step === undefined || r.step <= step);
      } catch {
        return false;
      }
    });
    await this.fs.writeFileAtomic(this.file, kept.map((l) => l + '\n').join(''));
    await this.write({ ...run, resumedFrom: step });
  }
}
