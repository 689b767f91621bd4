import { evaluate, type EvalSet } from '@camtl/core';
import type { CommandSpec } from '../args';
import { stringFlag } from '../args';
import { BACKEND_FLAG, selectBackend } from '../backend';
import { nodeFileSystem } from '@camtl/backend-node';
import { ProgressBar } from '../progress';
import { openRun, readRunSplit, RUN_FLAGS } from '../train/open-run';

function table(result: Awaited<ReturnType<typeof evaluate>>): string {
  const rows = Object.entries(result.metrics).map(([key, m]) => {
    const metrics = Object.entries(m)
      .map(([k, v]) => `${k} ${v === null ? 'n/a' : v.toFixed(4)}`)
      .join(', ');
    return `  ${key.padEnd(24)} ${metrics}`;
  });
  return [...rows, `  ${'average'.padEnd(24)} ${result.average === null ? 'n/a' : result.average.toFixed(4)}`].join(
    '\n',
  );
}

export const evalCommand: CommandSpec = {
  name: 'eval',
  summary: "evaluate a trained model on its tasks' dev splits (the GLUE metrics and average)",
  usage: 'camtl eval [--model DIR] [--data DIR] [--split SPLIT] [--json]',
  flags: {
    ...RUN_FLAGS,
    split: { type: 'string', value: 'NAME', description: "a split to use instead of each task's dev splits" },
    'batch-size': { type: 'string', value: 'N', default: '64', description: 'evaluation batch size' },
    json: { type: 'boolean', description: 'print one JSON object {metrics, scores, average}' },
    backend: BACKEND_FLAG,
  },
  examples: ['camtl eval', 'camtl eval --model runs/glue/model --data ./glue_data --json'],
  async run(values, io) {
    const fs = nodeFileSystem();
    await selectBackend(stringFlag(values, 'backend') ?? 'auto');
    const run = await openRun(values, fs);
    const split = stringFlag(values, 'split');
    const sets: EvalSet[] = [];
    for (const [t, task] of run.tasks.entries()) {
      for (const [i, s] of (split ? [split] : task.devSplits).entries()) {
        sets.push({
          key: i === 0 ? task.name : `${task.name}/${s}`,
          task,
          taskIndex: t,
          split: s,
          rows: (await readRunSplit(run, t, s, fs)).rows,
        });
      }
    }
    const total = sets.reduce((a, s) => a + s.rows.length, 0);
    const bar = new ProgressBar({ label: 'eval', total });
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
    io.stdout(values.json ? JSON.stringify(result) + '\n' : `${run.modelDir}\n${table(result)}\n`);
    return 0;
  },
};
