// The SuperGLUE loaders on the whole official files in ../shared/data (when present):
// the official example counts, split by split.
import { describe, expect, it } from 'vitest';
import { SUPERGLUE_TASKS } from './superglue';
import { folderFs, SHARED_SUPERGLUE, sharedDataPresent } from './superglue-test-helpers';

const present = sharedDataPresent();
if (!present) console.warn(`superglue-data.test: ${SHARED_SUPERGLUE} is absent, the official-count checks are skipped`);
const DATA = 'superglue';

/** Task → split → official count (MultiRC: answer options). BoolQ train is a 5-record sample in its own folder. */
const COUNTS: Record<string, Record<string, number>> = {
  boolq: { dev: 3270, test: 3245 },
  cb: { train: 250, dev: 56, test: 250 },
  copa: { train: 400, dev: 100, test: 500 },
  multirc: { train: 27243, dev: 4848, test: 9693 },
  wic: { train: 5428, dev: 638, test: 1400 },
  wsc: { train: 554, dev: 104, test: 146 },
  axb: { test: 1104 },
  axg: { test: 356 },
};

describe.runIf(present)('SuperGLUE loaders on ../shared/data/superglue', () => {
  // Read once, lazily: the describe body is collected even when skipped.
  let cached: ReturnType<typeof folderFs> | undefined;
  const data = () => (cached ??= folderFs(SHARED_SUPERGLUE));
  for (const task of SUPERGLUE_TASKS) {
    it(`${task.name}: the official counts, nothing skipped`, async () => {
      for (const [split, count] of Object.entries(COUNTS[task.name])) {
        const r = await task.read(DATA, split, data());
        expect([split, r.examples.length, r.skipped]).toEqual([split, count, []]);
        const labelled = r.examples.filter((e) => e.label !== undefined).length;
        expect(labelled).toBe(split === 'test' && !task.name.startsWith('ax') ? 0 : count);
      }
    });
  }

  it('boolq train: the 5-record sample', async () => {
    const boolq = SUPERGLUE_TASKS.find((t) => t.name === 'boolq')!;
    const sample = folderFs(`${SHARED_SUPERGLUE}/BoolQ/sample-5_louisbzk-pet`, 'sample/BoolQ');
    expect((await boolq.read('sample', 'train', sample)).examples).toHaveLength(5);
  });

  it('multirc: 5131/953/1820 questions, as groups', async () => {
    const multirc = SUPERGLUE_TASKS.find((t) => t.name === 'multirc')!;
    for (const [split, n] of [
      ['train', 5131],
      ['dev', 953],
      ['test', 1820],
    ] as const) {
      const r = await multirc.read(DATA, split, data());
      expect(new Set(r.examples.map((e) => e.group)).size).toBe(n);
      expect(r.quirks?.questions).toBe(n);
    }
  });

  it('wsc train: the span quirks, counted', async () => {
    const wsc = SUPERGLUE_TASKS.find((t) => t.name === 'wsc')!;
    expect((await wsc.read(DATA, 'train', data())).quirks).toEqual({
      'span1 capitalised differently in the text': 86,
      'texts with leading or trailing spaces': 3,
      'span2 followed by punctuation in the text': 3,
      'span1 not at span1_index in the text': 2,
      'span1 followed by punctuation in the text': 1,
    });
  });

  it('axg: 178 pairs of consecutive rows', async () => {
    const axg = SUPERGLUE_TASKS.find((t) => t.name === 'axg')!;
    const r = await axg.read(DATA, 'test', data());
    expect(new Set(r.examples.map((e) => e.group)).size).toBe(178);
    expect(r.quirks).toEqual({
      'no newline at the end of the file': 1,
      'pairs of consecutive rows (pair_id is unique per row)': 178,
    });
  });
});
