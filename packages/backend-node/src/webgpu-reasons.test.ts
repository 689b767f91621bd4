// Why WebGPU could not run, with fake Dawn modules (no GPU or Vulkan needed).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useNodeBackend } from './select';
import { SWIFTSHADER_ICD } from './webgpu';
import { fakeSystem, fileLoader, resetWebGpu, writeFakeDawn } from './test-helpers';

const VULKAN = fakeSystem({ libraries: ['libvulkan.so.1'] });
const VULKAN_AND_CHROMIUM = fakeSystem({ libraries: ['libvulkan.so.1'], files: [SWIFTSHADER_ICD] });
const saved = { icd: process.env.VK_ICD_FILENAMES, nds: process.env.NODEVICE_SELECT };

beforeEach(() => {
  resetWebGpu();
  delete process.env.VK_ICD_FILENAMES;
});
afterEach(() => {
  resetWebGpu();
  for (const [k, v] of [
    ['VK_ICD_FILENAMES', saved.icd],
    ['NODEVICE_SELECT', saved.nds],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

async function reason(options: Parameters<typeof useNodeBackend>[0]): Promise<{ message: string; hint?: string }> {
  try {
    await useNodeBackend({ prefer: 'webgpu', ...options });
  } catch (e) {
    return e as { message: string; hint?: string };
  }
  throw new Error('expected webgpu to fail');
}

describe('webgpu failure reasons', () => {
  it('the optional package is not installed', async () => {
    const e = await reason({ loader: fileLoader({}), system: VULKAN, env: {} });
    expect(e.message).toBe('backend webgpu is not available: webgpu (Dawn for Node) not installed (npm i webgpu)');
    expect(e.hint).toMatch(/add it: npm i webgpu /);
  });

  it('no Vulkan loader on Linux', async () => {
    const e = await reason({ loader: fileLoader({ webgpu: writeFakeDawn() }), system: fakeSystem(), env: {} });
    expect(e.message).toBe(
      'backend webgpu is not available: the Vulkan loader libvulkan.so.1 is not installed (Dawn needs it on Linux)',
    );
    expect(e.hint).toBe('Debian/Ubuntu: apt-get install libvulkan1');
  });

  it('no adapter, VK_ICD_FILENAMES unset and SwiftShader present, software fallback off: names both', async () => {
    const e = await reason({
      loader: fileLoader({ webgpu: writeFakeDawn() }),
      system: VULKAN_AND_CHROMIUM,
      env: {},
      softwareWebGpu: false,
    });
    expect(e.message).toBe(
      `backend webgpu is not available: no WebGPU adapter: Dawn found no usable Vulkan device, VK_ICD_FILENAMES is unset, and Chromium's SwiftShader ICD exists at ${SWIFTSHADER_ICD}`,
    );
    expect(e.hint).toBe(`set VK_ICD_FILENAMES=${SWIFTSHADER_ICD} for a software adapter (correct, slow)`);
  });

  it('no adapter and no SwiftShader: points at Debian chromium', async () => {
    const e = await reason({ loader: fileLoader({ webgpu: writeFakeDawn() }), system: VULKAN, env: {} });
    expect(e.message).toMatch(
      /no WebGPU adapter: Dawn found no usable Vulkan device \(Mesa lavapipe is rejected\) and VK_ICD_FILENAMES is unset/,
    );
    expect(e.hint).toBe(`for a software adapter: apt-get install chromium, then VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`);
  });

  it('VK_ICD_FILENAMES pointing nowhere', async () => {
    const e = await reason({
      loader: fileLoader({ webgpu: writeFakeDawn() }),
      system: VULKAN,
      env: { VK_ICD_FILENAMES: '/nope/icd.json' },
    });
    expect(e.message).toBe(
      'backend webgpu is not available: no WebGPU adapter: Dawn found no usable Vulkan device with VK_ICD_FILENAMES=/nope/icd.json (that file does not exist)',
    );
  });

  it('with the fallback on, sets VK_ICD_FILENAMES to SwiftShader and retries with a new Dawn instance', async () => {
    const file = writeFakeDawn(SWIFTSHADER_ICD);
    const env: Record<string, string | undefined> = {};
    const e = await reason({ loader: fileLoader({ webgpu: file }), system: VULKAN_AND_CHROMIUM, env });
    // The retry found the (fake) adapter; the fake cannot make a device, so tfjs's init fails, and says so.
    expect(e.message).toBe(
      'backend webgpu is not available: backend "webgpu" failed to initialise: fake adapter: no device',
    );
    expect(process.env.VK_ICD_FILENAMES).toBe(SWIFTSHADER_ICD);
    expect(env.VK_ICD_FILENAMES).toBe(SWIFTSHADER_ICD);
    const dawn = (await import('node:module')).createRequire(import.meta.url)(file) as {
      created: (string | undefined)[];
    };
    expect(dawn.created).toEqual([undefined, SWIFTSHADER_ICD]);
  });

  it('without any GPU device node it goes to SwiftShader directly', async () => {
    const file = writeFakeDawn(SWIFTSHADER_ICD);
    const system = fakeSystem({ libraries: ['libvulkan.so.1'], files: [SWIFTSHADER_ICD], gpuDevice: false });
    await reason({ loader: fileLoader({ webgpu: file }), system, env: {} });
    const dawn = (await import('node:module')).createRequire(import.meta.url)(file) as {
      created: (string | undefined)[];
    };
    expect(dawn.created).toEqual([SWIFTSHADER_ICD]); // one instance, made after the switch
  });
});
