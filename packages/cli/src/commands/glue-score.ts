import { CamtlError, isCamtlError, type MetricValues } from '@camtl/core';
import { GLUE_CONVENTIONS, glueScore, type GlueConvention, type GlueScore } from '@camtl/tasks-glue';
import { nodeFileSystem } from '@camtl/backend-node';
import type { CommandSpec } from '../args';
import { stringFlag } from '../args';
import { readJsonFile } from '../files';

/** What each convention is, for the table's title and the help. */
export const CONVENTION_TITLES: Record<GlueConvention, string> = {
  paper: "paper convention: BERT's GLUE table, one metric per task, WNLI left out",
  mean: "mean convention: each task's score averaged, WNLI included (camtl's average)",
};

/** --convention / --select-by: paper or mean, else a one-line error naming the flag. */
export function conventionFlag(value: string | undefined, flag: string): GlueConvention | undefined {
  if (value === undefined) return undefined;
  if (!(GLUE_CONVENTIONS as readonly string[]).includes(value))
    throw new CamtlError('BAD_INPUT', `--${flag}: expected paper or mean, got "${value}"`);
  return value as GlueConvention;
}

const fmt = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4));

function table(r: GlueScore): string {
  const rows = Object.entries(r.entries).map(([k, v]) => `  ${k.padEnd(24)} ${fmt(v)}`);
  const none = rows.length === 0 ? ['  (no defined entry)'] : [];
  return [
    `GLUE score (${CONVENTION_TITLES[r.convention]})`,
    ...rows,
    ...none,
    `  ${'score'.padEnd(24)} ${fmt(r.score)}`,
  ].join('\n');
}

/** glueScore of a file's contents; its errors are prefixed with the file's name. */
function scoreFile(file: string, raw: unknown, convention: GlueConvention): GlueScore {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new CamtlError('BAD_INPUT', `${file}: expected an object mapping task names to metrics objects`);
  try {
    return glueScore(raw as Record<string, MetricValues>, convention);
  } catch (e) {
    if (isCamtlError(e)) throw new CamtlError(e.code, `${file}: ${e.message}`, e.hint);
    throw e;
  }
}

export const glueScoreCommand: CommandSpec = {
  name: 'glue-score',
  summary: "the GLUE score of per-task metrics, in the paper's convention (BERT's table) or camtl's mean",
  usage: 'camtl glue-score --input METRICS.json [--convention paper|mean] [--json]',
  flags: {
    input: {
      type: 'string',
      value: 'METRICS.json',
      description:
        '{task: metrics} with metrics as "camtl metrics" prints them; tasks cola, sst-2, mrpc, sts-b, qqp, mnli, mnli-mm, qnli, rte, wnli',
    },
    convention: {
      type: 'string',
      value: 'paper|mean',
      default: 'paper',
      description:
        "paper: mean of CoLA MCC, SST-2 acc, MRPC F1, STS-B Spearman, QQP F1, MNLI-m/mm acc, QNLI acc, RTE acc; mean: camtl's average",
    },
    json: { type: 'boolean', description: 'print one JSON object {convention, score, entries}' },
  },
  examples: ['camtl glue-score --input metrics.json', 'camtl glue-score --input metrics.json --convention mean --json'],
  async run(values, io) {
    const input = stringFlag(values, 'input');
    if (!input)
      throw new CamtlError('BAD_INPUT', 'camtl glue-score needs --input METRICS.json', 'see camtl glue-score --help');
    const convention = conventionFlag(stringFlag(values, 'convention'), 'convention') ?? 'paper';
    const result = scoreFile(input, await readJsonFile(nodeFileSystem(), input), convention);
    io.stdout(values.json ? JSON.stringify(result) + '\n' : table(result) + '\n');
    return 0;
  },
};
