// @camtl/hypernet-adapters — task embeddings, FiLM hypernetworks, conditional
// layer norm, alignment and bottleneck, and a Hyperformer-style generated adapter.
export { film, filmParams, filmSpecs } from './film';
