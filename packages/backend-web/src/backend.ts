/**
 * Picks the tfjs backend for a browser page (or worker): WebGPU, then WebGL,
 * then wasm (SIMD, camtl's kernel fixes), then the plain JavaScript cpu
 * backend, and reports what it chose, on which device, and why every better
 * option was skipped. Backend packages are imported lazily, so a bundler puts
 * each in its own chunk and a page downloads only what it uses.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CamtlError, formatBackendSummary, listKernelPatches, useBackend } from '@camtl/core';

export type WebBackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** The order 'auto' tries backends in. */
export const WEB_BACKENDS: readonly WebBackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** What `useWebBackend` can be asked for (as @camtl/backend-node's BACKEND_CHOICES). */
export const WEB_BACKEND_CHOICES = ['auto', ...WEB_BACKENDS] as const;
export type WebBackendPreference = (typeof WEB_BACKEND_CHOICES)[number];

/** The binaries `@tensorflow/tfjs-backend-wasm` fetches; serve them with Content-Type application/wasm. */
export const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;
export type WasmFileName = (typeof WASM_FILES)[number];

export interface UseWebBackendOptions {
  /**
   * As in @camtl/backend-node: 'auto' (default) tries WEB_BACKENDS in order. A
   * single name is required: if it cannot run, a CamtlError says why (no silent
   * fallback). A list (or "webgpu,auto") is tried in order, failing only if all
   * fail; 'auto' in a list stands for the default order. A backend named here is
   * used even on a software GPU adapter (SwiftShader), which 'auto' skips
   * because wasm is faster there.
   */
  prefer?: WebBackendPreference | string | readonly string[];
  /**
   * Where the wasm binaries are: a URL prefix (a folder, ending in '/') or a
   * map from WASM_FILES names to URLs. Default: the folder of the page
   * (`new URL('.', location.href)`), so copy WASM_FILES next to index.html.
   * Outside a page (Node) the wasm package finds its own files.
   */
  wasmPaths?: string | Partial<Record<WasmFileName, string>>;
  /** Threads for the wasm backend's XNNPACK pool (setThreadsCount; threads need a cross-origin isolated page). */
  wasmThreads?: number;
  /** Use WebGPU/WebGL on software adapters (SwiftShader, llvmpipe) even in 'auto' mode. Default false. */
  allowSoftwareGpu?: boolean;
  /** Gives up on a backend whose initialisation takes longer than this (ms). Default 30 000. */
  timeoutMs?: number;
}

export interface SkippedBackend {
  choice: WebBackendName;
  /** One line, e.g. "no WebGL context (the GPU is disabled, blocklisted or has no driver)". */
  reason: string;
  /** What to do to get it. */
  hint?: string;
}

/** What a WebGPU adapter says about itself (GPUAdapterInfo). */
export interface GpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter?: boolean;
}

/** The same shape as @camtl/backend-node's report (plus `adapter` and `patches`). */
export interface BackendReport {
  /** The tfjs backend now in use. */
  backend: WebBackendName;
  /** The choice that won (in the browser, the same as `backend`). */
  choice: WebBackendName;
  /** What computes: "GPU google swiftshader (WebGPU, software)", "CPU (WebAssembly, SIMD, 1 thread)", … */
  device: string;
  /** Short description shown in the summary and the page's badge: "SIMD, 1 thread". */
  detail: string;
  /** WebGPU's adapter info, when the backend is webgpu. */
  adapter?: GpuAdapterInfo;
  /** tfjs-core and every backend package loaded, plus the browser (or Node) version. */
  versions: Record<string, string>;
  /** Each better (or earlier-listed) option that was tried, and why it was skipped. */
  skipped: SkippedBackend[];
  /** Things a user should know, e.g. which options `prefer` left untried. */
  notes: string[];
  /** camtl kernel patches registered for the chosen backend. */
  patches: string[];
  /** One line: "backend wasm (SIMD, 1 thread); skipped webgpu: …; webgl: …". */
  summary: string;
}

interface Attempt {
  device: string;
  detail: string;
  adapter?: GpuAdapterInfo;
}

/** Thrown inside an attempt: the reason becomes the skip reason as written. */
class Skip extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

// Minimal structural types, so the package needs no @webgpu/types.
interface GpuAdapterLike {
  info?: Partial<GpuAdapterInfo>;
  isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<Partial<GpuAdapterInfo>>;
}
interface GpuLike {
  requestAdapter(options?: Record<string, unknown>): Promise<GpuAdapterLike | null>;
}

const g = globalThis as unknown as {
  navigator?: {
    gpu?: GpuLike;
    userAgent?: string;
    hardwareConcurrency?: number;
    userAgentData?: { brands?: Array<{ brand: string; version: string }> };
  };
  document?: { createElement(tag: string): unknown; baseURI?: string };
  location?: { href: string };
  isSecureContext?: boolean;
  OffscreenCanvas?: new (w: number, h: number) => unknown;
  process?: { versions?: { node?: string } };
};

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render/i;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Skip(`${what} did not finish within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return (msg.split('\n').find((l) => l.trim()) ?? msg).trim();
}

/**
 * Switches to `name` through core's useBackend (kernel patches first), keeping
 * tfjs's own explanation when initialisation fails: tfjs only logs it, so it is
 * caught from console.warn for the duration of the call (and still printed).
 */
async function activate(name: WebBackendName): Promise<void> {
  const warnings: string[] = [];
  const original = console.warn;
  const wasProd = tf.env().getBool('PROD');
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
    original.apply(console, args as []);
  };
  if (wasProd) tf.env().set('PROD', false);
  try {
    await useBackend(name);
  } catch (e) {
    const why = warnings
      .filter((w) => !/^Initialization of backend/.test(w))
      .map(firstLine)
      .find(Boolean);
    throw new Skip(`initialisation failed: ${why ?? firstLine(e)}`);
  } finally {
    console.warn = original;
    if (wasProd) tf.env().set('PROD', true);
  }
}

function gpuDescription(info: GpuAdapterInfo): string {
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0);
  return [...new Set(parts)].join(' ') || 'unnamed adapter';
}

async function tryWebGpu(
  o: Required<Pick<UseWebBackendOptions, 'allowSoftwareGpu'>>,
  versions: Record<string, string>,
): Promise<Attempt> {
  const gpu = g.navigator?.gpu;
  if (!gpu) {
    if (g.isSecureContext === false)
      throw new Skip(
        'navigator.gpu is undefined: the page is not a secure context',
        'serve the page over https or from localhost',
      );
    throw new Skip(
      g.navigator
        ? 'navigator.gpu is undefined: this browser has no WebGPU, or it is disabled'
        : 'no navigator.gpu: not a browser',
    );
  }
  const adapter = await gpu.requestAdapter();
  if (!adapter)
    throw new Skip(
      'navigator.gpu.requestAdapter() found no adapter (no usable GPU, or WebGPU is blocklisted for it)',
      'Chromium without a GPU: --enable-unsafe-webgpu gives a SwiftShader (software) adapter',
    );
  const raw = adapter.info ?? (adapter.requestAdapterInfo ? await adapter.requestAdapterInfo() : {});
  const info: GpuAdapterInfo = {
    vendor: raw.vendor ?? '',
    architecture: raw.architecture ?? '',
    device: raw.device ?? '',
    description: raw.description ?? '',
  };
  const fallback = raw.isFallbackAdapter ?? adapter.isFallbackAdapter;
  if (fallback !== undefined) info.isFallbackAdapter = fallback;
  const software = fallback === true || SOFTWARE.test(gpuDescription(info));
  if (software && !o.allowSoftwareGpu) {
    throw new Skip(
      `the only adapter is a software one (${gpuDescription(info)}), slower than wasm`,
      "prefer: 'webgpu' uses it anyway",
    );
  }
  await import('@tensorflow/tfjs-backend-webgpu');
  // The package exports no version; it is released in lockstep with (and peers exactly on) tfjs-core.
  versions['tfjs-backend-webgpu'] = tf.version_core;
  await activate('webgpu');
  const detail = `${gpuDescription(info)}${software ? ', software' : ''}`;
  return { device: `GPU ${gpuDescription(info)} (WebGPU${software ? ', software' : ''})`, detail, adapter: info };
}

interface GlContext {
  getExtension(name: string): { UNMASKED_RENDERER_WEBGL?: number; loseContext?: () => void } | null;
  getParameter(p: number): unknown;
  RENDERER: number;
}

function webglRenderer(): { version: string; renderer: string } {
  let canvas: { getContext(kind: string, attrs?: object): unknown } | undefined;
  if (g.document) canvas = g.document.createElement('canvas') as typeof canvas;
  else if (g.OffscreenCanvas) canvas = new g.OffscreenCanvas(1, 1) as typeof canvas;
  if (!canvas) throw new Skip('no canvas to draw on: not a browser page or worker');
  let version = 'WebGL2';
  let gl = canvas.getContext('webgl2', { failIfMajorPerformanceCaveat: false }) as GlContext | null;
  if (!gl) {
    version = 'WebGL1';
    gl = canvas.getContext('webgl', { failIfMajorPerformanceCaveat: false }) as GlContext | null;
  }
  if (!gl) throw new Skip('no WebGL context (the GPU is disabled, blocklisted or has no driver)');
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(
    (debug?.UNMASKED_RENDERER_WEBGL !== undefined
      ? gl.getParameter(debug.UNMASKED_RENDERER_WEBGL)
      : gl.getParameter(gl.RENDERER)) ?? 'unknown renderer',
  );
  gl.getExtension('WEBGL_lose_context')?.loseContext?.();
  return { version, renderer };
}

async function tryWebGl(
  o: Required<Pick<UseWebBackendOptions, 'allowSoftwareGpu'>>,
  versions: Record<string, string>,
): Promise<Attempt> {
  const { version, renderer } = webglRenderer();
  if (SOFTWARE.test(renderer) && !o.allowSoftwareGpu) {
    throw new Skip(`the renderer is software (${renderer}), slower than wasm`, "prefer: 'webgl' uses it anyway");
  }
  const m = await import('@tensorflow/tfjs-backend-webgl');
  versions['tfjs-backend-webgl'] = m.version_webgl;
  await activate('webgl');
  return { device: `GPU ${renderer} (${version})`, detail: `${version}, ${renderer}` };
}

/** The page's folder, where WASM_FILES are expected by default; undefined outside a page. */
export function defaultWasmPrefix(): string | undefined {
  if (!g.document || !g.location) return undefined;
  return new URL('.', g.document.baseURI ?? g.location.href).href;
}

async function tryWasm(o: UseWebBackendOptions, versions: Record<string, string>): Promise<Attempt> {
  if (typeof WebAssembly === 'undefined') throw new Skip('WebAssembly is unavailable');
  const m = await import('@tensorflow/tfjs-backend-wasm');
  versions['tfjs-backend-wasm'] = m.version_wasm;
  const paths = o.wasmPaths ?? defaultWasmPrefix();
  if (paths !== undefined) m.setWasmPaths(paths as Parameters<typeof m.setWasmPaths>[0]);
  if (o.wasmThreads !== undefined) m.setThreadsCount(o.wasmThreads);
  try {
    await activate('wasm');
  } catch (e) {
    const where = typeof paths === 'string' ? ` at ${paths}` : '';
    throw new Skip(
      (e as Error).message,
      `serve ${WASM_FILES.join(', ')}${where} with Content-Type application/wasm, or point options.wasmPaths at them`,
    );
  }
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = m.getThreadsCount();
  const detail = `${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}`;
  return { device: `CPU (WebAssembly, ${detail})`, detail };
}

async function tryCpu(versions: Record<string, string>): Promise<Attempt> {
  const m = await import('@tensorflow/tfjs-backend-cpu');
  versions['tfjs-backend-cpu'] = m.version_cpu;
  await activate('cpu');
  const cores = g.navigator?.hardwareConcurrency;
  return {
    device: `CPU (JavaScript, one thread${cores ? ` of ${cores} logical cores` : ''})`,
    detail: 'JavaScript, one thread',
  };
}

function runtimeVersion(): [string, string] | undefined {
  const brands = g.navigator?.userAgentData?.brands?.filter((b) => !/not.?a.?brand/i.test(b.brand));
  if (brands && brands.length > 0) {
    const b = brands.find((x) => /chrom/i.test(x.brand) && x.brand !== 'Chromium') ?? brands[brands.length - 1];
    return ['browser', `${b.brand} ${b.version}`];
  }
  const ua = g.navigator?.userAgent ?? '';
  const m = /(Firefox|Edg|Chrome|Chromium|Version)\/([\d.]+)/.exec(ua);
  if (m) return ['browser', `${m[1] === 'Version' ? 'Safari' : m[1] === 'Edg' ? 'Edge' : m[1]} ${m[2]}`];
  if (g.process?.versions?.node) return ['node', g.process.versions.node];
  return undefined;
}

/**
 * Expands a preference into the ordered choices to try, which of them were
 * named (a named GPU backend may run on a software adapter), and whether it was
 * explicit (then a failure is an error, not a fallback). As backend-node's.
 */
export function parseWebPreference(prefer: UseWebBackendOptions['prefer'] = 'auto'): {
  order: WebBackendName[];
  named: WebBackendName[];
  explicit: boolean;
} {
  const names = (Array.isArray(prefer) ? prefer : String(prefer).split(','))
    .map((n) => String(n).trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) names.push('auto');
  const order: WebBackendName[] = [];
  for (const name of names) {
    if (!(WEB_BACKEND_CHOICES as readonly string[]).includes(name)) {
      throw new CamtlError('BAD_INPUT', `unknown backend "${name}"`, `use one of: ${WEB_BACKEND_CHOICES.join(', ')}`);
    }
    const add = name === 'auto' ? WEB_BACKENDS : [name as WebBackendName];
    for (const c of add) if (!order.includes(c)) order.push(c);
  }
  const named = names.filter((n): n is WebBackendName => n !== 'auto');
  return { order, named, explicit: !names.includes('auto') };
}

/**
 * Chooses and activates the best tfjs backend this page can run: with 'auto',
 * WebGPU, then WebGL, then wasm, then cpu (which runs everywhere). Every
 * attempt that fails is recorded with its reason and the next is tried.
 * Calling it again switches backends.
 */
export async function useWebBackend(options: UseWebBackendOptions = {}): Promise<BackendReport> {
  const { order, named, explicit } = parseWebPreference(options.prefer);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const versions: Record<string, string> = { 'tfjs-core': tf.version_core };
  const skipped: SkippedBackend[] = [];
  for (const choice of order) {
    const allowSoftwareGpu = options.allowSoftwareGpu ?? named.includes(choice);
    let attempt: Attempt;
    try {
      attempt = await withTimeout(
        choice === 'webgpu'
          ? tryWebGpu({ allowSoftwareGpu }, versions)
          : choice === 'webgl'
            ? tryWebGl({ allowSoftwareGpu }, versions)
            : choice === 'wasm'
              ? tryWasm(options, versions)
              : tryCpu(versions),
        timeoutMs,
        `${choice} initialisation`,
      );
    } catch (e) {
      const hint = e instanceof Skip ? e.hint : undefined;
      skipped.push({
        choice,
        reason: e instanceof Skip ? firstLine(e) : `${choice} failed unexpectedly: ${firstLine(e)}`,
        ...(hint ? { hint } : {}),
      });
      continue;
    }
    const runtime = runtimeVersion();
    if (runtime) versions[runtime[0]] = runtime[1];
    const untried = WEB_BACKENDS.slice(0, WEB_BACKENDS.indexOf(choice)).filter(
      (b) => !order.slice(0, order.indexOf(choice)).includes(b),
    );
    const notes = untried.length ? [`not tried: ${untried.join(', ')} (prefer: ${named.join(', ') || 'auto'})`] : [];
    return {
      backend: choice,
      choice,
      device: attempt.device,
      detail: attempt.detail,
      ...(attempt.adapter ? { adapter: attempt.adapter } : {}),
      versions,
      skipped,
      notes,
      patches: listKernelPatches(choice).map((p) => p.kernelName),
      summary: formatBackendSummary(choice, attempt.detail, skipped, notes),
    };
  }
  const why = skipped.map((s) => `${s.choice}: ${s.reason}`).join('; ');
  throw new CamtlError(
    'UNSUPPORTED',
    explicit && order.length === 1
      ? `backend ${order[0]} cannot run here: ${skipped[0].reason}`
      : `no tfjs backend could start: ${why}`,
    skipped.find((s) => s.hint)?.hint ??
      (explicit
        ? "add 'auto' (e.g. prefer: 'webgpu,auto') to fall back, or use 'cpu', which runs everywhere"
        : undefined),
  );
}
