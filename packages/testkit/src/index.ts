// Shared test helpers for the camtl packages (private, never published).
// The backend switcher is core's own test helper, so every package's suites
// run on the same backends with the same kernel patches.
export { describeEachBackend, TEST_BACKENDS } from '../../core/src/testing/backends';
export { maxAbsDiff, worstViolation } from '../../core/src/testing/fixtures';
export {
  camtlFixturePath,
  readCamtlFixtureJson,
  readCamtlFloat32Tensors,
  readCamtlTensors,
  type ReferenceTensor,
} from './camtl-fixtures';
export {
  caseReferenceParams,
  caseTensors,
  jsonTensor,
  moduleCase,
  runCase,
  type CaseResult,
  type CaseRun,
  type InitStats,
  type JsonTensor,
  type ModuleCase,
} from './module-cases';
