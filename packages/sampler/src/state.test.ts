// Determinism, exact resume through getState/JSON/setState, usage, errors
// and the name registry (the scorer-free samplers; MT-U has its own suite).
import { isCamtlError, type SamplerFactory } from '@camtl/core';
import { describe, expect, it } from 'vitest';
import { createSampler, samplerNames } from './registry';
import { context, run } from './test-helpers';

const SIZES = [23, 9, 4];
const FREE: [string, SamplerFactory][] = [
  ['proportional', createSampler('proportional')],
  ['temperature mixed', createSampler('temperature', { T: 3 })],
  ['temperature single-task', createSampler('temperature', { batches: 'single-task' })],
  ['annealed', createSampler('annealed')],
  ['annealed single-task', createSampler('annealed', { batches: 'single-task' })],
  ['uniform', createSampler('uniform')],
  ['round-robin', createSampler('round-robin')],
  ['round-robin mixed', createSampler('round-robin', { batches: 'mixed' })],
];

describe.each(FREE)('%s', (_name, factory) => {
  const ctx = context(SIZES, 5, { epochs: 4 });

  it('is deterministic in the seed', () => {
    expect(run(factory(ctx), 30)).toEqual(run(factory(ctx), 30));
    expect(run(factory({ ...ctx, seed: 99 }), 30)).not.toEqual(run(factory(ctx), 30));
  });

  it('resumes exactly from a JSON round-trip of its state, mid-epoch and across epochs', () => {
    for (const cut of [1, 7, 23]) {
      const a = factory(ctx);
      run(a, cut);
      const saved = JSON.parse(JSON.stringify(a.getState()));
      const b = factory({ ...ctx, seed: 4242 }); // the state, not the seed, decides
      b.setState(saved);
      expect(b.usage()).toEqual(a.usage());
      expect(run(b, 40, undefined, cut)).toEqual(run(a, 40, undefined, cut));
      expect(b.getState()).toEqual(a.getState());
    }
  });

  it('reports usage as the fraction of distinct examples returned', () => {
    const s = factory(ctx);
    const draws = run(s, 6).flat();
    const seen = SIZES.map((_, t) => new Set(draws.filter((d) => d.task === t).map((d) => d.index)).size);
    const u = s.usage();
    expect(u.perTask).toEqual(seen.map((c, t) => c / SIZES[t]));
    expect(u.overall).toBeCloseTo(seen.reduce((a, b) => a + b, 0) / 36, 12);
    expect(s.needsScorer).toBe(false);
    expect(s.specificationVersion).toBe('v1');
  });

  it('has an epoch of ⌈N/b⌉ steps unless overridden', () => {
    expect(factory(ctx).epochLength()).toBe(Math.ceil(36 / 5));
  });
});

describe('registry and errors', () => {
  it('lists every sampler and creates each by name', () => {
    expect(samplerNames()).toEqual([
      'mt-uncertainty',
      'proportional',
      'temperature',
      'annealed',
      'round-robin',
      'uniform',
    ]);
    for (const name of samplerNames()) {
      const s = createSampler(name)(context(SIZES, 4));
      expect(s.kind).toBe(name);
      expect(s.needsScorer).toBe(name === 'mt-uncertainty');
    }
    expect(createSampler('uniform', { epochLength: 17 })(context(SIZES, 4)).epochLength()).toBe(17);
  });

  it('raises CamtlErrors on bad names, options, contexts and states', () => {
    const bad = [
      () => createSampler('bogus' as 'uniform'),
      () => createSampler('temperature', { T: 0 }),
      () => createSampler('uniform', { batches: 'both' as 'mixed' })(context(SIZES, 4)),
      () => createSampler('uniform')(context([3, 0], 4)),
      () => createSampler('uniform')(context(SIZES, 0)),
      () => createSampler('mt-uncertainty', { regression: { kind: 'prior', value: 2 } }),
      () => createSampler('mt-uncertainty', { regression: { kind: 'mc-dropout', samples: 1 } }),
      () => createSampler('mt-uncertainty', { candidatesPerTask: 0 }),
      () => createSampler('annealed')(context(SIZES, 4)).next({ step: 0, epoch: 0 }),
      () => createSampler('mt-uncertainty')(context(SIZES, 4)).next({ step: 0, epoch: 1 }),
      () =>
        createSampler('uniform')(context(SIZES, 4)).setState(
          createSampler('proportional')(context(SIZES, 4)).getState(),
        ),
      () => {
        const s = createSampler('uniform')(context(SIZES, 4));
        s.setState({ ...s.getState(), usage: ['AAAA'] });
      },
      () => {
        const s = createSampler('uniform')(context(SIZES, 4));
        s.setState({ ...s.getState(), streams: [{ permutationSeed: [1, 2, 3], cursor: 0, passes: 1 }] });
      },
    ];
    for (const f of bad) {
      let caught: unknown;
      try {
        f();
      } catch (e) {
        caught = e;
      }
      expect(isCamtlError(caught), String(caught)).toBe(true);
    }
  });
});
