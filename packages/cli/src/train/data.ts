import {
  BertTokenizer,
  CamtlError,
  encodeExamples,
  isCamtlError,
  loadTokenizer,
  type EncodedExample,
  type EvalSet,
  type FileSystem,
  type PairTruncation,
  type TaskDefinition,
} from '@camtl/core';
import { REFERENCE_TASKS } from '@camtl/ca-mtl';
import {
  MANIFEST_FILE,
  SUITE_VERSION,
  SYNTHETIC_TASKS,
  VOCAB_FILE,
  syntheticTaskDefinitions,
  writeSuite,
} from '@camtl/synthetic';
import { ALL_TASKS, GLUE_ALIASES, TASK_SUITES, defineTask, type TaskSpec } from '@camtl/tasks-glue';
import { fractionOf } from './data-fraction';
import { taskDataDir } from './task-dirs';

/** Where the examples come from: the built-in synthetic suite, or a GLUE-layout folder (GLUE and/or custom tasks). */
export interface DataSource {
  kind: 'synthetic' | 'folder';
  dir: string;
  tasks: TaskDefinition[];
  /** Custom task specs (from --task-def), kept in run.json so eval/predict can rebuild them. */
  taskDefs: TaskSpec[];
  seed?: number;
}

const TASK_DEF_HINT =
  'a task definition is a JSON object for defineTask: name, kind, format, files, columns (see the README)';

/**
 * A --task-def file, parsed and checked by defineTask (shape, kind, format,
 * columns, labels), so a bad file is one line naming it and the field.
 */
export async function readTaskDef(file: string, fs: FileSystem): Promise<TaskSpec> {
  if (!(await fs.exists(file))) throw new CamtlError('NOT_FOUND', `${file}: no such --task-def file`, TASK_DEF_HINT);
  return checkTaskDef(await fs.readText(file), file);
}

/** The task definition `text` of `file`, checked. */
export function checkTaskDef(text: string, file: string): TaskSpec {
  let spec: TaskSpec;
  try {
    spec = JSON.parse(text) as TaskSpec;
  } catch (e) {
    throw new CamtlError('BAD_FILE', `${file}: not valid JSON (${(e as Error).message.split('\n')[0]})`, TASK_DEF_HINT);
  }
  try {
    defineTask(spec);
  } catch (e) {
    if (!isCamtlError(e)) throw e;
    throw new CamtlError(e.code, `${file}: ${e.message}`, e.hint ?? TASK_DEF_HINT);
  }
  return spec;
}

/**
 * Every task the CLI knows, by name: the --task-def ones first (a custom task
 * may reuse a built-in name: the user's own files are the ones meant), then
 * the synthetic suite's, GLUE's and SuperGLUE's.
 */
export function knownTasks(specs: readonly TaskSpec[]): Map<string, TaskDefinition> {
  const known = new Map<string, TaskDefinition>();
  for (const spec of specs) {
    const task = defineTask(spec);
    if (known.has(task.name))
      throw new CamtlError(
        'BAD_CONFIG',
        `two task definitions are named "${task.name}"`,
        'give each task its own name',
      );
    known.set(task.name, task);
  }
  for (const task of [...syntheticTaskDefinitions(), ...ALL_TASKS])
    if (!known.has(task.name)) known.set(task.name, task);
  return known;
}

/** A known task by name, in any case (GLUE's aliases too). */
export function findTask(known: ReadonlyMap<string, TaskDefinition>, name: string): TaskDefinition {
  const key = name.toLowerCase();
  const task = known.get(key) ?? (Object.hasOwn(GLUE_ALIASES, key) ? known.get(GLUE_ALIASES[key]) : undefined);
  if (task) return task;
  throw new CamtlError(
    'NOT_FOUND',
    `unknown task "${name}"`,
    `known tasks: ${[...known.keys()].join(', ')}; describe your own in a --task-def JSON file`,
  );
}

/**
 * Task names with the paper's suites spelled out (`glue`, `superglue`,
 * `paper-24`, `scitail`, `snli`), each task once, in the order given.
 */
export function expandSuites(names: readonly string[]): string[] {
  const out = names.flatMap((n) => (Object.hasOwn(TASK_SUITES, n.toLowerCase()) ? TASK_SUITES[n.toLowerCase()] : [n]));
  return [...new Set(out)];
}

/** The definitions of the tasks a run needs, in task-id order. */
export function resolveTasks(
  kind: DataSource['kind'],
  names: readonly string[] | undefined,
  specs: readonly TaskSpec[],
): TaskDefinition[] {
  const known = knownTasks(specs);
  const chosen =
    names ??
    (kind === 'synthetic' ? [...SYNTHETIC_TASKS] : specs.length > 0 ? specs.map((s) => s.name) : REFERENCE_TASKS);
  return expandSuites(chosen).map((n) => findTask(known, n));
}

/** Whether `dir` holds the suite this camtl generates for `seed` (an older generator's files are regenerated). */
async function suiteIsCurrent(dir: string, seed: number, fs: FileSystem): Promise<boolean> {
  const manifest = fs.join(dir, MANIFEST_FILE);
  if (!(await fs.exists(manifest))) return false;
  try {
    const m = JSON.parse(await fs.readText(manifest)) as { version?: number; seed?: number };
    return m.version === SUITE_VERSION && m.seed === seed;
  } catch {
    return false;
  }
}

/** Prepares the data: writes the synthetic suite once (deterministic in the seed) or checks the folder. */
export async function prepareData(
  o: { data?: string; output: string; tasks?: string[]; taskDefs: string[]; seed: number },
  fs: FileSystem,
): Promise<DataSource> {
  const specs = await Promise.all(o.taskDefs.map((f) => readTaskDef(f, fs)));
  if (o.data === undefined) {
    const dir = fs.join(o.output, 'data');
    if (!(await suiteIsCurrent(dir, o.seed, fs))) await writeSuite(dir, fs, { seed: o.seed });
    return { kind: 'synthetic', dir, tasks: resolveTasks('synthetic', o.tasks, specs), taskDefs: specs, seed: o.seed };
  }
  if (!(await fs.exists(o.data)))
    throw new CamtlError(
      'NOT_FOUND',
      `${o.data}: data folder not found`,
      'point --data at a folder in the GLUE layout (e.g. SST-2/train.tsv)',
    );
  return { kind: 'folder', dir: o.data, tasks: resolveTasks('folder', o.tasks, specs), taskDefs: specs };
}

/** The tokenizer: the model folder's, or the synthetic suite's word-level vocabulary. */
export async function prepareTokenizer(
  source: DataSource,
  model: string | undefined,
  fs: FileSystem,
  tokenizerDir?: string,
): Promise<BertTokenizer> {
  if (model !== undefined) return loadTokenizer(model, fs);
  if (tokenizerDir !== undefined) return loadTokenizer(tokenizerDir, fs);
  if (source.kind !== 'synthetic')
    throw new CamtlError('BAD_CONFIG', 'a data folder needs --model (its tokenizer and weights)');
  return BertTokenizer.fromVocab(await fs.readText(fs.join(source.dir, VOCAB_FILE)), { lowercase: true });
}

export interface SplitSummary {
  task: string;
  split: string;
  count: number;
  skipped: number;
  /** Examples the run uses, when --limit or --data-fraction keeps fewer than the file's `count`. */
  used?: number;
}

export interface PreparedSplits {
  train: EncodedExample[][];
  dev: EvalSet[];
  summary: SplitSummary[];
}

/**
 * Reads and tokenizes the train split and every dev split of each task. Train
 * rows carry their position in the split as `index` (what schedules and
 * `camtl data --json` refer to), set before --data-fraction picks its subset.
 */
export async function readSplits(
  source: DataSource,
  tokenizer: BertTokenizer,
  o: {
    maxSeqLength: number;
    limit?: number;
    skipBadRows: boolean;
    truncation?: PairTruncation;
    docStride?: number;
    maxQueryLength?: number;
    dataFraction?: number;
    seed?: number;
  },
  fs: FileSystem,
): Promise<PreparedSplits> {
  const out: PreparedSplits = { train: [], dev: [], summary: [] };
  for (const [t, task] of source.tasks.entries()) {
    const read = async (split: string) => {
      const r = await task.read(await taskDataDir(source.dir, task, fs), split, fs, { skipBadRows: o.skipBadRows });
      const summary: SplitSummary = { task: task.name, split, count: r.examples.length, skipped: r.skipped.length };
      out.summary.push(summary);
      const examples = o.limit !== undefined ? r.examples.slice(0, o.limit) : r.examples;
      if (examples.length < r.examples.length) summary.used = examples.length;
      const encoding = { truncation: o.truncation, docStride: o.docStride, maxQueryLength: o.maxQueryLength };
      const rows = encodeExamples(tokenizer, examples, task, t, o.maxSeqLength, encoding);
      return { rows, examples };
    };
    const all = (await read('train')).rows; // each row's index = its position (encodeExamples), kept by the subset
    const summary = out.summary[out.summary.length - 1]; // train's
    const train = fractionOf(all, o.dataFraction ?? 1, o.seed ?? 0, t);
    // Counted in examples, as the file's count is: a long span example's windows are one.
    if (train.length < all.length) summary.used = new Set(train.map((r, i) => r.example ?? r.index ?? i)).size;
    out.train.push(train);
    for (const [i, split] of task.devSplits.entries()) {
      out.dev.push({
        key: i === 0 ? task.name : `${task.name}/${split}`,
        task,
        taskIndex: t,
        split,
        ...(await read(split)),
      });
    }
  }
  return out;
}
