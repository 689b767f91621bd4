import { describe, expect, it } from 'vitest';
import { COMMANDS } from './main';
import { run } from './test-helpers';

describe('-h / --help everywhere', () => {
  const cases = COMMANDS.flatMap((c) => ['-h', '--help'].map((flag) => [c.name, flag] as const));
  it.each(cases)('camtl %s %s: the command help on stdout, exit 0', async (name, flag) => {
    const r = await run(name, flag);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(new RegExp(`^camtl ${name} — .*\\n\\nusage: camtl ${name}`));
    expect(r.stdout).toContain('--help');
  });

  it('camtl -h / --help / help, and camtl help <command>', async () => {
    for (const argv of [['-h'], ['--help'], ['help']]) {
      const r = await run(...argv);
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(r.stdout).toMatch(/usage: camtl <command>/);
    }
    const train = await run('help', 'train');
    expect(train.stdout).toBe((await run('train', '--help')).stdout);
    const nope = await run('help', 'nope');
    expect(nope.code).toBe(2);
    expect(nope.stderr).toMatch(/^error: no command "nope" \(commands: train, /);
  });

  it('help wins over a bad flag or a stray argument next to it', async () => {
    for (const argv of [
      ['train', '--bogus', '-h'],
      ['eval', 'stray', '--help'],
    ]) {
      const r = await run(...argv);
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(r.stdout).toMatch(new RegExp(`^camtl ${argv[0]} — `));
    }
    expect((await run('train', '--bogus')).code).toBe(2); // without help: still a usage error
  });
});
