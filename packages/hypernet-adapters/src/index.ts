// @camtl/hypernet-adapters — task embeddings, the conditional layer norm,
// alignment and bottleneck (FiLM-conditioned; FiLM itself is a core module),
// and a Hyperformer-style generated adapter.
export {
  checkTaskIds,
  taskEmbedding,
  taskEmbeddingSpecs,
  taskTransformation,
  taskTransformationSpecs,
} from './task-embedding';
export {
  conditionalAlignment,
  conditionalAlignmentSpecs,
  type AlignmentMode,
  type AlignmentOptions,
} from './alignment';
export {
  conditionalLayerNorm,
  conditionalLayerNormApply,
  conditionalLayerNormSpecs,
  firstRowOfTask,
  type ConditionalLayerNormOptions,
} from './conditional-layer-norm';
export {
  bottleneckSize,
  conditionalBottleneck,
  conditionalBottleneckSpecs,
  type BottleneckOptions,
} from './bottleneck';
export {
  ADAPTER_POSITION,
  generateAdapterWeights,
  hypernetSpecs,
  projectTaskEmbeddings,
  resolveHypernetOptions,
  type AdapterPosition,
  type GeneratedWeights,
  type HypernetOptions,
  type ResolvedHypernetOptions,
} from './hypernet';
export {
  applyGeneratedAdapter,
  generatedAdapter,
  type GeneratedAdapter,
  type GeneratedAdapterOptions,
} from './generated-adapter';
export {
  HYPERFORMER_MODEL,
  HYPERNET_PREFIX,
  hyperformerComponent,
  hyperformerConfigToJson,
  hyperformerTrainable,
  isHyperformerConfig,
  parseHyperformerConfig,
  type HyperformerAdapterOptions,
  type HyperformerConfig,
} from './hyperformer-config';
export {
  HyperformerDefinition,
  HyperformerModel,
  createHyperformer,
  loadHyperformer,
  type CreateHyperformerOptions,
  type HyperformerOutputs,
} from './hyperformer-model';
