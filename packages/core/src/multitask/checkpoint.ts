import { CamtlError, isCamtlError } from '../errors';
import { loadHfCheckpoint } from '../io/checkpoint';
import type { FileSystem } from '../io/fs';
import { readSafetensors, serializeSafetensors } from '../io/safetensors';
import type { AdamWState } from '../optim';
import type { ParamStore } from '../params/store';
import type { RngState } from '../rng';
import type { MultiTaskModel } from './model';
import type { SamplerState } from './sampler';
import type { BestEvaluation } from './selection';
import { checkTrainerState } from './checkpoint-state';

/**
 * A training checkpoint is a directory: the model (config.json +
 * model.safetensors), the optimiser moments (optimizer.safetensors) and
 * trainer_state.json (step, sampler, RNGs, best score). It is written into a
 * temporary directory and renamed into place, and `latest.json` is replaced
 * atomically afterwards, so a kill at any moment leaves the last good
 * checkpoint (and the pointer to it) intact.
 */
export interface TrainerState {
  version: 1;
  step: number;
  /** 1-based epoch the next step belongs to. */
  epoch: number;
  /** Optimiser updates taken (differs from steps with gradient accumulation). */
  updates: number;
  sampler: SamplerState;
  dropoutRng: RngState;
  best: BestEvaluation | null;
  evalsWithoutImprovement: number;
  examplesSeen: number;
  optimizer: { step: number; paramSteps: Record<string, number> };
}

export const LATEST = 'latest.json';
export const BEST = 'best.json';
export const STATE_FILE = 'trainer_state.json';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
/** Name parts of an unfinished save's folder and of a replaced checkpoint's, before it is deleted. */
const TMP_MARK = '.tmp-';
const OLD_MARK = '.old-';

export function checkpointName(step: number): string {
  return `checkpoint-${String(step).padStart(7, '0')}`;
}

function momentTensors(opt: AdamWState): Array<{ name: string; shape: number[]; data: Float32Array }> {
  const out: Array<{ name: string; shape: number[]; data: Float32Array }> = [];
  for (const [name, m] of opt.m) out.push({ name: `m.${name}`, shape: [m.length], data: m });
  for (const [name, v] of opt.v) out.push({ name: `v.${name}`, shape: [v.length], data: v });
  return out;
}

/** Writes checkpoint `step` under `root`, atomically; returns its directory name. */
export async function saveTrainingCheckpoint(
  root: string,
  model: MultiTaskModel,
  optimizer: AdamWState,
  state: TrainerState,
  fs: FileSystem,
): Promise<string> {
  const name = checkpointName(state.step);
  const stamp = Date.now().toString(36);
  const tmp = fs.join(root, `${name}${TMP_MARK}${stamp}`);
  await fs.mkdirp(tmp);
  try {
    await model.save(tmp, fs);
    await fs.writeFileAtomic(
      fs.join(tmp, OPTIMIZER_FILE),
      serializeSafetensors(momentTensors(optimizer), { format: 'camtl-adamw' }),
    );
    await fs.writeFileAtomic(fs.join(tmp, STATE_FILE), JSON.stringify(state, null, 1));
  } catch (e) {
    await fs.remove(tmp).catch(() => undefined);
    throw e;
  }
  await replaceFolder(root, name, tmp, stamp, fs);
  await fs.writeFileAtomic(fs.join(root, LATEST), JSON.stringify({ step: state.step, path: name }) + '\n');
  await removeAside(root, name, fs);
  return name;
}

/**
 * A re-save of the same step: the old folder is renamed aside (not deleted),
 * the new one renamed in, and only then is the old one removed (removeAside).
 * A kill between the two renames leaves the old folder under `.old-`, which
 * latestCheckpoint renames back, so latest.json never points at nothing.
 */
async function replaceFolder(root: string, name: string, tmp: string, stamp: string, fs: FileSystem): Promise<void> {
  const target = fs.join(root, name);
  if (await fs.exists(target)) await fs.rename(target, fs.join(root, `${name}${OLD_MARK}${stamp}`));
  await fs.rename(tmp, target);
}

async function removeAside(root: string, name: string, fs: FileSystem): Promise<void> {
  for (const n of await fs.list(root)) if (n.startsWith(`${name}${OLD_MARK}`)) await fs.remove(fs.join(root, n));
}

/**
 * Puts back a checkpoint a kill left renamed aside (see replaceFolder): when
 * `name` is missing, its newest `.old-` copy becomes `name` again.
 */
async function recoverAside(root: string, name: string, fs: FileSystem): Promise<void> {
  if (await fs.exists(fs.join(root, name, STATE_FILE))) return;
  const aside = (await fs.list(root)).filter((n) => n.startsWith(`${name}${OLD_MARK}`)).sort();
  const newest = aside.at(-1);
  if (newest === undefined || !(await fs.exists(fs.join(root, newest, STATE_FILE)))) return;
  await fs.remove(fs.join(root, name));
  await fs.rename(fs.join(root, newest), fs.join(root, name));
}

async function readJson(fs: FileSystem, file: string): Promise<unknown> {
  const text = await fs.readText(file);
  try {
    return JSON.parse(text);
  } catch {
    throw new CamtlError(
      'BAD_FILE',
      `${file}: not valid JSON`,
      'the checkpoint is damaged; resume from an earlier one',
    );
  }
}

/** The directory of the latest complete checkpoint under `root`, or undefined. */
export async function latestCheckpoint(root: string, fs: FileSystem): Promise<string | undefined> {
  const pointer = fs.join(root, LATEST);
  if (!(await fs.exists(pointer))) return undefined;
  const { path } = ((await readJson(fs, pointer)) as { path?: unknown } | null) ?? {};
  if (typeof path !== 'string' || !/^checkpoint-\d+$/.test(path)) {
    throw new CamtlError(
      'BAD_FILE',
      `${pointer}: "path" must name a checkpoint folder (checkpoint-NNNNNNN), got ${JSON.stringify(path) ?? 'nothing'}`,
      `delete ${pointer} to start over`,
    );
  }
  await recoverAside(root, path, fs);
  if (!(await fs.exists(fs.join(root, path, STATE_FILE)))) {
    throw new CamtlError(
      'BAD_FILE',
      `${pointer}: points to a missing checkpoint "${path}"`,
      `delete ${pointer} to start over`,
    );
  }
  return fs.join(root, path);
}

/** Reads a checkpoint's trainer state and optimiser moments (the model is loaded by its own loader). */
export async function loadTrainingCheckpoint(
  dir: string,
  fs: FileSystem,
): Promise<{ state: TrainerState; optimizer: AdamWState }> {
  const state = checkTrainerState(await readJson(fs, fs.join(dir, STATE_FILE)), fs.join(dir, STATE_FILE));
  const optimizerFile = fs.join(dir, OPTIMIZER_FILE);
  const file = await readSafetensors(await fs.open(optimizerFile));
  const m = new Map<string, Float32Array>();
  const v = new Map<string, Float32Array>();
  for (const name of file.entries.keys()) {
    if (!/^[mv]\./.test(name))
      throw new CamtlError(
        'BAD_FILE',
        `${optimizerFile}: tensor "${name}" is not an AdamW moment (m.* or v.*)`,
        DAMAGED,
      );
    (name.startsWith('m.') ? m : v).set(name.slice(2), await file.float32(name));
  }
  await checkModelHasMoments(dir, [...m.keys(), ...v.keys()], fs);
  const paramSteps = new Map(Object.entries(state.optimizer.paramSteps));
  return { state, optimizer: { step: state.optimizer.step, m, v, paramSteps } };
}

/**
 * Puts a checkpoint's weights into `store`, strictly: a parameter missing from
 * the file (a frozen one has no optimiser state to betray it) would otherwise
 * keep the fresh model's random value, and the resumed run would silently differ.
 */
export async function restoreModelWeights(store: ParamStore, dir: string, fs: FileSystem): Promise<void> {
  const weights = await loadHfCheckpoint(dir, fs);
  const missing = store.names().filter((n) => !weights.tensors.has(n));
  if (missing.length > 0) {
    const list = missing.slice(0, 3).join(', ') + (missing.length > 3 ? ', …' : '');
    throw new CamtlError(
      'MISSING_KEYS',
      `${weights.files[0] ?? dir}: missing ${missing.length} tensor(s) the model has: ${list}`,
      'resume with the model and tasks this run started with, or delete this checkpoint folder (and latest.json if it points there) and resume from an earlier one',
    );
  }
  for (const name of store.names()) {
    const t = weights.tensors.get(name)!;
    store.assign(name, t.shape, t.data);
  }
}

/**
 * Runs `restore` (a sampler's setState: the sampler checks its own fields)
 * so that whatever it refuses is a one-line error naming the state file.
 */
export async function restoringFrom(file: string, restore: () => Promise<void> | void): Promise<void> {
  try {
    await restore();
  } catch (e) {
    const message = String((e as Error)?.message ?? e).replace(/\s+/g, ' ');
    if (!isCamtlError(e)) throw new CamtlError('BAD_FILE', `${file}: sampler: ${message}`, DAMAGED);
    throw new CamtlError(e.code, message.startsWith(file) ? message : `${file}: ${message}`, e.hint ?? DAMAGED);
  }
}

const DAMAGED =
  'the checkpoint is damaged: delete its folder (and latest.json if it points there) and resume from an earlier one';

/**
 * Every parameter with optimiser moments is in the checkpoint's model file:
 * a weight missing there would otherwise be restored as the fresh model's.
 */
async function checkModelHasMoments(dir: string, names: readonly string[], fs: FileSystem): Promise<void> {
  const modelFile = fs.join(dir, 'model.safetensors');
  if (!(await fs.exists(modelFile))) return; // a sharded or missing model: its loader names what is wrong
  const { entries } = await readSafetensors(await fs.open(modelFile));
  const missing = names.find((n) => !entries.has(n));
  if (missing !== undefined)
    throw new CamtlError('MISSING_KEYS', `${modelFile}: missing tensor ${missing} (it has optimizer state)`, DAMAGED);
}

/** Removes all but the newest `keep` checkpoints, never the best one. */
export async function pruneCheckpoints(root: string, keep: number, fs: FileSystem): Promise<void> {
  const names = (await fs.list(root)).filter((n) => /^checkpoint-\d+$/.test(n)).sort();
  let bestPath: string | undefined;
  if (await fs.exists(fs.join(root, BEST)))
    bestPath = ((await readJson(fs, fs.join(root, BEST))) as { path?: string }).path;
  for (const name of names.slice(0, Math.max(0, names.length - keep))) {
    if (name !== bestPath) await fs.remove(fs.join(root, name));
  }
  // Unfinished saves and replaced checkpoints of interrupted saves are garbage once a save completed.
  const garbage = (n: string) => n.includes(TMP_MARK) || n.includes(OLD_MARK);
  for (const name of (await fs.list(root)).filter(garbage)) await fs.remove(fs.join(root, name));
}

/**
 * Copies the best checkpoint's model (best.json under `root`), or else saves
 * `model` as it is, to `target`, atomically (a temporary folder renamed into place).
 */
export async function exportBestModel(
  root: string,
  target: string,
  model: MultiTaskModel,
  fs: FileSystem,
): Promise<string> {
  const tmp = `${target}.tmp-${Date.now().toString(36)}`;
  const bestFile = fs.join(root, BEST);
  if (await fs.exists(bestFile)) {
    const { path } = JSON.parse(await fs.readText(bestFile)) as { path: string };
    await fs.mkdirp(tmp);
    for (const f of ['config.json', 'model.safetensors'])
      await fs.writeFileAtomic(fs.join(tmp, f), await fs.readFile(fs.join(root, path, f)));
  } else {
    await model.save(tmp, fs);
  }
  // The new folder goes in before the old one goes (a kill between the renames leaves target.old-*).
  const aside = `${target}${OLD_MARK}${Date.now().toString(36)}`;
  if (await fs.exists(target)) await fs.rename(target, aside);
  await fs.rename(tmp, target);
  await fs.remove(aside);
  return target;
}
