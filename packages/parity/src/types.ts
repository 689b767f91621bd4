// The shapes the parity suite works with. Nothing here imports Node or DOM
// APIs: the same checks run in Node (vitest) and in a browser page.

/**
 * Where fixture bytes come from. Paths are '/'-separated and start with a
 * fixture root: `core/…` (packages/core/fixtures) or `camtl/…`
 * (packages/testkit/fixtures/camtl). Node reads them with fs, a page fetches
 * them from the test server.
 */
export interface FixtureLoader {
  bytes(path: string): Promise<Uint8Array>;
  json<T = unknown>(path: string): Promise<T>;
}

/** What a quantity is, which decides the tolerance it is held to. */
export type MeasureKind =
  /** a forward output vs the float64 fixture (absolute bound) */
  | 'output'
  /** a scalar loss vs the fixture */
  | 'loss'
  /** a gradient vs the fixture (atol + rtol·|ref|) */
  | 'grad'
  /** a training-step loss vs the same run on cpu */
  | 'trainLoss'
  /** a weight after the training steps vs the same run on cpu */
  | 'trainWeight';

/** One measured deviation. */
export interface Measure {
  kind: MeasureKind;
  /** e.g. `last_hidden_state`, `grad bert.pooler.dense.weight`, `step 2 loss`. */
  name: string;
  /** max |x − ref| over the elements. */
  maxAbs: number;
  /** max |x − ref| / |ref| over elements with |ref| ≥ 1e-6 (scalars mostly). */
  maxRel: number;
  /**
   * max |x − ref| / (1e-4 + 1e-3·|ref|): the deviation in units of the
   * fixtures' gradient tolerance (≤ 1 passes it).
   */
  gradUnits: number;
  /** Number of elements compared. */
  count: number;
  /**
   * max |x − ref| / (atol + rtol·|ref|) with the active backend's tolerance
   * for this kind (see tolerances.ts): the quantity passes when ≤ 1.
   */
  ratio: number;
  /** The bound applied, e.g. `1e-4 + 1e-3·|ref|`. */
  bound: string;
}

/** |x − ref| ≤ atol + rtol·|ref|, elementwise. */
export interface Bound {
  atol: number;
  rtol: number;
}

/** One backend's tolerances, per kind of quantity. */
export type Tolerance = Record<MeasureKind, Bound>;

export interface CheckResult {
  name: string;
  backend: string;
  measures: Measure[];
  /** Wall time of run(), in ms. */
  ms: number;
  /** Tensors left allocated by the check (should be 0). */
  leakedTensors: number;
  notes: string[];
  /** Set when the check threw (its message); the measures are then empty. */
  error?: string;
}

export interface CheckContext {
  /** The tfjs backend the check runs on (already active). */
  backend: string;
  /** The tolerances every measure of this run is held to. */
  tolerance: Tolerance;
  loader: FixtureLoader;
  /** What the check's `cpuReference` returned (computed on cpu first), if it has one. */
  reference?: unknown;
  log(line: string): void;
}

export interface ParityCheck {
  name: string;
  /** What it covers, one line (README / logs). */
  description: string;
  /** Computed once on the cpu backend before any backend runs (e.g. the training run). */
  cpuReference?(ctx: Omit<CheckContext, 'reference' | 'tolerance'>): Promise<unknown>;
  run(ctx: CheckContext): Promise<Pick<CheckResult, 'measures' | 'notes'>>;
}
