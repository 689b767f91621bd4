import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { useBackend } from '../backend';
import { memoryFileSystem } from '../io/fs';
import { readSafetensors, serializeSafetensors } from '../io/safetensors';
import { bytesSource } from '../io/fs';
import { camtlError } from '../io/test-helpers';
import { fixturePath } from '../testing/fixtures';
import { describeCreated, loadBertModel } from './load';
import { loadBertTaskModel } from './task-load';

const CONFIG = JSON.parse(readFileSync(fixturePath('bert-tiny', 'config.json'), 'utf8'));
const WEIGHTS = new Uint8Array(readFileSync(fixturePath('bert-tiny', 'model.safetensors')));

/** bert-tiny with the tensors `drop` matches removed and config.json changed by `config`. */
async function variant(drop: RegExp | null, config: Record<string, unknown> = CONFIG) {
  const file = await readSafetensors(bytesSource(WEIGHTS, 'model.safetensors'));
  const kept = [];
  for (const [name, e] of file.entries) {
    if (drop?.test(name)) continue;
    kept.push({ name, dtype: 'F32' as const, shape: e.shape, data: await file.float32(name) });
  }
  return memoryFileSystem({
    'm/config.json': JSON.stringify(config),
    'm/model.safetensors': serializeSafetensors(kept, {}),
  });
}

const tokenConfig = { ...CONFIG, architectures: ['BertForTokenClassification'] };
const noLayers = Object.fromEntries(Object.entries(CONFIG).filter(([k]) => k !== 'num_hidden_layers'));

describe('a checkpoint missing a tensor the model needs is an error naming it', () => {
  it.each([
    [
      'no word_embeddings',
      /word_embeddings/,
      CONFIG,
      /m\/model\.safetensors: missing 1 .*bert\.embeddings\.word_embeddings\.weight/,
    ],
    ['zero tensors', /./, CONFIG, /m\/model\.safetensors: missing \d+ .*bert\.embeddings\.word_embeddings\.weight/],
    [
      'a missing layer',
      /encoder\.layer\.1\./,
      CONFIG,
      /missing 16 .*bert\.encoder\.layer\.1\.attention\.self\.query\.weight/,
    ],
    ['no num_hidden_layers (12 by default)', null, noLayers, /missing 160 .*bert\.encoder\.layer\.2\./],
  ])('loadBertModel: %s', async (_, drop, config, message) => {
    const e = await camtlError(loadBertModel('m', await variant(drop, config)));
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('\n');
  });

  it('even when not strict (training), the encoder must come from the checkpoint', async () => {
    for (const [drop, config] of [
      [/word_embeddings/, CONFIG],
      [/./, CONFIG],
      [null, noLayers],
    ] as const) {
      const e = await camtlError(loadBertModel('m', await variant(drop, config), { strict: false }));
      expect(e.message).toMatch(/missing \d+ encoder tensor\(s\): bert\.(embeddings|encoder)\./);
    }
  });

  it('not strict creates only the head and lists it', async () => {
    await useBackend('cpu');
    const { model, report } = await loadBertModel('m', await variant(/^(classifier|bert\.pooler)\./), {
      strict: false,
      classifier: true,
    });
    expect(describeCreated(report)).toMatch(
      /created 4 new parameter\(s\) not in the checkpoint: bert\.pooler\.\*, classifier\.weight, classifier\.bias/,
    );
    model.dispose();
  });

  it('a config with fewer layers than the weights is an error when strict', async () => {
    const e = await camtlError(loadBertModel('m', await variant(null, { ...CONFIG, num_hidden_layers: 1 })));
    expect(e.message).toMatch(/16 encoder tensor\(s\) unused by the model, e\.g\. bert\.encoder\.layer\.1\./);
    expect(e.hint).toMatch(/num_hidden_layers/);
  });

  it('loadBertTaskModel is strict by default too', async () => {
    const e = await camtlError(
      loadBertTaskModel('m', await variant(/word_embeddings/, tokenConfig), { head: 'token-classification' }),
    );
    expect(e.message).toMatch(/missing 1 .*word_embeddings/);
  });
});
