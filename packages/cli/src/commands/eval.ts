import { evaluate, type EvalResult, type EvalSet } from '@camtl/core';
import type { CommandSpec } from '../args';
import { stringFlag } from '../args';
import { BACKEND_FLAG, selectBackend } from '../backend';
import { nodeFileSystem } from '@camtl/backend-node';
import { ProgressBar, progressStream } from '../progress';
import { openRun, readRunSplit, RUN_FLAGS } from '../train/open-run';
import { parseSelectBy, runSelection, SELECT_BY_FLAG } from '../train/select-by';
import { CONVENTION_TITLES } from './glue-score';
import type { GlueConvention } from '@camtl/tasks-glue';

type Scored = EvalResult & { score: number | null; convention: GlueConvention };
const fmt = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4));

/** Each set's metrics, then the mean ("average") and the selected score with its convention. */
function table(result: Scored): string {
  const rows = Object.entries(result.metrics).map(([key, m]) => {
    const metrics = Object.entries(m)
      .map(([k, v]) => `${k} ${fmt(v)}`)
      .join(', ');
    return `  ${key.padEnd(24)} ${metrics}`;
  });
  const average = `  ${'average'.padEnd(24)} ${fmt(result.average)} (mean of the task scores)`;
  const score = `  ${`score (${result.convention})`.padEnd(24)} ${fmt(result.score)} (${CONVENTION_TITLES[result.convention]})`;
  return [...rows, average, score].join('\n');
}

export const evalCommand: CommandSpec = {
  name: 'eval',
  summary: "evaluate a trained model on its tasks' dev splits (the GLUE metrics, the mean and the selected score)",
  usage: 'camtl eval [--model DIR] [--data DIR] [--split SPLIT] [--select-by paper|mean] [--json]',
  flags: {
    ...RUN_FLAGS,
    split: { type: 'string', value: 'NAME', description: "a split to use instead of each task's dev splits" },
    'batch-size': { type: 'string', value: 'N', default: '64', description: 'evaluation batch size' },
    json: { type: 'boolean', description: 'print one JSON object {metrics, scores, average, score, convention}' },
    'select-by': SELECT_BY_FLAG,
    backend: BACKEND_FLAG,
  },
  examples: ['camtl eval', 'camtl eval --model runs/glue/model --data ./glue_data --json'],
  async run(values, io) {
    const fs = nodeFileSystem();
    const asked = parseSelectBy(values['select-by']);
    await selectBackend(stringFlag(values, 'backend') ?? 'auto');
    const run = await openRun(values, fs);
    const selectBy = runSelection(run.tasks, asked);
    const split = stringFlag(values, 'split');
    const sets: EvalSet[] = [];
    for (const [t, task] of run.tasks.entries()) {
      for (const [i, s] of (split ? [split] : task.devSplits).entries()) {
        sets.push({
          key: i === 0 ? task.name : `${task.name}/${s}`,
          task,
          taskIndex: t,
          split: s,
          ...(await readRunSplit(run, t, s, fs)),
        });
      }
    }
    const total = sets.reduce((a, s) => a + s.rows.length, 0);
    const bar = new ProgressBar({ label: 'eval', total, stream: progressStream(io) });
    let before = 0;
    const result = await evaluate(run.model, sets, {
      batchSize: Number(stringFlag(values, 'batch-size') ?? 64),
      onProgress: (done, n) => {
        bar.update(before + done);
        if (done === n) before += n;
      },
    });
    bar.done();
    run.model.dispose();
    const scored: Scored = { ...result, score: selectBy.score(result), convention: selectBy.name as GlueConvention };
    io.stdout(values.json ? JSON.stringify(scored) + '\n' : `${run.modelDir}\n${table(scored)}\n`);
    return 0;
  },
};
