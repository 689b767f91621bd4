// What the page (or worker) offers, read through minimal structural types so
// that the package needs neither the DOM lib nor @webgpu/types.
import type { GpuAdapterInfo } from './types';

export interface GpuAdapterLike {
  info?: Partial<GpuAdapterInfo>;
  isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<Partial<GpuAdapterInfo>>;
}
export interface GpuLike {
  requestAdapter(options?: Record<string, unknown>): Promise<GpuAdapterLike | null>;
}

/** The globals the attempts look at; each may be missing (Node, a worker, an old browser). */
export const page = globalThis as unknown as {
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

/** A GPU adapter's or renderer's name that says it renders in software (slower than wasm). */
export function isSoftwareRenderer(name: string): boolean {
  return SOFTWARE.test(name);
}

/** ['browser', 'Google Chrome 126.0…'] (or ['node', '20.19.0']), for the report's versions. */
export function runtimeVersion(): [string, string] | undefined {
  const brands = page.navigator?.userAgentData?.brands?.filter((b) => !/not.?a.?brand/i.test(b.brand));
  if (brands && brands.length > 0) {
    const b = brands.find((x) => /chrom/i.test(x.brand) && x.brand !== 'Chromium') ?? brands[brands.length - 1];
    return ['browser', `${b.brand} ${b.version}`];
  }
  const ua = page.navigator?.userAgent ?? '';
  const m = /(Firefox|Edg|Chrome|Chromium|Version)\/([\d.]+)/.exec(ua);
  if (m) return ['browser', `${m[1] === 'Version' ? 'Safari' : m[1] === 'Edg' ? 'Edge' : m[1]} ${m[2]}`];
  if (page.process?.versions?.node) return ['node', page.process.versions.node];
  return undefined;
}
