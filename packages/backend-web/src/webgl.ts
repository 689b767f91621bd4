import type { AttemptFailure } from '@camtl/core';
import { isSoftwareRenderer, page } from './browser';
import { activate } from './engine';
import type { AttemptContext, WebAttempt } from './types';

/** WebGL2 (else WebGL1), skipped on a software renderer unless allowed. */
export async function tryWebGl(ctx: AttemptContext): Promise<WebAttempt> {
  const gl = webglRenderer();
  if (!gl.ok) return gl;
  const { version, renderer } = gl;
  if (isSoftwareRenderer(renderer) && !ctx.allowSoftwareGpu) {
    return {
      ok: false,
      reason: `the renderer is software (${renderer}), slower than wasm`,
      hint: "prefer: 'webgl' uses it anyway",
    };
  }
  const m = await import('@tensorflow/tfjs-backend-webgl');
  ctx.versions['tfjs-backend-webgl'] = m.version_webgl;
  const on = await activate('webgl');
  if (!on.ok) return on;
  return {
    ok: true,
    device: `GPU ${renderer} (${version})`,
    detail: `${version}, ${renderer}`,
    versions: ctx.versions,
  };
}

interface GlContext {
  getExtension(name: string): { UNMASKED_RENDERER_WEBGL?: number; loseContext?: () => void } | null;
  getParameter(p: number): unknown;
  RENDERER: number;
}

type Canvas = { getContext(kind: string, attrs?: object): unknown };

/** The WebGL version and the renderer's name, from a throw-away context (released at once). */
function webglRenderer(): { ok: true; version: string; renderer: string } | AttemptFailure {
  let canvas: Canvas | undefined;
  if (page.document) canvas = page.document.createElement('canvas') as Canvas;
  else if (page.OffscreenCanvas) canvas = new page.OffscreenCanvas(1, 1) as Canvas;
  if (!canvas) return { ok: false, reason: 'no canvas to draw on: not a browser page or worker' };
  let version = 'WebGL2';
  let gl = canvas.getContext('webgl2', { failIfMajorPerformanceCaveat: false }) as GlContext | null;
  if (!gl) {
    version = 'WebGL1';
    gl = canvas.getContext('webgl', { failIfMajorPerformanceCaveat: false }) as GlContext | null;
  }
  if (!gl) return { ok: false, reason: 'no WebGL context (the GPU is disabled, blocklisted or has no driver)' };
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(
    (debug?.UNMASKED_RENDERER_WEBGL !== undefined
      ? gl.getParameter(debug.UNMASKED_RENDERER_WEBGL)
      : gl.getParameter(gl.RENDERER)) ?? 'unknown renderer',
  );
  // A page gets a limited number of WebGL contexts: give this one back now.
  gl.getExtension('WEBGL_lose_context')?.loseContext?.();
  return { ok: true, version, renderer };
}
