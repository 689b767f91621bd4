/**
 * The demo page: picks a backend, loads the built-in default CA-MTL model (or
 * the user's), predicts every task head for a sentence or pair, fine-tunes
 * on the synthetic suite with a live loss plot, and downloads the result.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isCamtlError } from '@camtl/core';
import {
  deleteCache,
  downloadModel,
  filesFromDataTransfer,
  useWebBackend,
  type BackendReport,
  type FilesInput,
  type WebBackendName,
} from '@camtl/backend-web';
import type { SamplerName } from '@camtl/sampler';
import { cannotFineTune, fineTune, freshModel, prepareSuite, type StepRecord, type SuiteData } from './finetune';
import { DEFAULT_MODEL_URL, loadFromFiles, loadFromUrl, type LoadedModel } from './model';
import { lossPlot } from './plot';
import { predictAll, type Prediction } from './predict';

/** What the end-to-end test (and a curious console user) can read. */
interface DemoState {
  state: string;
  report?: BackendReport;
  losses: number[];
  lastPrediction?: Prediction;
  error?: string;
}
const demo: DemoState = { state: 'starting', losses: [] };
(window as unknown as { camtlDemo: DemoState }).camtlDemo = demo;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: Array<Node | string>
) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};

function setState(state: string): void {
  demo.state = state;
  document.body.dataset.state = state;
}

function message(e: unknown): string {
  if (isCamtlError(e)) return e.hint ? `${e.message} — ${e.hint}` : e.message;
  return e instanceof Error ? e.message : String(e);
}

let loaded: LoadedModel | undefined;
let suite: SuiteData | undefined;
let busy = false;

// ---------------------------------------------------------------------------
// Backend

async function startBackend(): Promise<BackendReport> {
  const params = new URLSearchParams(location.search);
  const wanted = (params.get('backend') ?? 'auto') as WebBackendName | 'auto';
  ($('backend-select') as HTMLSelectElement).value = wanted;
  // A backend picked in the page is tried first, then the usual order: the report says why it was skipped.
  const report = await useWebBackend({
    prefer: wanted === 'auto' ? 'auto' : `${wanted},auto`,
    wasmPaths: new URL('wasm/', location.href).href,
  });
  demo.report = report;
  const badge = $('backend');
  badge.dataset.backend = report.backend;
  $('backend-text').textContent = `${report.backend} · ${report.detail}`;
  badge.title = report.device;
  const details = $('backend-report');
  details.replaceChildren(
    el('p', {}, `Running on ${report.backend}: ${report.device}.`),
    ...(report.skipped.length
      ? [
          el('p', {}, 'Skipped, in the order tried:'),
          el(
            'ul',
            {},
            ...report.skipped.map((s) =>
              el('li', {}, el('strong', {}, s.choice), `: ${s.reason}${s.hint ? ` (${s.hint})` : ''}`),
            ),
          ),
        ]
      : []),
    ...report.notes.map((n) => el('p', {}, n)),
    el(
      'p',
      {},
      `Versions: ${Object.entries(report.versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    ),
    ...(report.patches.length ? [el('p', {}, `camtl kernel patches: ${report.patches.join(', ')}`)] : []),
  );
  console.info(`camtl: ${report.summary}`);
  return report;
}

$('backend-select').addEventListener('change', (ev) => {
  const url = new URL(location.href);
  url.searchParams.set('backend', (ev.target as HTMLSelectElement).value);
  location.href = url.href;
});

// ---------------------------------------------------------------------------
// Model

function fact(label: string, value: string): HTMLElement {
  return el('div', {}, el('dt', {}, label), el('dd', {}, value));
}

/** Shows the model's facts; `loadedNow` also reports how it was loaded. */
function showModel(m: LoadedModel, loadedNow = false): void {
  const c = m.model.config;
  const s = m.model.summary();
  $('model-facts').replaceChildren(
    fact('Source', m.source),
    fact(
      'Layout',
      `CA-MTL-${c.variant}: ${c.bert.numHiddenLayers} layers, hidden ${c.bert.hiddenSize}, ${c.bert.numAttentionHeads} heads`,
    ),
    fact('Parameters', s.total.toLocaleString('en-US')),
    fact('Tasks', String(m.tasks.length)),
    fact('Vocabulary', `${c.bert.vocabSize.toLocaleString('en-US')} tokens`),
    fact('Max length', `${m.model.maxSeqLength} tokens`),
  );
  const note = $('model-note');
  const p = m.provenance;
  note.hidden = !p;
  if (p) note.textContent = p.note;
  const files = (n: number) => `${n} file${n === 1 ? '' : 's'}`;
  const cache =
    !loadedNow || !m.cache
      ? ''
      : m.cache.downloads === 0
        ? ` from the IndexedDB cache (${files(m.cache.hits)}${m.cache.offline ? ', offline' : ''})`
        : ` (${files(m.cache.downloads)} downloaded and cached in IndexedDB${m.cache.hits ? `, ${files(m.cache.hits)} from the cache` : ''})`;
  if (loadedNow) status('model-status', `Loaded ${m.source}${cache}.`);

  const select = $('task') as HTMLSelectElement;
  const titles = m.tasks.map((t) => t.title);
  const same =
    select.options.length === titles.length && [...select.options].every((o, i) => o.textContent === titles[i]);
  if (!same) select.replaceChildren(...titles.map((t, i) => el('option', { value: String(i) }, t)));
  select.disabled = false;
  onTaskChange();
  for (const id of ['predict', 'train', 'download']) ($(id) as HTMLButtonElement).disabled = false;
  const why = cannotFineTune(m);
  ($('train') as HTMLButtonElement).disabled = !!why;
  if (why) status('train-status', `Fine-tuning is off for this model: ${why}.`);
  ($('example') as HTMLButtonElement).disabled = !!why;
}

function status(id: string, text: string, error = false): void {
  const e = $(id);
  e.textContent = text;
  e.classList.toggle('error', error);
}

async function load(what: () => Promise<LoadedModel>, label: string): Promise<void> {
  if (busy) return;
  busy = true;
  setState('loading');
  status('model-status', `Loading ${label}…`);
  try {
    const next = await what();
    loaded?.model.dispose();
    loaded = next;
    suite = undefined;
    showModel(next, true);
    setState('ready');
    if (!cannotFineTune(next)) fillExample(0);
  } catch (e) {
    demo.error = message(e);
    status('model-status', `Could not load ${label}: ${message(e)}`, true);
    setState(loaded ? 'ready' : 'error');
    console.warn(e);
  } finally {
    busy = false;
  }
}

$('url-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const url = ($('model-url') as HTMLInputElement).value.trim();
  if (url) void load(() => loadFromUrl(url), url);
});
for (const id of ['model-folder', 'model-files']) {
  $(id).addEventListener('change', (ev) => {
    const files = (ev.target as HTMLInputElement).files;
    if (files && files.length > 0) void load(() => loadFromFiles(files), `${files.length} picked files`);
  });
}
$('load-default').addEventListener(
  'click',
  () => void load(() => loadFromUrl(DEFAULT_MODEL_URL), 'the built-in default'),
);
$('clear-cache').addEventListener('click', async () => {
  await deleteCache('camtl-example-web');
  status('model-status', 'Cleared the IndexedDB cache: the next load downloads the files again.');
});

// Drag and drop a model folder anywhere on the page.
let dragDepth = 0;
document.addEventListener('dragenter', (ev) => {
  if (!ev.dataTransfer?.types.includes('Files')) return;
  dragDepth++;
  $('drop-overlay').hidden = false;
});
document.addEventListener('dragleave', () => {
  if (--dragDepth <= 0) ((dragDepth = 0), ($('drop-overlay').hidden = true));
});
document.addEventListener('dragover', (ev) => ev.preventDefault());
document.addEventListener('drop', async (ev) => {
  ev.preventDefault();
  dragDepth = 0;
  $('drop-overlay').hidden = true;
  if (!ev.dataTransfer) return;
  const files: FilesInput = await filesFromDataTransfer(ev.dataTransfer);
  if (files.length > 0) void load(() => loadFromFiles(files), 'the dropped files');
});

// ---------------------------------------------------------------------------
// Predict

function taskIndex(): number {
  return Number(($('task') as HTMLSelectElement).value || 0);
}

function onTaskChange(): void {
  if (!loaded) return;
  const t = loaded.tasks[taskIndex()];
  const kind =
    t.kind === 'regression'
      ? `regression${t.range ? ` (${t.range[0]}–${t.range[1]})` : ''}`
      : `${t.labels.length} classes: ${t.labelNames.join(', ')}`;
  const pair = t.pair === true ? 'Takes a pair of sentences.' : t.pair === false ? 'Takes one sentence.' : '';
  $('task-hint').textContent = `${kind}. ${pair}`;
  ($('text-b') as HTMLTextAreaElement).placeholder =
    t.pair === false ? 'not used by this task' : 'the second sentence of the pair';
}
$('task').addEventListener('change', () => {
  onTaskChange();
  $('prediction').replaceChildren();
});

function ensureSuite(): SuiteData {
  suite ??= prepareSuite(loaded!, Number(($('seed') as HTMLInputElement).value) || 0);
  return suite;
}

let exampleCounter = 0;
function fillExample(offset = 1): void {
  if (!loaded || cannotFineTune(loaded)) return;
  const name = loaded.tasks[taskIndex()].name;
  const samples = ensureSuite().samples[name] ?? [];
  if (samples.length === 0) return;
  exampleCounter = (exampleCounter + offset) % samples.length;
  const ex = samples[exampleCounter];
  ($('text-a') as HTMLTextAreaElement).value = ex.textA;
  ($('text-b') as HTMLTextAreaElement).value = ex.textB ?? '';
}
$('example').addEventListener('click', () => fillExample(1 + Math.floor(Math.random() * 50)));

function bars(t: LoadedModel['tasks'][number], probabilities: number[]): HTMLElement {
  return el(
    'ul',
    { className: 'bars' },
    ...probabilities.map((p, i) => {
      const bar = el('span');
      bar.style.width = `${(p * 100).toFixed(1)}%`;
      const li = el(
        'li',
        {},
        el('span', {}, t.labelNames[i]),
        el('div', { className: 'bar' }, bar),
        el('span', { className: 'pct' }, `${(p * 100).toFixed(1)}%`),
      );
      li.setAttribute('aria-label', `${t.labelNames[i]}: ${(p * 100).toFixed(1)} percent`);
      return li;
    }),
  );
}

function showPrediction(pred: Prediction, chosen: number): void {
  const m = loaded!;
  const t = m.tasks[chosen];
  const mine = pred.perTask[chosen];
  const headline =
    mine.kind === 'regression'
      ? el(
          'p',
          { className: 'result-main' },
          el('span', { className: 'label', id: 'prediction-label' }, mine.labelName),
          el('span', { className: 'score' }, t.range ? `on a ${t.range[0]}–${t.range[1]} scale` : 'predicted value'),
        )
      : el(
          'p',
          { className: 'result-main' },
          el('span', { className: 'label', id: 'prediction-label' }, mine.labelName),
          el('span', { className: 'score' }, `${(mine.score * 100).toFixed(1)}% · label ${mine.label}`),
        );
  const rows = pred.perTask.map((p, i) => {
    const info = m.tasks[i];
    const value = p.kind === 'regression' ? p.labelName : `${p.labelName} (${(p.score * 100).toFixed(0)}%)`;
    const tr = el(
      'tr',
      { className: i === chosen ? 'chosen' : '' },
      el('td', {}, info.title),
      el('td', {}, value),
      el('td', {}, p.kind === 'regression' ? '—' : p.entropy.toFixed(2)),
    );
    return tr;
  });
  const table = el(
    'table',
    { id: 'all-heads' },
    el(
      'caption',
      { className: 'hint' },
      'Every task head on the same input (CA-MTL conditions the whole encoder on the task)',
    ),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col' }, 'task'),
        el('th', { scope: 'col' }, 'prediction'),
        el('th', { scope: 'col' }, 'uncertainty'),
      ),
    ),
    el('tbody', {}, ...rows),
  );
  table.querySelector('caption')!.style.captionSide = 'bottom';
  const unknown = pred.unknownTokens.length
    ? [el('p', { className: 'hint warn' }, `Not in the vocabulary (read as [UNK]): ${pred.unknownTokens.join(', ')}`)]
    : [];
  $('prediction').replaceChildren(
    el('h3', { className: 'hint' }, `${t.title}`),
    headline,
    ...(mine.kind === 'classification' ? [bars(t, mine.probabilities)] : []),
    table,
    ...unknown,
    el(
      'p',
      { className: 'tokens' },
      `${pred.tokens.length} tokens · ${pred.ms.toFixed(0)} ms: ${pred.tokens.join(' ')}`,
    ),
  );
}

$('predict-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  if (!loaded || busy) return;
  const a = ($('text-a') as HTMLTextAreaElement).value.trim();
  const b = ($('text-b') as HTMLTextAreaElement).value.trim();
  if (!a) {
    $('prediction').replaceChildren(el('p', { className: 'status error' }, 'Type a sentence first.'));
    ($('text-a') as HTMLTextAreaElement).focus();
    return;
  }
  const chosen = taskIndex();
  try {
    const pred = await predictAll(loaded, a, b || undefined);
    demo.lastPrediction = pred;
    showPrediction(pred, chosen);
    setState(demo.state === 'training' ? 'training' : 'predicted');
  } catch (e) {
    $('prediction').replaceChildren(el('p', { className: 'status error' }, message(e)));
  }
});

// ---------------------------------------------------------------------------
// Fine-tune

const plot = lossPlot($('loss-plot') as HTMLCanvasElement, {
  totalSteps: Number(($('steps') as HTMLInputElement).value) || 30,
});
const signal = { stopped: false };

function num(id: string): number {
  return Number(($(id) as HTMLInputElement).value);
}

function onStep(r: StepRecord, total: number): void {
  demo.losses.push(r.loss);
  plot.push(r.step, r.loss);
  const progress = $('train-progress') as HTMLProgressElement;
  progress.max = total;
  progress.value = r.step;
  const mix = Object.entries(r.examplesPerTask)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k.replace('synthetic-', '')} ${n}`)
    .join(', ');
  status(
    'train-status',
    `Step ${r.step} of ${total} · loss ${r.loss.toFixed(4)} · ${r.examplesPerSecond.toFixed(0)} examples/s`,
  );
  $('loss-table')
    .querySelector('tbody')!
    .append(
      el(
        'tr',
        {},
        el('td', {}, String(r.step)),
        el('td', {}, r.loss.toFixed(4)),
        el('td', {}, r.lr.toExponential(2)),
        el('td', {}, mix),
      ),
    );
}

$('train-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  if (!loaded || busy) return;
  busy = true;
  setState('training');
  signal.stopped = false;
  for (const id of ['train', 'download', 'predict']) ($(id) as HTMLButtonElement).disabled = true;
  ($('stop') as HTMLButtonElement).disabled = false;
  demo.losses = [];
  $('loss-table').querySelector('tbody')!.replaceChildren();
  const steps = Math.max(1, Math.round(num('steps')));
  plot.reset(steps);
  try {
    status('train-status', 'Generating and tokenizing the synthetic suite…');
    await tf.nextFrame();
    const seed = Math.round(num('seed')) || 0;
    if (!suite || suite.seed !== seed) suite = prepareSuite(loaded, seed);
    if (($('start-from') as HTMLSelectElement).value === 'fresh') {
      const fresh = await freshModel(loaded.model, seed);
      loaded.model.dispose();
      loaded = {
        ...loaded,
        model: fresh,
        // A second re-initialisation replaces the first in the model's description.
        source: `${loaded.source.replace(/(, re-initialised \(seed -?\d+\))?(, fine-tuned in the browser)?$/, '')}, re-initialised (seed ${seed})`,
        provenance: undefined,
      };
      showModel(loaded);
      for (const id of ['train', 'download', 'predict']) ($(id) as HTMLButtonElement).disabled = true;
    }
    status('train-status', `Training ${steps} steps…`);
    const result = await fineTune(loaded, suite, {
      steps,
      batchSize: Math.max(1, Math.round(num('batch'))),
      learningRate: num('lr'),
      sampler: ($('sampler') as HTMLSelectElement).value as SamplerName,
      seed,
      onStep,
      signal,
    });
    const first = demo.losses.slice(0, Math.max(1, Math.floor(demo.losses.length / 3)));
    const last = demo.losses.slice(-Math.max(1, Math.floor(demo.losses.length / 3)));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    status(
      'train-status',
      `${result.reason === 'interrupted' ? 'Stopped' : 'Done'} after ${result.steps} steps in ${result.seconds.toFixed(1)} s · mean loss ${mean(first).toFixed(3)} (first third) → ${mean(last).toFixed(3)} (last third). Predictions now use the fine-tuned weights.`,
    );
    loaded.source = loaded.source.includes('fine-tuned')
      ? loaded.source
      : `${loaded.source}, fine-tuned in the browser`;
    loaded.provenance = undefined;
    showModel(loaded);
    setState('trained');
  } catch (e) {
    demo.error = message(e);
    status('train-status', `Training failed: ${message(e)}`, true);
    setState('ready');
    console.warn(e);
  } finally {
    busy = false;
    ($('stop') as HTMLButtonElement).disabled = true;
    ($('download') as HTMLButtonElement).disabled = !loaded;
    ($('predict') as HTMLButtonElement).disabled = !loaded;
    ($('train') as HTMLButtonElement).disabled = !loaded || !!cannotFineTune(loaded);
  }
});

$('stop').addEventListener('click', () => {
  signal.stopped = true;
  status('train-status', 'Stopping after this step…');
});

$('download').addEventListener('click', async () => {
  if (!loaded) return;
  const button = $('download') as HTMLButtonElement;
  button.disabled = true;
  try {
    const result = await downloadModel(loaded.model, { filename: 'camtl-model.zip', files: loaded.tokenizerFiles });
    status(
      'download-status',
      `Saved camtl-model.zip (${(result.bytes / 1024).toFixed(0)} KB): ${Object.keys(result.files).join(', ')} — unzip it for a model folder that camtl and this page load.`,
    );
  } catch (e) {
    status('download-status', `Download failed: ${message(e)}`, true);
  } finally {
    button.disabled = busy;
  }
});

// ---------------------------------------------------------------------------

async function start(): Promise<void> {
  try {
    await startBackend();
  } catch (e) {
    $('backend').dataset.backend = 'error';
    $('backend-text').textContent = `No backend: ${message(e)}`;
    setState('error');
    return;
  }
  await load(() => loadFromUrl(DEFAULT_MODEL_URL), 'the built-in default');
}

void start();
