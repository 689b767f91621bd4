// Shared test helpers for the camtl packages (private, never published).
// Everything of @camtl/core/testing (the backend switcher, comparisons,
// backend cases, the toy multi-task model), imported by package name so a
// test runs on the same instance of core as the plug-in under test; plus the
// CA-MTL conformance fixtures, which stay here (not published).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

// HF BertForTokenClassification / BertForQuestionAnswering / BertForMultipleChoice folders made by
// PyTorch (tools/hf-heads-fixtures/make_fixtures.py): config.json, model.safetensors, inputs.json, expected.json.
const HF_HEADS = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'hf-heads');

/** A path inside packages/testkit/fixtures/hf-heads, e.g. hfHeadsFixturePath('multiple-choice'). */
export function hfHeadsFixturePath(...parts: string[]): string {
  return join(HF_HEADS, ...parts);
}
