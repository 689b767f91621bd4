// Writes the slices this example trains on, from the datasets in their
// original formats (camtl's shared data folder: glue/, superglue/, wnut17/,
// squad/). Run from the repository root:
//   node examples/beyond-glue/make-slices.mjs ../shared/data
// Each slice keeps its dataset's file format, so camtl reads it with the same
// loader as the full file. SQuAD v1.1 train is not in the shared folder: the
// train slice takes whole paragraphs from the first article of dev-v1.1.json
// and the dev slice whole paragraphs from the last one, so no context is in both.
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = process.argv[2] ?? '../shared/data';
const out = join(dirname(fileURLToPath(import.meta.url)), 'data');
const write = (rel, text) => {
  mkdirSync(dirname(join(out, rel)), { recursive: true });
  writeFileSync(join(out, rel), text);
};
const read = (rel) => readFileSync(join(source, rel), 'utf8');

/** The header and the first n rows of a TSV. */
const headTsv = (rel, n) => read(rel).split('\n').slice(0, n + 1).join('\n') + '\n';
/** The first n sentences of a CoNLL file (blank-line separated, separators kept as written). */
function headConll(rel, n) {
  const lines = read(rel).split('\n');
  let sentences = 0;
  const kept = [];
  for (const line of lines) {
    kept.push(line);
    if (line.trim() === '' && kept.length > 1 && kept[kept.length - 2].trim() !== '') sentences++;
    if (sentences === n) break;
  }
  return kept.join('\n') + '\n';
}
/** Whole paragraphs of SQuAD dev until `questions` questions, from the first or the last article on. */
function squadParagraphs(questions, fromEnd) {
  const squad = JSON.parse(read('squad/dev-v1.1.json'));
  const articles = fromEnd ? [...squad.data].reverse() : squad.data;
  const kept = [];
  let count = 0;
  for (const a of articles) {
    const paragraphs = [];
    for (const p of a.paragraphs) {
      if (count >= questions) break;
      paragraphs.push(p);
      count += p.qas.length;
    }
    if (paragraphs.length > 0) kept.push({ ...a, paragraphs });
    if (count >= questions) break;
  }
  return JSON.stringify({ version: squad.version, data: fromEnd ? kept.reverse() : kept });
}

write('glue/SST-2/train.tsv', headTsv('glue/SST-2/train.tsv', 1000));
write('glue/SST-2/dev.tsv', headTsv('glue/SST-2/dev.tsv', 300));
for (const f of ['train.jsonl', 'val.jsonl']) write(`superglue/CB/${f}`, read(`superglue/CB/${f}`));
write('wnut17/wnut17train.conll', headConll('wnut17/wnut17train.conll', 600));
write('wnut17/emerging.dev.conll', headConll('wnut17/emerging.dev.conll', 200));
write('squad/train-v1.1.json', squadParagraphs(300, false));
write('squad/dev-v1.1.json', squadParagraphs(150, true));
mkdirSync(join(out, 'tokenizer'), { recursive: true });
for (const f of ['vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json'])
  copyFileSync(join(source, 'bert-base-uncased-tokenizer', f), join(out, 'tokenizer', f));
console.log(`slices written to ${out}`);
