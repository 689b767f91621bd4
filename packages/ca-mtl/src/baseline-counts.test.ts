import { describe, expect, it } from 'vitest';
import { hyperformerParamCounts, mtlBertParamCounts } from './baseline-counts';
import type { ConditionalComponent } from './config';
import { caMtlParamCounts } from './counts';

const GLUE9 = ['cola', 'mnli', 'rte', 'wnli', 'qqp', 'sts-b', 'sst-2', 'qnli', 'mrpc'];
const BERT_BASE_CASED = 108310272; // BertModel with pooler (HF's count of bert-base-cased)

describe('baseline counts at bert-base-cased size (nothing allocated)', () => {
  it('mtl-bert: BERT-base plus 9 heads (18 classes: 18·768 + 18)', () => {
    const c = mtlBertParamCounts({ backbone: 'base', tasks: GLUE9 });
    expect(c.total).toBe(BERT_BASE_CASED + 18 * 768 + 18);
    expect(c.groups.heads.total).toBe(18 * 769);
    // The same freezing rule as CA-MTL: 0-4 freezes 5 layers and the embeddings.
    const frozen = mtlBertParamCounts({ backbone: 'base', tasks: GLUE9, freeze: [0, 4] });
    const embeddings = 28996 * 768 + 512 * 768 + 2 * 768 + 2 * 768;
    expect(frozen.frozen).toBe(embeddings + 5 * 7087872);
    // CA-MTL-base (spec §3.8) is the larger model by its conditional parts and the rebuilt top layer.
    expect(caMtlParamCounts({ variant: 'base', tasks: GLUE9 }).total).toBeGreaterThan(c.total);
    // CA-MTL-base without all four components is plain BERT with a rebuilt (same-size) top layer: the same count.
    const without: ConditionalComponent[] = [
      'conditional-attention',
      'conditional-alignment',
      'conditional-layer-norm',
      'conditional-bottleneck',
    ];
    const ablated = caMtlParamCounts({ variant: 'base', tasks: GLUE9, options: { without } });
    expect(ablated.total).toBe(c.total);
  });

  it('hyperformer: one hypernetwork (spec §8.5, 12 layers, r = 32) + task embeddings; BERT frozen but its LayerNorms', () => {
    const c = hyperformerParamCounts({ backbone: 'base', tasks: GLUE9 });
    const hypernet = 2581464 + 9 * 64; // per stack (spec §8.5) + the task embeddings
    expect(c.groups.hypernetwork.total).toBe(hypernet);
    expect(c.total).toBe(BERT_BASE_CASED + hypernet + 18 * 769);
    const layerNorms = (1 + 2 * 12) * 2 * 768;
    expect(c.trainable).toBe(hypernet + 18 * 769 + layerNorms);
    const weighted = hyperformerParamCounts({ backbone: 'base', tasks: GLUE9, lossWeighting: 'uncertainty' });
    expect(weighted.trainable - c.trainable).toBe(9);
  });
});
