// What the parent sends a worker (argv[2], JSON) and what the worker sends back
// over the IPC channel. Kept apart so both sides agree on one definition.

export interface SpeedJob {
  mode: 'speed';
  backend: string;
  config: string;
  warmup: number;
  steps: number;
  budgetMs: number;
  seed: number;
  /** Profile one extra train and inference step with tf.profile (kernel times, peak bytes). */
  profile: boolean;
}

export interface EpochJob {
  mode: 'epoch';
  backend: string;
  config: string;
  tasks: string[];
  sample: number;
  chunkBatches: number;
  multipleOf: number;
  warmup: number;
  steps: number;
  budgetMs: number;
  checkRows: number;
  glueDir?: string;
  tokenizer?: string;
  /** No --tasks given: tasks without a train file under glueDir are left out (with a note), not an error. */
  skipMissing: boolean;
  seed: number;
}

export interface MtuJob {
  mode: 'mtu';
  backend: string;
  config: string;
  candidates: number;
  padding: 'longest' | 'max';
  /** Score the candidates in length-sorted groups of this many rows (MT-U's scoreChunkSize; 0: one forward). */
  scoreGroup: number;
  warmup: number;
  steps: number;
  pool: number;
  seed: number;
}

export interface LeakJob {
  mode: 'leak';
  backend: string;
  model: 'camtl' | 'bert';
  steps: number;
  every: number;
  seed: number;
}

/** onnxruntime-node inference on the torch script's model, exported to ONNX (no tfjs in this process). */
export interface OrtJob {
  mode: 'ort';
  /** The .onnx file and the small batch with PyTorch's logits for it (export_onnx.py). */
  model: string;
  check: string;
  batch: number;
  seq: number;
  threads: number;
  warmup: number;
  steps: number;
  budgetMs: number;
  seed: number;
}

export interface ProbeJob {
  mode: 'probe';
  backends: string[];
}

export type Job = SpeedJob | EpochJob | MtuJob | LeakJob | OrtJob | ProbeJob;

/** The active backend as the worker found it. */
export interface BackendInfo {
  backend: string;
  choice: string;
  device: string;
  detail: string;
  /** Threads tfjs computes on (wasm in Node: 1); null when the backend does not say (GPU, libtensorflow). */
  threads: number | null;
  notes: string[];
}

export type WorkerMessage =
  | { type: 'progress'; text: string }
  | { type: 'partial'; key: string; value: unknown }
  | { type: 'result'; value: unknown }
  | { type: 'error'; message: string };
