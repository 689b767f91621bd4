import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@camtl/core';
import { describe, expect, it } from 'vitest';
import { BIN, tmp } from './test-helpers';

/**
 * Durability: `camtl train` killed with SIGKILL at random moments, some of
 * them while a checkpoint is being written, then resumed each time, ends
 * with the weights of an uninterrupted run, bit for bit. The kill schedule
 * is seeded (KILL_SEED=… to replay one; the seed is printed).
 */

const SEED = Number(process.env.KILL_SEED ?? Math.floor(Math.random() * 1e6));
const ARGS = ['--limit', '24', '--max-steps', '8', '--save-every', '2', '--batch-size', '4', '--seed', '3'];
const CPU = ['--backend', 'cpu'];

/** What stops one attempt: a SIGKILL when a checkpoint's temporary folder appears, or after some milliseconds. */
type Trigger = { kind: 'during-write'; afterStep: number } | { kind: 'after-ms'; ms: number };
interface Attempt {
  trigger: Trigger;
  killed: boolean;
  /** A checkpoint's temporary folder existed at the moment of the kill. */
  duringWrite: boolean;
  code: number | null;
}

const checkpoints = (out: string) => join(out, 'checkpoints');
const names = (out: string) => (existsSync(checkpoints(out)) ? readdirSync(checkpoints(out)) : []);
const latestStep = (out: string): number => {
  const file = join(checkpoints(out), 'latest.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { step: number }).step : 0;
};
/** The step of a checkpoint being written: a temporary folder that was not there before (`old`: leftovers of a kill). */
const tmpStep = (out: string, old: ReadonlySet<string>): number | undefined => {
  const t = names(out).find((n) => n.includes('.tmp-') && !old.has(n));
  return t === undefined ? undefined : Number(/checkpoint-(\d+)/.exec(t)?.[1]);
};

/** One launch (the command line, or --resume once the run has its train-config.json), stopped by `trigger`. */
function attempt(out: string, trigger: Trigger): Promise<Attempt> {
  const resume = existsSync(join(out, 'train-config.json'));
  const argv = resume
    ? [BIN, 'train', '--resume', '--output', out, ...CPU]
    : [BIN, 'train', '--output', out, ...ARGS, ...CPU];
  const startStep = latestStep(out);
  const leftovers = new Set(names(out));
  return new Promise((done) => {
    const child = spawn(process.execPath, argv, { stdio: 'ignore' });
    const result: Attempt = { trigger, killed: false, duringWrite: false, code: null };
    const kill = () => {
      if (result.killed) return;
      result.duringWrite = tmpStep(out, leftovers) !== undefined;
      result.killed = child.kill('SIGKILL');
    };
    const timers: NodeJS.Timeout[] = [];
    if (trigger.kind === 'after-ms') timers.push(setTimeout(kill, trigger.ms));
    else {
      // Past the next checkpoint (so each attempt makes progress), during the write of the one after.
      const minStep = startStep + trigger.afterStep;
      timers.push(setInterval(() => (tmpStep(out, leftovers) ?? 0) >= minStep && kill(), 2));
    }
    child.on('exit', (code) => {
      timers.forEach((t) => clearInterval(t));
      done({ ...result, code });
    });
  });
}

const weights = (out: string) => readFileSync(join(checkpoints(out), 'checkpoint-0000008', 'model.safetensors'));

describe.skipIf(!existsSync(BIN))('SIGKILL at random moments, then --resume (cpu, fixed training seed)', () => {
  it('the final weights equal an uninterrupted run, bit for bit', async () => {
    const rng = new Rng(SEED);
    const random = () => rng.next();
    const straight = join(tmp(), 'straight');
    expect(spawnSync(process.execPath, [BIN, 'train', '--output', straight, ...ARGS, ...CPU]).status).toBe(0);
    const out = join(tmp(), 'killed');
    // during-write afterStep 4: one checkpoint completes, the next is killed mid-write (progress);
    // afterStep 2: the first new checkpoint is killed mid-write (no progress); after-ms: anywhere.
    const triggers: Trigger[] = [
      { kind: 'during-write', afterStep: 4 },
      { kind: 'after-ms', ms: 300 + Math.floor(random() * 2500) },
      { kind: 'during-write', afterStep: 2 },
      { kind: 'after-ms', ms: 1000 + Math.floor(random() * 3000) },
      { kind: 'during-write', afterStep: 2 + 2 * Math.floor(random() * 2) },
    ];
    const attempts: Attempt[] = [];
    for (const trigger of triggers) {
      const a = await attempt(out, trigger);
      attempts.push(a);
    }
    const last = await attempt(out, { kind: 'after-ms', ms: 600_000 });
    console.log(
      `kill seed ${SEED}: ${attempts
        .map(
          (a) =>
            `${JSON.stringify(a.trigger)} → ${a.killed ? (a.duringWrite ? 'killed during a checkpoint write' : 'killed') : `exit ${a.code}`}`,
        )
        .join('; ')}; then --resume → exit ${last.code}`,
    );
    expect(last.code).toBe(0);
    expect(attempts.filter((a) => a.killed).length).toBeGreaterThanOrEqual(4);
    expect(attempts.filter((a) => a.duringWrite).length).toBeGreaterThanOrEqual(2);
    expect(weights(out).equals(weights(straight))).toBe(true);
    expect(names(out).filter((n) => n.includes('.tmp-') || n.includes('.old-'))).toEqual([]);
  }, 600_000);
});
