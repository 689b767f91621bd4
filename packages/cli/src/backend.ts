import { CamtlError } from '@camtl/core';
import type { FlagSpec } from './args';
import { BACKEND_CHOICES, useNodeBackend, type BackendReport } from '@camtl/backend-node';

export { BACKEND_CHOICES };

/** --backend, as every command that computes takes it. */
export const BACKEND_FLAG: FlagSpec = {
  type: 'string',
  value: 'NAME',
  default: 'auto',
  description: 'tfjs backend: auto, cuda, tensorflow, webgpu, wasm or cpu',
};

/**
 * Picks the tfjs backend for a CLI run through @camtl/backend-node: "auto"
 * tries CUDA (tfjs-node-gpu), tfjs-node, wasm, then cpu, and the report says
 * why each better option was skipped.
 */
export async function selectBackend(choice: string, options: { wasmThreads?: number } = {}): Promise<BackendReport> {
  if (!(BACKEND_CHOICES as readonly string[]).includes(choice)) {
    throw new CamtlError('BAD_INPUT', `unknown backend "${choice}"`, `use one of: ${BACKEND_CHOICES.join(', ')}`);
  }
  return useNodeBackend({ prefer: choice as (typeof BACKEND_CHOICES)[number], ...options });
}
