import type * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from '../errors';
import { checkSpecification } from '../plugins';
import { AdamW, GradientAccumulator, lrAt, warmupStepsFromRatio } from '../optim';
import { Rng } from '../rng';
import {
  BEST,
  exportBestModel,
  latestCheckpoint,
  loadTrainingCheckpoint,
  pruneCheckpoints,
  restoreModelWeights,
  restoringFrom,
  saveTrainingCheckpoint,
  STATE_FILE,
  type TrainerState,
} from './checkpoint';
import { evaluate, type EvalResult } from './evaluate';
import type { Sampler, SamplerContext } from './sampler';
import { SCHEDULE_FILE, ScheduleLog, scheduleLine } from './schedule-log';
import { judgeEvaluation, type BestEvaluation } from './selection';
import { gradientNames, trainStep, type StepContext } from './train-step';
import { resolveTrainerOptions, type ResolvedTrainerOptions, type TrainerOptions } from './trainer-options';
import { TrainLog } from './train-log';
import { finalSummary, runRecord, stepRecord } from './train-records';

function variance(xs: number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length);
}

/**
 * What the sampler is given: the tasks (sizes, kinds, regression target
 * variances) and, for samplers that score candidates (MT-U), the model, the
 * rows and the padding; the others ignore those.
 */
function samplerContext(o: ResolvedTrainerOptions): SamplerContext {
  const tasks = o.tasks.map((t, i) => ({
    name: t.name,
    size: o.train[i].length,
    kind: t.kind,
    targetVariance: variance(o.train[i].map((r) => r.target)),
  }));
  const { batchSize, seed, epochs, model, train, padding: padTo } = o;
  return { tasks, batchSize, seed, epochs, model, train, padTo };
}

export interface TrainResult {
  steps: number;
  reason: 'done' | 'early-stopping' | 'interrupted';
  best: BestEvaluation | null;
  lastEval?: EvalResult;
  /** Where the best (or final) model was exported: `<outputDir>/model`. */
  modelDir: string;
}

/**
 * The multi-task training loop, driven by a sampler: mixed-task batches, the
 * model's unweighted per-task loss, AdamW with warmup/decay, clipping and
 * accumulation; evaluation every N steps and per epoch; atomic checkpoints
 * that resume exactly; JSONL logs.
 */
export class Trainer {
  readonly options: ResolvedTrainerOptions;
  private readonly vars: Map<string, tf.Variable>;
  private readonly optimizer: AdamW;
  private readonly sampler: Sampler;
  private readonly accumulator: GradientAccumulator;
  private readonly dropoutRng: Rng;
  private readonly log: TrainLog;
  private readonly schedule: ScheduleLog;
  private state: TrainerState;
  private lastEval?: EvalResult;
  private disposed = false;

  constructor(options: TrainerOptions) {
    const o = (this.options = resolveTrainerOptions(options));
    this.vars = o.model.store.trainable();
    // The sampler first: it may refuse its context, and then no optimiser moments are left behind.
    this.sampler = checkSpecification('sampler', o.sampler(samplerContext(o)));
    this.accumulator = new GradientAccumulator(o.gradientAccumulation); // holds nothing until add()
    try {
      // zeroIfSeen: an absent task's head (no gradient) stays put until its task first appears (absent-heads.ts).
      this.optimizer = new AdamW(this.vars, {
        weightDecay: o.weightDecay,
        eps: o.adamEpsilon,
        missingGrads: 'zeroIfSeen',
      });
    } catch (e) {
      this.sampler.dispose?.();
      throw e;
    }
    this.dropoutRng = new Rng(o.seed + 1);
    this.log = new TrainLog(o.fs, o.fs.join(o.outputDir, 'train.jsonl'));
    this.schedule = new ScheduleLog(o.fs, o.fs.join(o.outputDir, SCHEDULE_FILE));
    this.state = this.freshState();
  }

  private freshState(): TrainerState {
    return {
      version: 1,
      step: 0,
      epoch: 1,
      updates: 0,
      sampler: {},
      dropoutRng: this.dropoutRng.state(),
      best: null,
      evalsWithoutImprovement: 0,
      examplesSeen: 0,
      optimizer: { step: 0, paramSteps: {} },
    };
  }

  get epochLength(): number {
    return this.sampler.epochLength();
  }

  /** The run's length, which the learning-rate schedule spans: min(maxSteps, the sampler's total or epochs × epoch length). */
  get totalSteps(): number {
    const planned = this.sampler.totalSteps?.() ?? this.options.epochs * this.epochLength;
    return Math.min(this.options.maxSteps ?? Infinity, planned);
  }

  private get checkpointRoot(): string {
    return this.options.fs.join(this.options.outputDir, 'checkpoints');
  }

  /**
   * Trains to the end (or early stopping / interruption) and exports the best
   * model. A trainer runs once: when run() ends, however it ends, it frees
   * what it holds on the device (see dispose()).
   */
  async run(): Promise<TrainResult> {
    if (this.disposed)
      throw new CamtlError('BAD_INPUT', 'Trainer: run() after dispose()', 'a trainer runs once; build a new Trainer');
    try {
      const o = this.options;
      await o.fs.mkdirp(this.checkpointRoot);
      await this.startLog();
      const reason = await this.loopLogged();
      if (reason === 'done' && this.lastEvalStep !== this.state.step) await this.evaluateAndSave();
      const modelDir = await exportBestModel(this.checkpointRoot, o.fs.join(o.outputDir, 'model'), o.model, o.fs);
      await this.log.write({
        type: 'end',
        step: this.state.step,
        time: Date.now(),
        reason,
        final: this.summary(),
      });
      return { steps: this.state.step, reason, best: this.state.best, lastEval: this.lastEval, modelDir };
    } finally {
      this.dispose();
    }
  }

  /**
   * Frees everything the trainer holds on the device: the AdamW moments, any
   * accumulated gradients and the sampler's state (MT-U's score averages) —
   * not the model, which the caller owns. run() calls it when it ends, however
   * it ends; call it yourself for a trainer built and never run, or in a
   * `finally` next to run(). Idempotent.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.sampler.dispose?.();
    this.optimizer.dispose();
    this.accumulator.dispose();
  }

  /** Restores the latest checkpoint when resuming (the log is cut back to it), else starts a new log. */
  private async startLog(): Promise<void> {
    const first = runRecord(this.options, {
      totalSteps: this.totalSteps,
      epochLength: this.epochLength,
      sampler: this.sampler.kind,
    });
    if (this.options.resume && (await this.restore())) {
      await this.log.truncateAfter(this.state.step, first);
      await this.schedule.truncateTo(this.state.step);
    } else {
      await this.log.start(first);
      await this.schedule.start();
    }
  }

  /** The loop; a NaN loss is logged as the run's end before it propagates. */
  private async loopLogged(): Promise<TrainResult['reason']> {
    try {
      return await this.loop();
    } catch (e) {
      if ((e as { code?: string }).code === 'NUMERIC')
        await this.log.write({
          type: 'end',
          step: this.state.step,
          time: Date.now(),
          reason: 'nan',
          final: this.summary(),
          message: (e as Error).message,
        });
      throw e;
    }
  }

  private async loop(): Promise<TrainResult['reason']> {
    while (this.state.step < this.totalSteps) {
      if (this.options.stopSignal?.stopped) {
        await this.checkpoint();
        return 'interrupted';
      }
      await this.step();
      if (await this.afterStep()) return 'early-stopping';
    }
    return 'done';
  }

  private lastEvalStep = -1;

  private get taskNames(): string[] {
    return this.options.tasks.map((t) => t.name);
  }

  private summary(): Record<string, unknown> {
    return finalSummary(this.taskNames, this.state.best, this.lastEval, this.sampler.usage(), this.options.selectBy);
  }

  private stepContext(): StepContext {
    const o = this.options;
    return {
      model: o.model,
      train: o.train,
      vars: this.vars,
      names: gradientNames(this.vars),
      optimizer: this.optimizer,
      accumulator: this.accumulator,
      rng: this.dropoutRng,
      padTo: o.padding,
      maxGradNorm: o.maxGradNorm,
    };
  }

  private lr(): number {
    const o = this.options;
    const totalUpdates = Math.ceil(this.totalSteps / o.gradientAccumulation);
    const warmupSteps = warmupStepsFromRatio(totalUpdates, o.warmupRatio);
    return lrAt(this.state.updates, { baseLr: o.learningRate, warmupSteps, totalSteps: totalUpdates, decay: o.decay });
  }

  private async step(): Promise<void> {
    const o = this.options;
    const started = Date.now();
    const request = { step: this.state.step, epoch: this.state.epoch };
    const draws = await this.sampler.next(request);
    const lr = this.lr();
    const result = await trainStep(this.stepContext(), draws, this.state.step + 1, lr);
    this.state.step += 1;
    await this.schedule.append(scheduleLine(draws, o.train, this.taskNames));
    if (result.gradNorm !== undefined) this.state.updates += 1;
    this.state.examplesSeen += draws.length;
    const stepEpoch = this.state.epoch; // the epoch this step belonged to, for the log
    this.state.epoch = Math.floor(this.state.step / this.epochLength) + 1;
    const seconds = Math.max(1e-3, (Date.now() - started) / 1000);
    const facts = { step: this.state.step, epoch: stepEpoch, draws, lr, examplesPerSecond: draws.length / seconds };
    await this.log.write(stepRecord(this.taskNames, { ...facts, ...result }, this.sampler.usage()));
    o.onProgress?.({
      step: this.state.step,
      totalSteps: this.totalSteps,
      epoch: stepEpoch,
      loss: result.loss,
      examplesPerSecond: draws.length / seconds,
      phase: 'train',
    });
  }

  /** Evaluates (and saves) at epoch ends and every evalEvery steps; returns true to stop early. */
  private async afterStep(): Promise<boolean> {
    const o = this.options;
    const s = this.state.step;
    const evalNow =
      s % this.epochLength === 0 || (o.evalEvery !== undefined && s % o.evalEvery === 0) || s === this.totalSteps;
    if (evalNow) await this.evaluateAndSave();
    else if (o.saveEvery !== undefined && s % o.saveEvery === 0) await this.checkpoint();
    return o.earlyStoppingPatience !== undefined && this.state.evalsWithoutImprovement >= o.earlyStoppingPatience;
  }

  private async evaluateAndSave(): Promise<void> {
    const o = this.options;
    if (o.dev.length === 0) {
      await this.checkpoint();
      return;
    }
    o.onProgress?.({ phase: 'eval', step: this.state.step, totalSteps: this.totalSteps, epoch: this.state.epoch });
    const result = await evaluate(o.model, o.dev, { batchSize: o.evalBatchSize, padding: o.padding });
    this.sampler.onEvaluate?.();
    this.lastEval = result;
    this.lastEvalStep = this.state.step;
    const judged = judgeEvaluation(o.selectBy, result, this.state.step, this.state.best, o.earlyStoppingMinDelta);
    const { score, improved, progressed } = judged;
    this.state.best = judged.best;
    this.state.evalsWithoutImprovement = progressed ? 0 : this.state.evalsWithoutImprovement + 1;
    const epoch = Math.floor((this.state.step - 1) / this.epochLength) + 1; // the epoch just trained
    await this.log.write({
      type: 'eval',
      step: this.state.step,
      epoch,
      time: Date.now(),
      split: 'dev',
      metrics: result.metrics,
      scores: result.scores,
      average: result.average,
      score,
      selectBy: o.selectBy.name,
      best: improved,
    });
    const name = await this.checkpoint();
    if (improved)
      await o.fs.writeFileAtomic(
        o.fs.join(this.checkpointRoot, BEST),
        JSON.stringify({ step: this.state.step, path: name, average: result.average, score }) + '\n',
      );
  }

  private async checkpoint(): Promise<string> {
    const o = this.options;
    this.state.sampler = await this.sampler.getState();
    this.state.dropoutRng = this.dropoutRng.state();
    const opt = await this.optimizer.readState();
    this.state.optimizer = { step: opt.step, paramSteps: Object.fromEntries(opt.paramSteps ?? []) };
    const name = await saveTrainingCheckpoint(this.checkpointRoot, o.model, opt, this.state, o.fs);
    await pruneCheckpoints(this.checkpointRoot, o.keepCheckpoints, o.fs);
    await this.log.write({
      type: 'checkpoint',
      step: this.state.step,
      time: Date.now(),
      path: name,
      best: this.state.best?.step === this.state.step,
    });
    return name;
  }

  /** Restores model, optimiser, sampler, RNGs and counters from the latest checkpoint. */
  private async restore(): Promise<boolean> {
    const o = this.options;
    const dir = await latestCheckpoint(this.checkpointRoot, o.fs);
    if (!dir) return false;
    const { state, optimizer } = await loadTrainingCheckpoint(dir, o.fs);
    await restoreModelWeights(o.model.store, dir, o.fs);
    this.optimizer.setState(optimizer);
    await restoringFrom(o.fs.join(dir, STATE_FILE), () => this.sampler.setState(state.sampler));
    this.dropoutRng.setState(state.dropoutRng);
    this.state = state;
    this.lastEvalStep = state.step;
    return true;
  }
}
