import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../testing/fixtures';
import { loadHfCheckpoint, saveHfCheckpoint } from './checkpoint';
import { memoryFileSystem } from './fs';
import { describeMatch, matchParameters } from './match';
import { serializeSafetensors } from './safetensors';
import { bertExpectedShapes, camtlError } from './test-helpers';

const fixture = (name: string) => new Uint8Array(readFileSync(fixturePath('bert-tiny', name)));
const configText = new TextDecoder().decode(fixture('config.json'));
const config = JSON.parse(configText);

describe('loadHfCheckpoint', () => {
  it('loads config.json and model.safetensors', async () => {
    const fs = memoryFileSystem({ 'm/config.json': configText, 'm/model.safetensors': fixture('model.safetensors') });
    const ck = await loadHfCheckpoint('m', fs);
    expect(ck.dir).toBe('m');
    expect(ck.config.hidden_size).toBe(64);
    expect(ck.files).toEqual(['m/model.safetensors']);
    expect(ck.tensors.size).toBe(41);
    const cls = ck.tensors.get('classifier.bias')!;
    expect(cls).toMatchObject({ shape: [3], dtype: 'F32' });
    expect(cls.data[0]).toBe(-0.01652946136891842);
    const match = matchParameters(bertExpectedShapes(config), ck.tensors);
    expect(match.mapping.size).toBe(41);
    expect(describeMatch(match, ck.files[0])).toBe('m/model.safetensors: 0 missing, 0 ignored, 0 unexpected');
  });

  it('loads F64 weights as float32', async () => {
    const fs = memoryFileSystem({
      'g/config.json': '{}',
      'g/model.safetensors': fixture('grads_padded_batch.safetensors'),
    });
    const ck = await loadHfCheckpoint('g', fs);
    const t = ck.tensors.get('classifier.bias')!;
    expect(t.dtype).toBe('F64');
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(t.data[1]).toBe(Math.fround(-0.47318596330113927));
  });

  it('reads sharded checkpoints through model.safetensors.index.json, each shard once', async () => {
    const one = new Float32Array([1, 2]);
    const fs = memoryFileSystem({
      'd/config.json': configText,
      'd/model-00001-of-00002.safetensors': serializeSafetensors([
        { name: 'a', shape: [2], data: one },
        { name: 'b', shape: [1, 2], data: new Float32Array([3, 4]) },
      ]),
      'd/model-00002-of-00002.safetensors': serializeSafetensors([
        { name: 'c', shape: [1], data: new Float64Array([5]) },
      ]),
      'd/model.safetensors.index.json': JSON.stringify({
        metadata: { total_size: 20 },
        weight_map: {
          a: 'model-00001-of-00002.safetensors',
          c: 'model-00002-of-00002.safetensors',
          b: 'model-00001-of-00002.safetensors',
        },
      }),
    });
    const opened: string[] = [];
    const open = fs.open.bind(fs);
    fs.open = async (p) => (opened.push(p), open(p));
    const ck = await loadHfCheckpoint('d', fs);
    expect(opened).toEqual(['d/model-00001-of-00002.safetensors', 'd/model-00002-of-00002.safetensors']);
    expect(ck.files).toEqual(['d/model.safetensors.index.json', ...opened]);
    expect([...ck.tensors.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect(Array.from(ck.tensors.get('b')!.data)).toEqual([3, 4]);
    expect(ck.tensors.get('c')).toMatchObject({ dtype: 'F64', shape: [1] });
  });

  const shardDir = (weightMap: Record<string, unknown>) =>
    memoryFileSystem({
      'd/config.json': '{}',
      'd/s1.safetensors': serializeSafetensors([{ name: 'a', shape: [1], data: new Float32Array([1]) }]),
      'd/model.safetensors.index.json': JSON.stringify({ weight_map: weightMap }),
    });

  it('names the index and tensor when a shard lacks a listed tensor', async () => {
    const e = await camtlError(loadHfCheckpoint('d', shardDir({ a: 's1.safetensors', zz: 's1.safetensors' })));
    expect(e.message).toContain('d/model.safetensors.index.json');
    expect(e.message).toContain('"zz"');
  });

  it('refuses shard paths that escape the directory', async () => {
    for (const bad of ['../s1.safetensors', '/etc/passwd', 'sub/../../x', '..\\x', 'C:\\x', '', 3]) {
      const e = await camtlError(loadHfCheckpoint('d', shardDir({ a: 's1.safetensors', evil: bad })));
      expect(e.code).toBe('BAD_FILE');
      expect(e.message).toContain('d/model.safetensors.index.json');
      expect(e.message).toContain('"evil"');
    }
  });

  it('reports a missing shard and a malformed index', async () => {
    const missing = await camtlError(loadHfCheckpoint('d', shardDir({ a: 'nope.safetensors' })));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain('nope.safetensors');
    const fs = memoryFileSystem({ 'd/config.json': '{}', 'd/model.safetensors.index.json': '{"weight_map": [1]}' });
    expect((await camtlError(loadHfCheckpoint('d', fs))).message).toContain('weight_map');
  });

  it('refuses pytorch_model.bin without reading it, with a conversion hint', async () => {
    const fs = memoryFileSystem({ 'pt/config.json': configText, 'pt/pytorch_model.bin': 'PK\x03\x04 not read' });
    const readFile = fs.readFile;
    fs.readFile = async (p) => {
      if (p.endsWith('.bin')) throw new Error('must not read pickle');
      return readFile(p);
    };
    fs.open = async (p) => {
      throw new Error(`must not open ${p}`);
    };
    const e = await camtlError(loadHfCheckpoint('pt', fs));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toBe(
      'pt/pytorch_model.bin: PyTorch pickle checkpoints are not read (unpickling can run arbitrary code)',
    );
    expect(e.hint).toContain(
      `python -c "from transformers import AutoModelForSequenceClassification; m = AutoModelForSequenceClassification.from_pretrained('pt'); m.save_pretrained('pt', safe_serialization=True)"`,
    );
    expect(e.hint).not.toContain('\n');
  });

  it('refuses sharded pickle, tf and flax checkpoints; suggests AutoModel for non-classifiers', async () => {
    const cases: Array<[string, string]> = [
      ['pytorch_model.bin.index.json', 'PyTorch pickle'],
      ['tf_model.h5', 'from_tf=True'],
      ['flax_model.msgpack', 'from_flax=True'],
    ];
    for (const [file, text] of cases) {
      const e = await camtlError(
        loadHfCheckpoint('x', memoryFileSystem({ 'x/config.json': '{}', [`x/${file}`]: 'data' })),
      );
      expect(e.code).toBe('UNSUPPORTED');
      expect(e.message.startsWith(`x/${file}: `)).toBe(true);
      expect(`${e.message} ${e.hint}`).toContain(text);
      expect(e.hint).toContain('AutoModel.from_pretrained');
      expect(e.hint).toContain('AutoModelForSequenceClassification');
    }
  });

  it('reports missing config.json, bad config JSON and missing weights', async () => {
    const noConfig = await camtlError(
      loadHfCheckpoint('m', memoryFileSystem({ 'm/model.safetensors': fixture('model.safetensors') })),
    );
    expect(noConfig.code).toBe('NOT_FOUND');
    expect(noConfig.message).toContain('m/config.json');
    const badJson = await camtlError(loadHfCheckpoint('m', memoryFileSystem({ 'm/config.json': '{"a":' })));
    expect(badJson.code).toBe('BAD_FILE');
    expect(badJson.message).toContain('m/config.json');
    const noWeights = await camtlError(loadHfCheckpoint('m', memoryFileSystem({ 'm/config.json': '{}' })));
    expect(noWeights.code).toBe('NOT_FOUND');
    for (const f of ['model.safetensors', 'model.safetensors.index.json', 'pytorch_model.bin'])
      expect(noWeights.message).toContain(f);
  });

  it('passes on a corrupt model.safetensors as BAD_FILE naming its path', async () => {
    const cut = fixture('model.safetensors').subarray(0, 5000);
    const e = await camtlError(
      loadHfCheckpoint('m', memoryFileSystem({ 'm/config.json': '{}', 'm/model.safetensors': cut })),
    );
    expect(e.code).toBe('BAD_FILE');
    expect(e.message).toContain('m/model.safetensors');
  });

  it('wraps file-system failures as IO errors naming the path', async () => {
    const fs = memoryFileSystem({ 'm/config.json': '{}', 'm/model.safetensors': fixture('model.safetensors') });
    fs.open = async () => {
      throw new Error('EACCES: permission denied');
    };
    const e = await camtlError(loadHfCheckpoint('m', fs));
    expect(e.code).toBe('IO');
    expect(e.message).toBe('m/model.safetensors: EACCES: permission denied');
  });
});

describe('saveHfCheckpoint', () => {
  it('round-trips through memoryFileSystem', async () => {
    const src = memoryFileSystem({ 'm/config.json': configText, 'm/model.safetensors': fixture('model.safetensors') });
    const ck = await loadHfCheckpoint('m', src);
    const out = memoryFileSystem();
    const dirs: string[] = [];
    out.mkdirp = async (d) => void dirs.push(d);
    await saveHfCheckpoint('out/run1', ck, out);
    expect(dirs).toEqual(['out/run1']);
    expect([...out.files.keys()].sort()).toEqual(['out/run1/config.json', 'out/run1/model.safetensors']);
    const text = await out.readText('out/run1/config.json');
    expect(text).toContain('\n  "hidden_size": 64');
    const back = await loadHfCheckpoint('out/run1', out);
    expect(back.config).toEqual(config);
    expect([...back.tensors.keys()]).toEqual([...ck.tensors.keys()]);
    for (const [name, t] of ck.tensors) {
      expect(back.tensors.get(name)!.shape).toEqual(t.shape);
      expect(Buffer.from(back.tensors.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer)), name).toBe(true);
    }
    // Same tensors in the same order: byte-identical to the file PyTorch's safetensors wrote.
    expect(
      Buffer.from(out.files.get('out/run1/model.safetensors')!).equals(Buffer.from(fixture('model.safetensors'))),
    ).toBe(true);
  });

  it('rejects a tensor whose data does not fit its shape, naming the file and tensor', async () => {
    const tensors = new Map([['w', { shape: [2, 2], data: new Float32Array(3) }]]);
    const fs = memoryFileSystem();
    const e = await camtlError(saveHfCheckpoint('o', { config: {}, tensors }, fs));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toContain('o/model.safetensors');
    expect(e.message).toContain('"w"');
    expect(fs.files.size).toBe(0);
  });
});
