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

  it('is deterministic in the seed', async () => {
    expect(await run(factory(ctx), 30)).toEqual(await run(factory(ctx), 30));
    expect(await run(factory({ ...ctx, seed: 99 }), 30)).not.toEqual(await run(factory(ctx), 30));
  });

  it('resumes exactly from a JSON round-trip of its state, mid-epoch and across epochs', async () => {
    for (const cut of [1, 7, 23]) {
      const a = factory(ctx);
      await run(a, cut);
      const saved = JSON.parse(JSON.stringify(await a.getState()));
      const b = factory({ ...ctx, seed: 4242 }); // the state, not the seed, decides
      await b.setState(saved);
      expect(b.usage()).toEqual(a.usage());
      expect(await run(b, 40, cut)).toEqual(await run(a, 40, cut));
      expect(await b.getState()).toEqual(await a.getState());
    }
  });

  it('reports usage as the fraction of distinct examples returned', async () => {
    const s = factory(ctx);
    const draws = (await run(s, 6)).flat();
    const seen = SIZES.map((_, t) => new Set(draws.filter((d) => d.task === t).map((d) => d.index)).size);
    const u = s.usage();
    expect(u.perTask).toEqual(seen.map((c, t) => c / SIZES[t]));
    expect(u.overall).toBeCloseTo(seen.reduce((a, b) => a + b, 0) / 36, 12);
    expect(s.specificationVersion).toBe('v1');
  });

  it('has an epoch of ⌈N/b⌉ steps unless overridden', async () => {
    expect(factory(ctx).epochLength()).toBe(Math.ceil(36 / 5));
  });
});

describe('registry and errors', () => {
  it('lists every sampler and creates each by name', async () => {
    expect(samplerNames()).toEqual([
      'mt-uncertainty',
      'proportional',
      'temperature',
      'annealed',
      'round-robin',
      'uniform',
      'replay',
    ]);
    for (const name of samplerNames().filter((n) => n !== 'mt-uncertainty' && n !== 'replay')) {
      expect(createSampler(name)(context(SIZES, 4)).kind).toBe(name);
    }
    // MT-U scores with the model: a context without one is refused at once, saying what is missing.
    expect(() => createSampler('mt-uncertainty')(context(SIZES, 4))).toThrowError(/needs `model` and `train`/);
    // replay needs its schedule, and says so at configuration time.
    expect(() => createSampler('replay')).toThrowError(/needs a non-empty schedule/);
    expect(createSampler('uniform', { epochLength: 17 })(context(SIZES, 4)).epochLength()).toBe(17);
  });

  it('raises CamtlErrors on bad names, options, contexts and states', async () => {
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
      () => createSampler('mt-uncertainty')(context(SIZES, 4)),
      async () =>
        createSampler('uniform')(context(SIZES, 4)).setState(
          await createSampler('proportional')(context(SIZES, 4)).getState(),
        ),
      async () => {
        const s = createSampler('uniform')(context(SIZES, 4));
        await s.setState({ ...(await s.getState()), usage: ['AAAA'] });
      },
      async () => {
        const s = createSampler('uniform')(context(SIZES, 4));
        await s.setState({ ...(await s.getState()), streams: [{ permutationSeed: [1, 2, 3], cursor: 0, passes: 1 }] });
      },
    ];
    for (const f of bad) {
      let caught: unknown;
      try {
        await f();
      } catch (e) {
        caught = e;
      }
      expect(isCamtlError(caught), String(caught)).toBe(true);
    }
  });
});
