// Shared test helpers for the camtl packages (private, never published).
// The backend switcher is core's own test helper, so every package's suites
// run on the same backends with the same kernel patches.
export { describeEachBackend, TEST_BACKENDS } from '../../core/src/testing/backends';
export { maxAbsDiff, worstViolation } from '../../core/src/testing/fixtures';
export { camtlFixturePath, readCamtlFixtureJson, readCamtlTensors, type ReferenceTensor } from './camtl-fixtures';
