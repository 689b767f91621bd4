// Writes the JSON rows the PyTorch reference trainer reads, tokenized by camtl
// exactly as `camtl train` reads a GLUE-layout folder (packages/cli/src/train/data.ts
// readSplits: task.read(dir, 'train') then encodeExamples), padded to
// max_seq_length as the reference (`pad_to_max_length=True`).
//
//   node tools/reference-trainer/camtl-rows.mjs MODEL_DIR GLUE_DIR TASKS MAX_SEQ_LENGTH OUT.json
//
// Run after `pnpm -s build` (it imports the built packages).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const core = await import(join(root, 'packages/core/dist/index.js'));
const glue = await import(join(root, 'packages/tasks-glue/dist/index.js'));
const { nodeFileSystem } = await import(join(root, 'packages/backend-node/dist/index.js'));

const [modelDir, glueDir, taskList, maxLen, out] = process.argv.slice(2);
if (!out) throw new Error('usage: camtl-rows.mjs MODEL_DIR GLUE_DIR TASKS MAX_SEQ_LENGTH OUT.json');
const fs = nodeFileSystem();
const L = Number(maxLen);
const tokenizer = await core.loadTokenizer(modelDir, fs);
const rows = {};
for (const [t, name] of taskList.split(',').entries()) {
  const task = glue.resolveTask(name);
  const { examples } = await task.read(glueDir, 'train', fs, { skipBadRows: false });
  rows[task.name] = core.encodeExamples(tokenizer, examples, task, t, L).map((e, index) => {
    const pad = (xs) => [...xs, ...new Array(L - xs.length).fill(0)];
    return {
      index,
      input_ids: pad(e.ids),
      token_type_ids: pad(e.typeIds),
      attention_mask: pad(e.ids.map(() => 1)),
      label: e.target,
      tokens: tokenizer.encode(examples[index].textA, examples[index].textB, { maxSeqLength: L }).tokens.join(' '),
    };
  });
}
writeFileSync(out, JSON.stringify(rows, null, 1) + '\n');
console.log(
  Object.entries(rows)
    .map(([k, v]) => `${k}: ${v.length} rows`)
    .join(', '),
);
