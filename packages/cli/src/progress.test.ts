import { join } from 'node:path';
import { loadTokenizer } from '@camtl/core';
import { nodeFileSystem } from '@camtl/backend-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProgressBar, formatDuration, splitSummaryLine, terminalStyle, trainProgress } from './progress';
import { CORE_FIXTURES, GLUE, run, tmp } from './test-helpers';
import { readSplits, resolveTasks } from './train/data';

/** A stream that records what is written; `isTTY` as given. */
function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, text: () => out.join(''), stream: { write: (t: string) => out.push(t), isTTY } };
}

/** Five updates one second apart (fake clock) on a bar of `env`. */
function drive(isTTY: boolean, env: Record<string, string | undefined>) {
  const s = sink(isTTY);
  const bar = new ProgressBar({ label: 'train', total: 5, stream: s.stream, env, logEverySeconds: 2 });
  for (let k = 1; k <= 5; k++) {
    bar.update(k, { loss: '0.5000' });
    vi.advanceTimersByTime(1000);
  }
  bar.done();
  return s;
}

const ESC = '\x1b';

describe('terminalStyle: NO_COLOR, FORCE_COLOR, TERM=dumb and TTYs', () => {
  it('redraws only on a terminal; escape sequences only where allowed', () => {
    expect(terminalStyle(true, {})).toEqual({ redraw: true, ansi: true });
    expect(terminalStyle(false, {})).toEqual({ redraw: false, ansi: false });
    expect(terminalStyle(undefined, {})).toEqual({ redraw: false, ansi: false });
    expect(terminalStyle(true, { NO_COLOR: '1' })).toEqual({ redraw: true, ansi: false });
    expect(terminalStyle(true, { NO_COLOR: '' })).toEqual({ redraw: true, ansi: true }); // empty = unset (no-color.org)
    expect(terminalStyle(true, { TERM: 'dumb' })).toEqual({ redraw: true, ansi: false });
    expect(terminalStyle(false, { FORCE_COLOR: '1' })).toEqual({ redraw: false, ansi: true }); // never \r into a log
    expect(terminalStyle(true, { FORCE_COLOR: '1', NO_COLOR: '1' }).ansi).toBe(true); // as Node: FORCE_COLOR wins
    expect(terminalStyle(true, { FORCE_COLOR: '0' }).ansi).toBe(false);
    expect(terminalStyle(true, { FORCE_COLOR: 'false' }).ansi).toBe(false);
  });
});

describe('ProgressBar', () => {
  afterEach(() => vi.useRealTimers());

  it('not a terminal: plain lines now and then, no carriage returns, no escape sequences', () => {
    vi.useFakeTimers();
    const s = drive(false, {});
    expect(s.text()).not.toContain('\r');
    expect(s.text()).not.toContain(ESC);
    const lines = s.text().trim().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.length).toBeLessThan(5); // every 2 s and at the end, not every update
    expect(lines.at(-1)).toMatch(/^train \[█+\] 5\/5 100%  loss 0\.5000$/);
  });

  it('a terminal: redraws in place, erasing with an escape sequence', () => {
    vi.useFakeTimers();
    const s = drive(true, {});
    expect(s.out.filter((t) => t.startsWith('\r'))).toHaveLength(6); // 5 updates + done
    expect(s.text()).toContain(`${ESC}[K`);
    expect(s.text().endsWith('\n')).toBe(true);
  });

  it('a terminal with NO_COLOR: still redraws, erasing with spaces; no escape sequence at all', () => {
    vi.useFakeTimers();
    const s = drive(true, { NO_COLOR: '1' });
    expect(s.out.filter((t) => t.startsWith('\r'))).toHaveLength(6);
    expect(s.text()).not.toContain(ESC);
    const s2 = sink(true);
    const bar = new ProgressBar({ label: 'x', total: 2, stream: s2.stream, env: { NO_COLOR: '1' } });
    bar.update(1, { loss: '123456789' });
    bar.update(2);
    const [first, second] = s2.out;
    expect(second.length).toBe(first.length); // the shorter line is padded over the longer one
  });

  it('FORCE_COLOR into a pipe: escape sequences, but plain lines (no carriage returns)', () => {
    vi.useFakeTimers();
    const s = drive(false, { FORCE_COLOR: '1' });
    expect(s.text()).toContain(ESC);
    expect(s.text()).not.toContain('\r');
  });

  it('shows an ETA only once a rate is known (never the "0s" of a first step)', () => {
    vi.useFakeTimers();
    const s = sink(true);
    const bar = new ProgressBar({ label: 'train', total: 10, stream: s.stream, env: { NO_COLOR: '1' } });
    bar.update(1);
    expect(s.out[0]).not.toContain('ETA');
    bar.update(1); // no time and no step since: still no rate
    expect(s.out[1]).not.toContain('ETA');
    vi.advanceTimersByTime(2000);
    bar.update(3); // 2 steps in 2 s: 7 left → 7 s
    expect(s.out[2]).toContain('ETA 7s');
    vi.advanceTimersByTime(7000);
    bar.update(10);
    expect(s.out[3]).not.toContain('ETA'); // finished
  });

  it('formats durations', () => {
    expect([5, 65, 3700, Number.NaN].map(formatDuration)).toEqual(['5s', '1m05s', '1h01m', '?']);
  });
});

describe('camtl train progress and summary', () => {
  it('evaluation shows a status, never "loss NaN"; a log gets plain lines', () => {
    let err = '';
    const report = trainProgress({ stdout: () => {}, stderr: (t) => (err += t), isTTY: false }, {});
    report({ phase: 'train', step: 1, totalSteps: 2, epoch: 1, loss: 0.69, examplesPerSecond: 12 });
    report({ phase: 'eval', step: 1, totalSteps: 2, epoch: 1 });
    report({ phase: 'train', step: 2, totalSteps: 2, epoch: 1, loss: 0.6, examplesPerSecond: 12 });
    report({ phase: 'eval', step: 2, totalSteps: 2, epoch: 1 });
    expect(err).toContain('evaluating at step 1\n');
    expect(err).toMatch(/train \[.*\] 2\/2 100%  epoch 1  loss 0\.6000  ex\/s 12\n/);
    expect(err).not.toMatch(/NaN|\r|\x1b/);
  });

  it('splits show "used / in file" when --limit or --data-fraction keeps fewer', async () => {
    expect(splitSummaryLine({ task: 'mrpc', split: 'train', count: 8551, skipped: 0, used: 200 })).toBe(
      '  mrpc train: 200 / 8,551 examples',
    );
    expect(splitSummaryLine({ task: 'qqp', split: 'dev', count: 40, skipped: 2 })).toBe(
      '  qqp dev: 40 examples, 2 bad rows skipped',
    );
    const fs = nodeFileSystem();
    const tokenizer = await loadTokenizer(join(CORE_FIXTURES, 'tokenizer'), fs);
    const source = { kind: 'folder' as const, dir: GLUE, tasks: resolveTasks('folder', ['cola'], []), taskDefs: [] };
    const o = { maxSeqLength: 32, skipBadRows: true };
    const full = (await readSplits(source, tokenizer, o, fs)).summary;
    const n = full[0].count;
    const limited = (await readSplits(source, tokenizer, { ...o, limit: 2 }, fs)).summary;
    expect(limited.map(splitSummaryLine)).toEqual(full.map((r) => `  cola ${r.split}: 2 / ${r.count} examples`));
    const both = (await readSplits(source, tokenizer, { ...o, limit: 6, dataFraction: 0.5 }, fs)).summary;
    expect(splitSummaryLine(both[0])).toBe(`  cola train: 3 / ${n} examples`);
    expect(full.every((r) => r.count > 2)).toBe(true);
    expect(full.map((r) => r.used)).toEqual(full.map(() => undefined));
  });

  it('a piped `camtl train --limit` run: "used / in file", no NaN, no carriage returns or escape sequences', async () => {
    const out = join(tmp(), 'run');
    const r = await run(
      'train',
      '--max-steps',
      '2',
      '--limit',
      '24',
      '--batch-size',
      '4',
      '--max-length',
      '32',
      '--output',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/synthetic-polarity train: 24 \/ \d{3,} examples/);
    expect(r.stderr).not.toMatch(/NaN|\r|\x1b/);
  }, 120_000);
});
