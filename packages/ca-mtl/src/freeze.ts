import type { ParamStore } from '@camtl/core';

/**
 * The reference `CaMtl.freeze_encoder_layers(a-b)`, on names without "bert.":
 *  1. a name matching `encoder.layer.*\.([0-9]+)\..*` with its (last) layer
 *     number in [a, b] is frozen, unless it contains one of the unfrozen
 *     modules;
 *  2. otherwise a name starting with "embedding" is frozen;
 *  3. everything else (task embeddings, alignment, task_transformation,
 *     pooler, large's bottleneck chain, the heads) stays trainable.
 * The reference's whitelist entry "film.gb_weights" matches no name, so the
 * attention-bias generators of frozen layers freeze at their initial values
 * (spec §1.4). `fixQuirk` keeps them trainable, as the whitelist intended.
 */
export const REFERENCE_UNFROZEN = [
  'random_weight_matrix',
  'film.gb_weights',
  'ln_weight_modulation.gb_weights',
  'adapter',
];
const LAYER_REGEXP = /^encoder.layer.*\.([0-9]+)\..*/; // the reference's get_layer_regexp, greedy as in Python

export interface FreezeOptions {
  /** Keep the frozen layers' attention-bias generators trainable. */
  fixQuirk?: boolean;
}

/** Whether the reference rule keeps `name` (a `CaMtl.state_dict()` name) trainable. */
export function referenceTrainable(name: string, range: [number, number], options: FreezeOptions = {}): boolean {
  if (!name.startsWith('bert.')) return true; // the heads are outside `self.bert`
  const bare = name.slice('bert.'.length);
  const m = LAYER_REGEXP.exec(bare);
  if (m) {
    const k = Number(m[1]);
    const unfrozen = options.fixQuirk ? [...REFERENCE_UNFROZEN, 'cond_block_diag_attn.gb_weights'] : REFERENCE_UNFROZEN;
    return !(range[0] <= k && k <= range[1]) || unfrozen.some((u) => bare.includes(u));
  }
  return !bare.startsWith('embedding');
}

/** Applies the rule to every parameter; returns the names frozen. */
export function freezeEncoderLayers(store: ParamStore, range: [number, number], options: FreezeOptions = {}): string[] {
  const frozen: string[] = [];
  for (const name of store.names()) {
    const trainable = referenceTrainable(name, range, options);
    store.setTrainable(name, trainable);
    if (!trainable) frozen.push(name);
  }
  return frozen;
}

/** The component a CA-MTL parameter belongs to (for summaries). */
export function caMtlComponent(name: string): string {
  const bare = name.replace(/^bert\./, '');
  if (bare.startsWith('decoders.')) return 'heads';
  if (bare.startsWith('loss_weighting.')) return 'loss_weighting';
  if (bare.startsWith('task_type_embeddings')) return 'task_embeddings';
  if (bare.startsWith('conditional_alignment')) return 'conditional_alignment';
  if (bare.startsWith('embeddings.')) return 'embeddings';
  if (bare.startsWith('encoder.task_transformation')) return 'task_transformation';
  if (bare.startsWith('pooler.')) return 'pooler';
  if (bare.startsWith('encoder.adapter_layer.') || /\.adapter\./.test(bare)) return 'adapter';
  if (/random_weight_matrix|cond_block_diag_attn/.test(bare)) return 'attention_bias';
  if (/ln_(weight|bias)_modulation/.test(bare)) return 'cln_generators';
  if (/\.new_(attention|intermediate|output)\./.test(bare)) return 'top_layer';
  return 'encoder_layers';
}
