import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

/**
 * What the backend selection asks of the machine. Injectable, so tests can
 * describe a CUDA machine on one without a GPU.
 */
export interface SystemProbe {
  platform: string;
  arch: string;
  /**
   * Where the dynamic linker would find a shared library by its soname
   * (e.g. "libcudart.so.11.0"), or undefined. Linux only; elsewhere undefined.
   */
  findLibrary(soname: string): string | undefined;
  fileExists(file: string): boolean;
  /** The first NVIDIA GPU's name and driver (from nvidia-smi), best effort. */
  gpuName(): string | undefined;
  /**
   * Linux: whether any GPU device node exists (/dev/dri/renderD*, /dev/nvidia0,
   * WSL's /dev/dxg). False means only a software Vulkan driver can work.
   * Undefined when unknown (other systems).
   */
  hasGpuDevice(): boolean | undefined;
}

const COMMON_LIBRARY_DIRS = [
  '/usr/local/cuda/lib64',
  '/usr/local/cuda/targets/x86_64-linux/lib',
  '/usr/local/cuda-11.2/lib64',
  '/usr/lib/x86_64-linux-gnu',
  '/lib/x86_64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/usr/lib/wsl/lib', // libcuda.so.1 under WSL2
];

let ldconfigCache: Map<string, string> | undefined;

/** Parses `ldconfig -p` ("\tlibfoo.so.1 (libc6,x86-64) => /usr/lib/libfoo.so.1"). */
export function parseLdconfig(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*(\S+)\s+\(([^)]*)\)\s+=>\s+(\S+)\s*$/.exec(line);
    if (!m) continue;
    // On x86-64 skip 32-bit entries ("(libc6)" without x86-64).
    if (process.arch === 'x64' && !m[2].includes('x86-64')) continue;
    if (!map.has(m[1])) map.set(m[1], m[3]);
  }
  return map;
}

function ldconfig(): Map<string, string> {
  if (ldconfigCache) return ldconfigCache;
  ldconfigCache = new Map();
  for (const bin of ['ldconfig', '/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    try {
      const out = execFileSync(bin, ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
      ldconfigCache = parseLdconfig(out);
      break;
    } catch {
      // next candidate
    }
  }
  return ldconfigCache;
}

/** Looks a shared library up as the dynamic linker would: LD_LIBRARY_PATH, the ldconfig cache, the usual folders. */
export function findLibraryIn(
  soname: string,
  env: Record<string, string | undefined>,
  exists = existsSync,
): string | undefined {
  for (const dir of (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)) {
    const file = path.join(dir, soname);
    if (exists(file)) return file;
  }
  const cached = ldconfig().get(soname);
  if (cached) return cached;
  for (const dir of COMMON_LIBRARY_DIRS) {
    const file = path.join(dir, soname);
    if (exists(file)) return file;
  }
  return undefined;
}

/** The real machine. */
export function nodeSystem(env: Record<string, string | undefined> = process.env): SystemProbe {
  return {
    platform: process.platform,
    arch: process.arch,
    findLibrary: (soname) => (process.platform === 'linux' ? findLibraryIn(soname, env) : undefined),
    fileExists: (file) => existsSync(file),
    hasGpuDevice() {
      if (process.platform !== 'linux') return undefined;
      if (existsSync('/dev/nvidia0') || existsSync('/dev/dxg')) return true;
      try {
        return readdirSync('/dev/dri').some((n) => n.startsWith('renderD') || n.startsWith('card'));
      } catch {
        return false;
      }
    },
    gpuName() {
      try {
        const out = execFileSync('nvidia-smi', ['--query-gpu=name,driver_version', '--format=csv,noheader'], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
          timeout: 5000,
        });
        const [name, driver] = (out.split('\n')[0] ?? '').split(',').map((s) => s.trim());
        if (!name) return undefined;
        return driver ? `${name}, driver ${driver}` : name;
      } catch {
        return undefined;
      }
    },
  };
}
