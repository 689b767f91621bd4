import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { CamtlError, isCamtlError } from '../errors';
import { saveHfCheckpoint } from '../io/checkpoint';
import { memoryFileSystem, type FileSystem } from '../io/fs';
import { serializeSafetensors } from '../io/safetensors';
import { ToyModel } from '../testing/toy-multitask';
import {
  LATEST,
  OPTIMIZER_FILE,
  STATE_FILE,
  latestCheckpoint,
  loadTrainingCheckpoint,
  pruneCheckpoints,
  restoreModelWeights,
  restoringFrom,
  saveTrainingCheckpoint,
  type TrainerState,
} from './checkpoint';

const ROOT = 'run/checkpoints';

function state(step: number, examplesSeen = step * 8): TrainerState {
  return {
    version: 1,
    step,
    epoch: 1,
    updates: step,
    sampler: { kind: 'toy', batches: 1, rng: [1, 2, 3, 4] },
    dropoutRng: [1, 2, 3, 4],
    best: null,
    evalsWithoutImprovement: 0,
    examplesSeen,
    optimizer: { step, paramSteps: {} },
  };
}
const opt = () => ({ step: 1, m: new Map([['emb.weight', new Float32Array([1, 2])]]), v: new Map() });

/** A FileSystem whose mutations stop (the process "dies") at the `killAt`-th one. */
function dyingAt(fs: FileSystem, killAt: number): { fs: FileSystem; count: () => number } {
  let n = 0;
  const step = () => {
    if (++n === killAt) throw Object.assign(new Error('killed'), { code: 'KILLED' });
  };
  const wrap =
    <A extends unknown[]>(f: (...a: A) => Promise<void>) =>
    async (...a: A) => {
      step();
      return f(...a);
    };
  return {
    fs: { ...fs, writeFileAtomic: wrap(fs.writeFileAtomic), rename: wrap(fs.rename), remove: wrap(fs.remove) },
    count: () => n,
  };
}

describe('training checkpoints', () => {
  it('a step saved twice is replaced atomically: a kill at any file operation leaves a loadable latest', async () => {
    const model = new ToyModel();
    const probe = memoryFileSystem();
    await saveTrainingCheckpoint(ROOT, model, opt(), state(4), probe);
    const counter = dyingAt(probe, Infinity);
    await saveTrainingCheckpoint(ROOT, model, opt(), state(4, 99), counter.fs);
    const operations = counter.count();
    expect(operations).toBeGreaterThan(3);
    for (let killAt = 1; killAt <= operations; killAt++) {
      const fs = memoryFileSystem();
      await saveTrainingCheckpoint(ROOT, model, opt(), state(4), fs);
      const dying = dyingAt(fs, killAt);
      await expect(saveTrainingCheckpoint(ROOT, model, opt(), state(4, 99), dying.fs)).rejects.toThrow('killed');
      // The restarted process: latest.json leads to a complete checkpoint, old or new.
      const latest = await latestCheckpoint(ROOT, fs);
      expect(latest, `kill at operation ${killAt}`).toBe(`${ROOT}/checkpoint-0000004`);
      const { state: loaded } = await loadTrainingCheckpoint(latest!, fs);
      expect([32, 99]).toContain(loaded.examplesSeen);
      expect(await fs.exists(`${latest}/model.safetensors`)).toBe(true);
      // The next save and prune leave no leftovers.
      await saveTrainingCheckpoint(ROOT, model, opt(), state(6), fs);
      await pruneCheckpoints(ROOT, 5, fs);
      expect((await fs.list(ROOT)).filter((n) => n.includes('.'))).toEqual([LATEST]);
    }
    model.store.dispose();
  });

  it('a damaged latest.json or trainer_state.json is a one-line error naming the file', async () => {
    const model = new ToyModel();
    const fs = memoryFileSystem();
    await saveTrainingCheckpoint(ROOT, model, opt(), state(2), fs);
    const dir = `${ROOT}/checkpoint-0000002`;
    const other = serializeSafetensors([{ name: 'x', shape: [1], data: new Float32Array([1]) }]);
    const cases: Array<[string, string | Uint8Array, RegExp]> = [
      [`${ROOT}/${LATEST}`, 'null', /latest\.json: "path" must name a checkpoint folder/],
      [`${ROOT}/${LATEST}`, '{"step":2,"path":"../x"}', /latest\.json: "path"/],
      [`${dir}/${STATE_FILE}`, '{"version":1,', /trainer_state\.json: not valid JSON/],
      [`${dir}/${STATE_FILE}`, 'null', /trainer_state\.json: \(root\): expected an object, got null/],
      [`${dir}/${STATE_FILE}`, JSON.stringify({ ...state(2), step: null }), /trainer_state\.json: step: expected/],
      [`${dir}/${STATE_FILE}`, JSON.stringify({ ...state(2), optimizer: null }), /optimizer: expected/],
      [
        `${dir}/${STATE_FILE}`,
        JSON.stringify({ ...state(2), dropoutRng: [1, 2] }),
        /dropoutRng: must have at least 4 entries/,
      ],
      [`${dir}/${STATE_FILE}`, JSON.stringify({ ...state(2), best: { step: null } }), /best\.step: expected/],
      [`${dir}/model.safetensors`, other, /model\.safetensors: missing tensor emb\.weight \(it has optimizer state\)/],
      [`${dir}/${OPTIMIZER_FILE}`, other, /optimizer\.safetensors: tensor "x" is not an AdamW moment/],
    ];
    for (const [file, text, message] of cases) {
      const copy = memoryFileSystem();
      for (const [k, v] of fs.files) copy.files.set(k, v);
      await copy.writeFileAtomic(file, text);
      const e = await latestCheckpoint(ROOT, copy)
        .then((d) => loadTrainingCheckpoint(d!, copy))
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(isCamtlError(e), String(e)).toBe(true);
      expect((e as Error).message).toMatch(message);
      expect((e as Error).message).not.toContain('\n');
    }
    model.store.dispose();
  });
});

describe('restoreModelWeights', () => {
  it('restores every parameter, and names the file and tensors when the checkpoint lacks some', async () => {
    const fs = memoryFileSystem();
    const saved = new ToyModel(1);
    const fresh = new ToyModel(2);
    const tensors = await saved.store.toTensors();
    await saveHfCheckpoint('ck', { config: {}, tensors }, fs);
    await restoreModelWeights(fresh.store, 'ck', fs);
    for (const name of saved.store.names()) {
      expect(Array.from(await fresh.store.get(name).data())).toEqual(Array.from(tensors.get(name)!.data));
    }
    const dropped = saved.store.names()[0];
    tensors.delete(dropped);
    await saveHfCheckpoint('partial', { config: {}, tensors }, fs);
    const err = await restoreModelWeights(fresh.store, 'partial', fs).catch((e: unknown) => e);
    expect(isCamtlError(err)).toBe(true);
    expect((err as Error).message).toBe(`partial/model.safetensors: missing 1 tensor(s) the model has: ${dropped}`);
    saved.store.dispose();
    fresh.store.dispose();
  });
});

describe('restoringFrom', () => {
  it("names the state file in whatever a sampler's setState refuses", async () => {
    const file = 'run/checkpoints/checkpoint-0000002/trainer_state.json';
    const refused = (e: unknown) => restoringFrom(file, () => Promise.reject(e)).catch((err: unknown) => err as Error);
    const own = await refused(new CamtlError('BAD_INPUT', 'sampler state: malformed permutation stream', 'hint'));
    expect(isCamtlError(own) && own.message).toBe(`${file}: sampler state: malformed permutation stream`);
    const raw = await refused(new TypeError("Cannot read properties of null (reading 'length')"));
    expect(isCamtlError(raw) && raw.message).toBe(
      `${file}: sampler: Cannot read properties of null (reading 'length')`,
    );
    await expect(restoringFrom(file, () => undefined)).resolves.toBeUndefined();
  });
});
