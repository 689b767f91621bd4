import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLIENT_JS, UPLOT_CSS, UPLOT_JS, UPLOT_LICENSE, UPLOT_VERSION } from './generated/assets';

const pkgDir = join(__dirname, '..');
const require = createRequire(join(pkgDir, 'package.json'));

describe('generated assets', () => {
  it('are up to date with the installed uplot and src/client', () => {
    const out = execFileSync(process.execPath, [join(pkgDir, 'scripts/generate-assets.mjs'), '--check'], {
      cwd: pkgDir,
      encoding: 'utf8',
    });
    expect(out).toContain('up to date');
  });

  it('hold the uPlot build, its CSS and licence, and nothing that could end an inline script', () => {
    const pkg = JSON.parse(readFileSync(require.resolve('uplot/package.json'), 'utf8')) as { version: string };
    expect(UPLOT_VERSION).toBe(pkg.version);
    expect(UPLOT_JS.startsWith(`/*! https://github.com/leeoniya/uPlot (v${pkg.version}) */`)).toBe(true);
    expect(UPLOT_JS).toContain('var uPlot=');
    expect(UPLOT_CSS).toContain('.uplot');
    expect(UPLOT_LICENSE).toMatch(/^The MIT License/);
    for (const code of [UPLOT_JS, CLIENT_JS]) {
      expect(code).not.toMatch(/<\/script|<!--|<script/i);
      // The only URL is uPlot's banner comment; nothing is loaded from one.
      expect(code.replace(/^\/\*![^]*?\*\//, '')).not.toMatch(/https?:\/\//);
    }
    expect(CLIENT_JS).toMatch(/^"use strict";\n\(\(\) => \{/);
  });
});
