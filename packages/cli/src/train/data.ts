import {
  BertTokenizer,
  CamtlError,
  encodeExamples,
  getTask,
  loadTokenizer,
  registerTask,
  type EncodedExample,
  type EvalSet,
  type FileSystem,
  type TaskDefinition,
} from '@camtl/core';
import { REFERENCE_TASKS } from '@camtl/ca-mtl';
import {
  MANIFEST_FILE,
  SUITE_VERSION,
  SYNTHETIC_TASKS,
  VOCAB_FILE,
  registerSyntheticTasks,
  writeSuite,
} from '@camtl/synthetic';
import { defineTask, registerGlueTasks, resolveTask, type TaskSpec } from '@camtl/tasks-glue';

/** Where the examples come from: the built-in synthetic suite, or a GLUE-layout folder (GLUE and/or custom tasks). */
export interface DataSource {
  kind: 'synthetic' | 'folder';
  dir: string;
  tasks: TaskDefinition[];
  /** Custom task specs (from --task-def), kept in run.json so eval/predict can rebuild them. */
  taskDefs: TaskSpec[];
  seed?: number;
}

async function readTaskDef(file: string, fs: FileSystem): Promise<TaskSpec> {
  let spec: TaskSpec;
  try {
    spec = JSON.parse(await fs.readText(file)) as TaskSpec;
  } catch (e) {
    if ((e as { code?: string }).code) throw e;
    throw new CamtlError(
      'BAD_FILE',
      `${file}: not valid JSON`,
      'a task definition is a JSON object for defineTask (see the README)',
    );
  }
  return spec;
}

/** Registers the tasks a run needs and returns their definitions in task-id order. */
export function registerTasks(
  kind: DataSource['kind'],
  names: string[] | undefined,
  specs: TaskSpec[],
): TaskDefinition[] {
  registerGlueTasks();
  registerSyntheticTasks();
  for (const spec of specs) registerTask(defineTask(spec));
  const chosen =
    names ??
    (kind === 'synthetic' ? [...SYNTHETIC_TASKS] : specs.length > 0 ? specs.map((s) => s.name) : REFERENCE_TASKS);
  return chosen.map((n) => (specs.some((s) => s.name === n) ? getTask(n) : resolveTask(n)));
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
    return { kind: 'synthetic', dir, tasks: registerTasks('synthetic', o.tasks, specs), taskDefs: specs, seed: o.seed };
  }
  if (!(await fs.exists(o.data)))
    throw new CamtlError(
      'NOT_FOUND',
      `${o.data}: data folder not found`,
      'point --data at a folder in the GLUE layout (e.g. SST-2/train.tsv)',
    );
  return { kind: 'folder', dir: o.data, tasks: registerTasks('folder', o.tasks, specs), taskDefs: specs };
}

/** The tokenizer: the model folder's, or the synthetic suite's word-level vocabulary. */
export async function prepareTokenizer(
  source: DataSource,
  model: string | undefined,
  fs: FileSystem,
): Promise<BertTokenizer> {
  if (model !== undefined) return loadTokenizer(model, fs);
  if (source.kind !== 'synthetic')
    throw new CamtlError('BAD_CONFIG', 'a data folder needs --model (its tokenizer and weights)');
  return BertTokenizer.fromVocab(await fs.readText(fs.join(source.dir, VOCAB_FILE)), { lowercase: true });
}

export interface SplitSummary {
  task: string;
  split: string;
  count: number;
  skipped: number;
}

export interface PreparedSplits {
  train: EncodedExample[][];
  dev: EvalSet[];
  summary: SplitSummary[];
}

/** Reads and tokenizes the train split and every dev split of each task. */
export async function readSplits(
  source: DataSource,
  tokenizer: BertTokenizer,
  o: { maxSeqLength: number; limit?: number; skipBadRows: boolean },
  fs: FileSystem,
): Promise<PreparedSplits> {
  const out: PreparedSplits = { train: [], dev: [], summary: [] };
  for (const [t, task] of source.tasks.entries()) {
    const read = async (split: string) => {
      const r = await task.read(source.dir, split, fs, { skipBadRows: o.skipBadRows });
      out.summary.push({ task: task.name, split, count: r.examples.length, skipped: r.skipped.length });
      const examples = o.limit !== undefined ? r.examples.slice(0, o.limit) : r.examples;
      return encodeExamples(tokenizer, examples, task, t, o.maxSeqLength);
    };
    out.train.push(await read('train'));
    for (const [i, split] of task.devSplits.entries()) {
      out.dev.push({
        key: i === 0 ? task.name : `${task.name}/${split}`,
        task,
        taskIndex: t,
        split,
        rows: await read(split),
      });
    }
  }
  return out;
}
