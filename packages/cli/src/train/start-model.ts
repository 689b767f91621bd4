import { CamtlError, type FileSystem, type MultiTaskModel } from '@camtl/core';
import { CaMtlDefinition, CaMtlModel, isCaMtlConfig, loadCaMtl, type CaMtlConfig } from '@camtl/ca-mtl';

/**
 * What a run starts from, besides a plain HF BERT: a CA-MTL checkpoint (a
 * folder whose config.json has `ca_mtl_model`, camtl's own or the
 * reference's), with all its weights, heads included; and `--dropout`, which
 * sets every dropout of the model.
 */

/** Whether `dir` holds a CA-MTL checkpoint rather than a plain BERT. */
export async function isCaMtlCheckpoint(dir: string, fs: FileSystem): Promise<boolean> {
  const file = fs.join(dir, 'config.json');
  if (!(await fs.exists(file))) return false; // loading it as a BERT then names what is missing
  try {
    return isCaMtlConfig(JSON.parse(await fs.readText(file)));
  } catch {
    return false;
  }
}

/**
 * The checkpoint's model, to train on. Its heads are per task id, so its
 * tasks must be the run's, in order; and its attention bias is built for its
 * max_seq_length, which the run's tokenization must keep.
 */
export async function loadCaMtlForTraining(
  dir: string,
  run: { tasks: readonly string[]; maxSeqLength: number },
  fs: FileSystem,
): Promise<CaMtlModel> {
  const { model } = await loadCaMtl(dir, fs, { strict: true }); // all its weights: none new
  const theirs = model.config.tasks;
  if (theirs.length !== run.tasks.length || theirs.some((t, i) => t !== run.tasks[i])) {
    model.dispose();
    throw new CamtlError(
      'BAD_CONFIG',
      `--model ${dir}: the checkpoint's tasks (${theirs.join(', ')}) differ from the run's (${run.tasks.join(', ')})`,
      `pass --tasks ${theirs.join(',')}, the checkpoint's tasks in its order`,
    );
  }
  if (model.config.maxSeqLength !== run.maxSeqLength) {
    model.dispose();
    throw new CamtlError(
      'BAD_CONFIG',
      `--model ${dir}: the checkpoint's max_seq_length is ${model.config.maxSeqLength}, the run's --max-seq-length ${run.maxSeqLength}`,
      `pass --max-seq-length ${model.config.maxSeqLength}`,
    );
  }
  return model;
}

/** `config` with every dropout at `rate`: hidden (embeddings, residuals), attention probabilities and the heads'. */
export function dropoutConfig(config: CaMtlConfig, rate: number): CaMtlConfig {
  return {
    ...config,
    bert: { ...config.bert, hiddenDropoutProb: rate, attentionProbsDropoutProb: rate },
    options: { ...config.options, headDropout: rate },
  };
}

/** The same weights under a definition whose dropouts are all `rate` (the layers read their rates when built). */
export function withDropout<M extends MultiTaskModel>(model: M, rate: number | undefined): M {
  if (rate === undefined) return model;
  if (!(model instanceof CaMtlModel))
    throw new CamtlError('BAD_CONFIG', '--dropout applies to CA-MTL models only', 'drop --dropout for the baselines');
  return new CaMtlModel(new CaMtlDefinition(dropoutConfig(model.config, rate)), model.store) as unknown as M;
}
