// Shared test helpers for the camtl packages (private, never published).
// Everything of @camtl/core/testing (the backend switcher, comparisons,
// backend cases, the toy multi-task model), imported by package name so a
// test runs on the same instance of core as the plug-in under test; plus the
// CA-MTL conformance fixtures, which stay here (not published).
export * from '@camtl/core/testing';
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
