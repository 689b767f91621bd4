// Backend activation inside a worker, through @camtl/backend-node exactly as
// the camtl CLI does it (kernel patches included), plus the thread count.
import { useNodeBackend } from '@camtl/backend-node';
import type { BackendInfo } from './protocol';

/**
 * Threads from backend-node's detail ("SIMD, 1 thread"). The pure-JS cpu
 * backend runs on Node's one JS thread; GPU and libtensorflow do not report one.
 */
export function threadsOf(choice: string, detail: string): number | null {
  const m = /(\d+) threads?/.exec(detail);
  if (m) return Number(m[1]);
  return choice === 'cpu' ? 1 : null;
}

export async function activateBackend(choice: string): Promise<BackendInfo> {
  const report = await useNodeBackend({ prefer: choice });
  const threads = threadsOf(report.choice, report.detail);
  const notes = [...report.notes];
  if (report.choice === 'wasm' && threads === 1) {
    notes.push('wasm ran on 1 thread: CAMTL_WASM_THREADS=1, a single core, or the threaded build failed');
  }
  return {
    backend: report.backend,
    choice: report.choice,
    device: report.device,
    detail: report.detail,
    threads,
    notes,
  };
}

/** Tries each backend in this one process and says which can run (the parent forks one probe). */
export async function probeBackends(
  choices: string[],
): Promise<Array<{ choice: string; ok: boolean; reason?: string; device?: string }>> {
  const out: Array<{ choice: string; ok: boolean; reason?: string; device?: string }> = [];
  for (const choice of choices) {
    try {
      const r = await useNodeBackend({ prefer: choice });
      out.push({ choice, ok: true, device: r.device });
    } catch (e) {
      out.push({ choice, ok: false, reason: (e as Error).message.split('\n')[0] });
    }
  }
  return out;
}
