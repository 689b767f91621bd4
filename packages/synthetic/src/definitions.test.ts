import { memoryFileSystem, type TaskDefinition } from '@camtl/core';
import { describe, expect, it } from 'vitest';
import { findSyntheticTask, syntheticTaskDefinitions } from './definitions';
import { MANIFEST_FILE, VOCAB_FILE, writeSuite } from './files';
import { SPLITS, SYNTHETIC_TASKS } from './specs';

const DIR = 'data/synthetic';

async function written() {
  const fs = memoryFileSystem();
  const { suite, files } = await writeSuite(DIR, fs, { seed: 3 });
  return { fs, suite, files };
}

describe('synthetic task definitions', () => {
  it('defines every synthetic-* task once, in suite order, and finds each by name', () => {
    const definitions = syntheticTaskDefinitions();
    expect(definitions.map((t) => t.name)).toEqual([...SYNTHETIC_TASKS]);
    expect(syntheticTaskDefinitions()).toBe(definitions);
    expect(SYNTHETIC_TASKS.map(findSyntheticTask)).toEqual(definitions);
    expect(findSyntheticTask('Synthetic-Polarity')).toBe(definitions[3]);
    expect(findSyntheticTask('sst-2')).toBeUndefined();
    expect(SYNTHETIC_TASKS.every((n) => n.startsWith('synthetic-'))).toBe(true);
  });

  it('reads back every TSV split exactly as generated', async () => {
    const { fs, suite, files } = await written();
    expect(files).toContain(`${DIR}/${VOCAB_FILE}`);
    expect(JSON.parse(await fs.readText(`${DIR}/${MANIFEST_FILE}`))).toMatchObject({ seed: 3, scale: 1 });
    for (const [i, def] of syntheticTaskDefinitions().entries()) {
      const task = suite.tasks[i];
      expect(def.name).toBe(task.name);
      for (const split of SPLITS) {
        const { examples, skipped } = await def.read(DIR, split, fs);
        expect(skipped).toEqual([]);
        expect(examples.map((e) => [e.textA, e.textB, e.label])).toEqual(
          task.splits[split].map((e) => [e.textA, e.textB, e.label]),
        );
        expect(examples[0]).toMatchObject({ id: '0', line: 2 });
      }
    }
  });

  it('maps labels to targets and predictions back to labels', () => {
    const [sentiment, paraphrase, similarity, polarity] = syntheticTaskDefinitions();
    expect([sentiment.numLabels, paraphrase.numLabels, similarity.numLabels, polarity.numLabels]).toEqual([2, 2, 1, 3]);
    expect(polarity.target('neutral')).toBe(1);
    expect(polarity.formatPrediction(2)).toBe('positive');
    expect(similarity.target('3.25')).toBe(3.25);
    expect(similarity.formatPrediction(5.7)).toBe('5.000');
    expect(() => sentiment.target('2')).toThrowError(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => similarity.target('high')).toThrowError(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => polarity.formatPrediction(3)).toThrowError(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(sentiment.submissionFile).toBe('Sentiment.tsv');
    expect(sentiment.devSplits).toEqual(['dev']);
  });

  it('reports GLUE-like metrics and scores', () => {
    const [sentiment, paraphrase, similarity, polarity] = syntheticTaskDefinitions();
    const m = paraphrase.metrics([1, 0, 1, 1], [1, 0, 0, 1]);
    expect(m).toEqual({ accuracy: 0.75, f1: 0.8 });
    expect(paraphrase.score(m)).toBeCloseTo(0.775, 12);
    expect(sentiment.score(sentiment.metrics([1, 0], [1, 1]))).toBe(0.5);
    expect(Object.keys(polarity.metrics([0, 1, 2], [0, 1, 1]))).toEqual(['accuracy']);
    const r = similarity.metrics([1, 2, 3, 4], [1.5, 2, 3.5, 5]);
    expect(Object.keys(r)).toEqual(['pearson', 'spearman']);
    expect(r.spearman).toBeCloseTo(1, 12);
    expect(similarity.score(similarity.metrics([2, 2, 2], [1, 2, 3]))).toBeNull();
  });

  it('reports bad rows with file and line, or skips them on request', async () => {
    const { fs } = await written();
    const file = `${DIR}/Polarity/dev.tsv`;
    const lines = (await fs.readText(file)).split('\n');
    lines[3] = '2\tsome text\tmaybe';
    lines[5] = 'only one field';
    await fs.writeFileAtomic(file, lines.join('\n'));
    const polarity: TaskDefinition = findSyntheticTask('synthetic-polarity')!;
    await expect(polarity.read(DIR, 'dev', fs)).rejects.toMatchObject({
      code: 'BAD_FILE',
      message: expect.stringMatching(new RegExp(`^${file}:4: .*"maybe"`)),
    });
    const { examples, skipped } = await polarity.read(DIR, 'dev', fs, { skipBadRows: true });
    expect(skipped.map((s) => s.line)).toEqual([4, 6]);
    expect(examples.length).toBe(lines.length - 2 - 2);
  });

  it('fails clearly on a missing file, a bad header or an unknown split', async () => {
    const { fs } = await written();
    const sentiment = findSyntheticTask('synthetic-sentiment')!;
    await expect(sentiment.read('nowhere', 'train', fs)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(sentiment.read(DIR, 'validation', fs)).rejects.toMatchObject({ code: 'BAD_CONFIG' });
    await fs.writeFileAtomic(`${DIR}/Sentiment/dev.tsv`, 'text\tlabel\nfoo\t1\n');
    await expect(sentiment.read(DIR, 'dev', fs)).rejects.toMatchObject({ code: 'BAD_FILE' });
  });
});
