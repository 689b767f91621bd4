// The process the CLI forks for each measurement. It reads its job from
// argv[2], activates the backend, runs, and talks to the parent over IPC only:
// tfjs may print to stdout, which must stay free for the parent's JSON lines.
import { activateBackend, probeBackends } from './backend';
import type { Job, WorkerMessage } from './protocol';

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      process.stderr.write(`${JSON.stringify(message)}\n`);
      resolve();
      return;
    }
    process.send(message, undefined, undefined, () => resolve());
  });
}

async function run(job: Job): Promise<unknown> {
  if (job.mode === 'probe') return probeBackends(job.backends);
  // ORT's process holds no tfjs backend, so its peak RSS is ORT's alone.
  if (job.mode === 'ort') return (await import('./ort')).runOrt(job);
  const info = await activateBackend(job.backend);
  void send({ type: 'progress', text: `${job.mode} on ${info.backend} (${info.detail})` });
  const report = (key: string, value: unknown) => void send({ type: 'partial', key, value });
  switch (job.mode) {
    case 'speed':
      return (await import('./speed')).runSpeed(job, info, report);
    case 'epoch':
      return (await import('./epoch')).runEpoch(job, info, report);
    case 'mtu':
      return (await import('./mtu')).runMtu(job, info, report);
    case 'leak':
      return (await import('./leak')).runLeak(job, info, report);
  }
}

async function main(): Promise<void> {
  let code = 0;
  try {
    const job = JSON.parse(process.argv[2] ?? '{}') as Job;
    await send({ type: 'result', value: await run(job) });
  } catch (e) {
    code = 1;
    await send({ type: 'error', message: (e as Error)?.stack ?? String(e) });
  }
  // WebGPU (Dawn) keeps Node alive; the results are already sent.
  process.exit(code);
}

void main();
