// The budgeted timing loop. cpu and SwiftShader WebGPU take minutes per
// bert-mini step, so a fixed step count would make the default run take hours;
// instead each phase stops once the next step would overrun its budget, after
// at least one warmup and one measured step, and says so.

export interface PhaseOptions {
  /** Warmup steps wanted (at least 1 is always run: the first step compiles and allocates). */
  warmup: number;
  /** Measured steps wanted. */
  steps: number;
  /** Wall-clock budget of the whole phase (warmup included), in ms. */
  budgetMs: number;
  /** Clock in ms; injectable so the stopping rule is testable without real time. */
  now?: () => number;
  /** Called after every step with the results so far (a killed worker still leaves them). */
  onStep?: (sofar: PhaseResult) => void;
}

export interface PhaseResult {
  /** Time of the very first step (cold: kernel set-up, allocation, shader compilation). */
  firstMs: number;
  /** Times of the measured (warm) steps. */
  warmMs: number[];
  warmupSteps: number;
  /** True when the budget stopped the phase before `warmup` + `steps`. */
  cut: boolean;
}

/** Whether another step of about `lastMs` fits in what is left of the budget. */
export function fits(elapsedMs: number, lastMs: number, budgetMs: number): boolean {
  return elapsedMs + lastMs <= budgetMs;
}

/** Runs `step` for warmup then measurement under the budget; each call must finish its device work. */
export async function runPhase(step: () => Promise<void>, options: PhaseOptions): Promise<PhaseResult> {
  const now = options.now ?? (() => performance.now());
  const start = now();
  const warmMs: number[] = [];
  let warmupSteps = 1;
  let cut = false;
  const timed = async () => {
    const t0 = now();
    await step();
    return now() - t0;
  };
  const firstMs = await timed();
  const progress = () => options.onStep?.({ firstMs, warmMs: [...warmMs], warmupSteps, cut });
  progress();
  let last = firstMs;
  for (; warmupSteps < Math.max(1, options.warmup); warmupSteps++) {
    if (!fits(now() - start, last, options.budgetMs)) {
      cut = true;
      break;
    }
    last = await timed();
  }
  while (warmMs.length < Math.max(1, options.steps)) {
    if (warmMs.length > 0 && !fits(now() - start, last, options.budgetMs)) {
      cut = true;
      break;
    }
    last = await timed();
    warmMs.push(last);
    progress();
  }
  return { firstMs, warmMs, warmupSteps, cut };
}

/** The note a budget cut leaves in a result row. */
export function cutNote(phase: string, r: PhaseResult, options: PhaseOptions): string | undefined {
  if (!r.cut) return undefined;
  return (
    `${phase}: the ${Math.round(options.budgetMs / 1000)} s budget cut the run to ${r.warmupSteps} warmup + ` +
    `${r.warmMs.length} measured step${r.warmMs.length === 1 ? '' : 's'} (asked ${Math.max(1, options.warmup)} + ${options.steps})`
  );
}
