import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../testing/fixtures';
import { BertTokenizer } from '../tokenizer/bert-tokenizer';
import { encodeExamples } from './data';
import type { TaskDefinition } from './tasks';

const tk = BertTokenizer.fromTokenizerJson(readFileSync(fixturePath('tokenizer', 'tokenizer.json'), 'utf8'));
// encodeExamples reads only `target` of the task.
const task = { target: (label: string) => Number(label) } as unknown as TaskDefinition;

describe('encodeExamples pair truncation', () => {
  const example = {
    textA: 'This variable can not be set directly, use the |:language|',
    textB: "<Tab>.  Spaces are used in indents with the '>' and '<' commands and",
    label: '1',
  };
  // Tokens of the first text: type 0 without [CLS] and its [SEP].
  const firstLength = (typeIds: number[]) => typeIds.filter((t) => t === 0).length - 2;

  it("defaults to HF fast's longest-first; 'longest-first-reference' trims the second text on a tie", () => {
    const [fast] = encodeExamples(tk, [example], task, 2, 16);
    const [same] = encodeExamples(tk, [example], task, 2, 16, { truncation: 'longest-first' });
    const [reference] = encodeExamples(tk, [example], task, 2, 16, { truncation: 'longest-first-reference' });
    expect(same).toEqual(fast);
    expect(firstLength(fast.typeIds)).toBe(6);
    expect(firstLength(reference.typeIds)).toBe(7);
    expect(reference.ids).toHaveLength(16);
    expect(reference).toMatchObject({ task: 2, target: 1 });
  });
});
