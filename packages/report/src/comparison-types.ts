/**
 * What `camtl ablate` compares: runs of several arms (model variants) over
 * seeds and, optionally, training-data fractions, summarised per arm and
 * fraction as mean ± sample sd over the seeds. Plain JSON (ablation.json).
 */

/** Mean and sample standard deviation (n − 1) over the seeds; sd null below two values. */
export interface ComparisonStat {
  mean: number | null;
  sd: number | null;
  /** Seeds with a value. */
  n: number;
}

export interface ComparisonRow {
  /** The arm as written, e.g. "ca-mtl --without conditional-attention". */
  arm: string;
  /** Share of each task's training split (1 = all). */
  fraction: number;
  /** The seeds of the runs summarised. */
  seeds: number[];
  /** Task (dev set) → its main score at each run's best evaluation. */
  tasks: Record<string, ComparisonStat>;
  /** Run score name ('mean', 'glue (paper)', …) → its value at the best evaluation. */
  scores: Record<string, ComparisonStat>;
  /** Share of the training rows drawn at least once (0..1). */
  dataUsed: ComparisonStat;
  wallSeconds: { total: number; mean: number };
}

export interface ComparisonData {
  title?: string;
  /** The command that produced it, shown verbatim. */
  command?: string;
  arms: string[];
  /** Task (dev set) names, in column order. */
  tasks: string[];
  fractions: number[];
  /** Run score names, in column order (the first is the headline). */
  scoreNames: string[];
  rows: ComparisonRow[];
  /** Free-text notes shown under the table (machine, load, integration notes). */
  notes?: string[];
}
