// @camtl/core/testing (ESM only): the test helpers a plug-in author needs.
// Built as a second tsup entry next to the main one, so it shares its chunks:
// one module instance, hence one backend and kernel-patch registry for a test
// and the code under test. Needs vitest (an optional peer dependency) and the
// cpu and wasm tfjs backends. Core-internal fixture readers (fixtures.ts,
// load.ts: packages/core/fixtures is not published) stay out of it.
export { describeEachBackend, TEST_BACKENDS } from './backends';
export { maxAbsDiff, worstViolation } from './compare';
export { expectNoLeak, expectRowByRow, randn, randomStore, row } from './random';
export { countReads } from './reads';
export { camtlErrorOf, rejection } from './errors';
export {
  diffsFromCpu,
  matMulCombinations,
  readAll,
  tinyBertStep,
  TINY_BERT_CONFIG,
  type SwitchBackend,
  type TinyBertStep,
} from './backend-cases';
// Re-exported whole: toy-multitask.ts belongs to the multi-task trainer's tests.
export * from './toy-multitask';
